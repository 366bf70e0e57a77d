// Containers run from images: which layout manifest an image reference names, the command Kubernetes
// runs from the image's entrypoint and the container's command and args, and the runtime
// configuration crun gets from the pod's security context and mounts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { parseImageReference, resolveManifest } from '../../../../tools/pod-runner/oci-images.ts';
import { imageCommand, type RuntimeSpec, runtimeSpec } from '../../../../tools/pod-runner/oci-runtime.ts';
import { parseImageOption } from '../../../../tools/pod-runner/options.ts';

test('image references: repository, tag after the last slash (not a registry port), digest after @', () => {
  assert.deepEqual(parseImageReference('kafka-actor-operator:0.1.0'), {
    repository: 'kafka-actor-operator',
    tag: '0.1.0',
    digest: undefined,
  });
  assert.deepEqual(parseImageReference('registry.example.com:5000/team/operator@sha256:abc'), {
    repository: 'registry.example.com:5000/team/operator',
    tag: undefined,
    digest: 'sha256:abc',
  });
  assert.deepEqual(parseImageReference('operator'), {
    repository: 'operator',
    tag: undefined,
    digest: undefined,
  });
});

const index = {
  manifests: [
    { digest: 'sha256:aaa', annotations: { 'org.opencontainers.image.ref.name': '0.1.0' } },
    { digest: 'sha256:bbb', annotations: { 'org.opencontainers.image.ref.name': 'latest' } },
  ],
};

test("a reference names the layout's manifest by digest, else by tag, latest without one", () => {
  assert.deepEqual(resolveManifest(index, parseImageReference('op@sha256:aaa')), {
    digest: 'sha256:aaa',
    tag: '0.1.0',
  });
  assert.deepEqual(resolveManifest(index, parseImageReference('op:0.1.0')), {
    digest: 'sha256:aaa',
    tag: '0.1.0',
  });
  assert.deepEqual(resolveManifest(index, parseImageReference('op')), {
    digest: 'sha256:bbb',
    tag: 'latest',
  });
  assert.throws(
    () => resolveManifest(index, parseImageReference('op:0.2.0')),
    /op:0.2.0 is not in the OCI layout/,
  );
  assert.throws(
    () => resolveManifest(index, parseImageReference('op@sha256:ccc')),
    /not in the OCI layout of op/,
  );
});

test('--image reads REPOSITORY=LAYOUT', () => {
  assert.deepEqual(parseImageOption('kafka-actor-operator=/images/oci'), [
    'kafka-actor-operator',
    '/images/oci',
  ]);
  assert.throws(() => parseImageOption('kafka-actor-operator'), /must read REPOSITORY=LAYOUT/);
  assert.throws(() => parseImageOption('=/images/oci'), /must read REPOSITORY=LAYOUT/);
});

const image = {
  Entrypoint: ['node', 'dist/main.js'],
  Cmd: ['--serve'],
  Env: ['PATH=/usr/bin', 'NODE_ENV=production'],
};

test('the command as Kubernetes runs an image: command replaces the entrypoint and Cmd, args replace Cmd', () => {
  const env = { PORT: '8080' };
  assert.deepEqual(imageCommand(image, { name: 'c' }, env), ['node', 'dist/main.js', '--serve']);
  assert.deepEqual(imageCommand(image, { name: 'c', args: ['--port=$(PORT)'] }, env), [
    'node',
    'dist/main.js',
    '--port=8080',
  ]);
  assert.deepEqual(imageCommand(image, { name: 'c', command: ['sleep'] }, env), ['sleep']);
  assert.throws(() => imageCommand({}, { name: 'c' }, env), /neither it nor its image has a command/);
});

const base: RuntimeSpec = {
  process: {
    terminal: true,
    user: { uid: 0, gid: 0 },
    args: [],
    env: [],
    cwd: '/',
    noNewPrivileges: false,
    capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'] },
  },
  root: { path: 'rootfs' },
  mounts: [{ destination: '/proc', type: 'proc', source: 'proc', options: [] }],
  linux: { namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'mount' }, { type: 'uts' }] },
};

function pod(
  container: V1Container,
  securityContext: NonNullable<V1Pod['spec']>['securityContext'] = {},
): V1Pod {
  return { spec: { containers: [container], securityContext } };
}

const restricted: V1Container = {
  name: 'operator',
  securityContext: {
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  },
};

test("the runtime configuration: the pod's user, no privileges or capabilities, a read-only root, the volumes bound, the container's variables over the image's", () => {
  const spec = runtimeSpec({
    base,
    rootfs: '/images/sha256-aaa/rootfs',
    image,
    pod: pod(restricted, { runAsUser: 1000, runAsGroup: 1000 }),
    container: restricted,
    env: { NODE_ENV: 'test', HOSTNAME: 'operator-0' },
    mounts: [{ source: '/pods/p/volumes/tmp', target: '/tmp', readOnly: false, file: false }],
    hostname: 'operator-0',
  });
  assert.deepEqual(spec.process.user, { uid: 1000, gid: 1000 });
  assert.equal(spec.process.terminal, false);
  assert.equal(spec.process.noNewPrivileges, true);
  assert.deepEqual(spec.process.capabilities, {
    bounding: [],
    effective: [],
    inheritable: [],
    permitted: [],
    ambient: [],
  });
  assert.deepEqual(spec.process.env, ['PATH=/usr/bin', 'NODE_ENV=test', 'HOSTNAME=operator-0']);
  assert.deepEqual(spec.process.args, ['node', 'dist/main.js', '--serve']);
  assert.deepEqual(spec.root, { path: '/images/sha256-aaa/rootfs', readonly: true });
  assert.equal(spec.hostname, 'operator-0');
  assert.deepEqual(spec.mounts.at(-1), {
    destination: '/tmp',
    type: 'bind',
    source: '/pods/p/volumes/tmp',
    options: ['rbind', 'rw'],
  });
  assert.deepEqual(
    spec.linux.namespaces.map((n) => n.type),
    ['mount', 'uts'],
  );
});

test("without runAsUser the image's numeric user; a name, uid 0 under runAsNonRoot, or a writable root is refused", () => {
  const inputs = {
    base,
    rootfs: 'rootfs',
    pod: pod(restricted),
    container: restricted,
    env: {},
    mounts: [],
    hostname: 'h',
  };
  assert.deepEqual(runtimeSpec({ ...inputs, image: { ...image, User: '1000:1000' } }).process.user, {
    uid: 1000,
    gid: 1000,
  });
  assert.throws(
    () => runtimeSpec({ ...inputs, image: { ...image, User: 'node' } }),
    /is not numeric; set runAsUser/,
  );
  assert.throws(() => runtimeSpec({ ...inputs, image }), /runAsNonRoot, but it would run as uid 0/);
  const writable = { ...restricted, securityContext: { readOnlyRootFilesystem: false } };
  assert.throws(
    () => runtimeSpec({ ...inputs, image, pod: pod(writable), container: writable }),
    /readOnlyRootFilesystem: true only/,
  );
});
