// The operator image as `npm run image` builds it (scripts/image.sh, layers cached between runs):
// unpacked by umoci to prove what it holds; then the chart installed with helm, pinned to the image's
// digest, on the pod runner, which runs the Deployment's pod from the image with crun, an OCI runtime,
// against the real apiserver and Redis, and the broker of the Kafka cluster that operator runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppsV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  AclOperations,
  AclPermissionTypes,
  ConfigResourceTypes,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import { Kafka as KafkaClient, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { RUNTIME_PACKAGES, runtimeClosure } from '../../scripts/runtime-packages.ts';
import { managedClusterAccess } from '../../src/actors/kafka/managed-cluster-access.ts';
import { secretDataReader } from '../../src/actors/kubernetes/secret-data.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import { defaultTaint, parseTaint, runnerSettings } from '../../tools/pod-runner/options.ts';
import { PodRunner } from '../../tools/pod-runner/pod-runner.ts';
import { kubernetesEnvironment, runDirectory as testenvRun, toolPath } from '../support/environment.ts';
import { freePort } from '../support/free-port.ts';
import { kafkaTopicClient } from '../support/kafka-topics.ts';
import { isReady, kafkaUserClient } from '../support/kafka-users.ts';
import { testEnvironmentKafkaVersion } from '../support/local-kafka-nodes.ts';
import { kafkaClusterClient, type Manifest } from '../support/manifests.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { onlyOnNodes, runnerToleration } from '../support/runner-placement.ts';
import { waitFor } from '../support/wait.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const chart = join(repoRoot, 'charts', 'kafka-actor-operator');
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
};
const tag = packageJson.version;
const clusterName = 'my-cluster';
const operatorPods = 'app.kubernetes.io/component=operator';
const workDirectory = mkdtempSync(join(tmpdir(), 'image-test-'));
after(() => rmSync(workDirectory, { recursive: true, force: true }));

function run(command: string, args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

// Builds into its own output directory; the layers come from the shared cache when it has them.
function buildImage(name: string): { layout: string; sbom: string; digest: string } {
  const out = join(workDirectory, name);
  run('bash', ['scripts/image.sh'], { IMAGE_OUT: out });
  const layout = join(out, 'oci');
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  const manifest = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  assert.ok(manifest, `the layout tags ${tag}`);
  return { layout, sbom: join(out, 'sbom.cdx.json'), digest: manifest.digest };
}

interface ImageConfig {
  User: string;
  Entrypoint: string[];
  WorkingDir: string;
  Env: string[];
  ExposedPorts: Record<string, object>;
  Labels: Record<string, string>;
}

let image: { layout: string; sbom: string; digest: string };
let bundle: string;
let rootfs: string;
let config: ImageConfig;

before(() => {
  image = buildImage('first');
  bundle = join(workDirectory, 'bundle');
  run('umoci', ['unpack', '--image', `${image.layout}:${tag}`, bundle]);
  rootfs = join(bundle, 'rootfs');
  const manifest = JSON.parse(
    readFileSync(join(image.layout, 'blobs', ...image.digest.split(':')), 'utf8'),
  ) as { config: { digest: string } };
  config = (
    JSON.parse(readFileSync(join(image.layout, 'blobs', ...manifest.config.digest.split(':')), 'utf8')) as {
      config: ImageConfig;
    }
  ).config;
});

// The Dockerfile's instructions, continuation lines joined.
function dockerfileInstructions(): { instruction: string; value: string }[] {
  const text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  return lines.map((line) => {
    const space = line.indexOf(' ');
    return { instruction: line.slice(0, space), value: line.slice(space + 1).trim() };
  });
}

// The runtime stage of the Dockerfile: its instructions after the last FROM.
function dockerfileRuntimeStage(): { instruction: string; value: string }[] {
  const instructions = dockerfileInstructions();
  return instructions.slice(instructions.findLastIndex((line) => line.instruction === 'FROM') + 1);
}

test('the image runs node dist/main.js from /app as 1000:1000 with the OCI labels, as the Dockerfile says', () => {
  assert.equal(config.User, '1000:1000');
  assert.deepEqual(config.Entrypoint, ['node', 'dist/main.js']);
  assert.equal(config.WorkingDir, '/app');
  assert.ok(config.Env.includes('NODE_ENV=production'), config.Env.join(' '));
  assert.equal(config.Labels['org.opencontainers.image.version'], packageJson.version);
  assert.equal(config.Labels['org.opencontainers.image.licenses'], packageJson.license);
  assert.match(config.Labels['org.opencontainers.image.revision'] ?? '', /^[0-9a-f]{40}(-dirty)?$/);
  assert.ok(config.Labels['org.opencontainers.image.source']);

  const stage = dockerfileRuntimeStage();
  const values = (instruction: string) =>
    stage.filter((line) => line.instruction === instruction).map((line) => line.value);
  assert.deepEqual(values('USER'), [config.User]);
  assert.deepEqual(
    values('ENTRYPOINT').map((value) => JSON.parse(value)),
    [config.Entrypoint],
  );
  assert.deepEqual(values('WORKDIR'), [config.WorkingDir]);
  // Its stages run what scripts/image.sh runs: the bundle, and production dependencies pruned to the
  // packages with native addons.
  const runs = dockerfileInstructions()
    .filter((line) => line.instruction === 'RUN')
    .map((line) => line.value);
  assert.ok(runs.includes('npm run build'), runs.join('\n'));
  assert.ok(
    runs.some(
      (run) =>
        run.startsWith('npm ci --omit=dev --ignore-scripts ') &&
        run.includes('&& node scripts/runtime-packages.ts node_modules '),
    ),
    runs.join('\n'),
  );
  assert.deepEqual(
    values('EXPOSE').map((port) => `${port}/tcp`),
    Object.keys(config.ExposedPorts),
  );
  assert.deepEqual(values('ENV').sort(), [...config.Env].sort());
  const labels = Array.from(
    values('LABEL')
      .join(' ')
      .matchAll(/([\w.]+)="([^"]*)"/g),
    ([, key, value]) => [key, value] as const,
  );
  assert.deepEqual(labels.map(([key]) => key).sort(), Object.keys(config.Labels).sort());
  const dockerLicense = labels.find(([key]) => key === 'org.opencontainers.image.licenses')?.[1];
  assert.equal(dockerLicense, config.Labels['org.opencontainers.image.licenses']);
  assert.deepEqual(
    values('ARG').filter((arg) => arg.startsWith('VERSION=')),
    [`VERSION=${packageJson.version}`],
  );
});

test('every file the Dockerfile copies from the build context is one .dockerignore lets through', () => {
  // "*" ignores everything; each "!path" line lets a path through.
  const admitted = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).replace(/\/$/, ''));
  const copied = dockerfileInstructions()
    .filter((line) => line.instruction === 'COPY' && !line.value.startsWith('--from='))
    .flatMap((line) => line.value.split(/\s+/).slice(0, -1));
  assert.ok(copied.includes('src') && copied.includes('kafka-agent'), copied.join(' '));
  for (const source of copied) {
    assert.ok(
      admitted.some((path) => source === path || source.startsWith(`${path}/`)),
      `${source} is let through by .dockerignore`,
    );
    assert.ok(existsSync(join(repoRoot, source)), `${source} is in the repository`);
  }
});

test("the image holds Node, the bundled operator, the packages with native addons and the brokers' agent, owned by root and read-only to its user; no shell, no dev dependency", () => {
  for (const file of [
    'usr/local/bin/node',
    'app/dist/main.js',
    'app/dist/main.packages.json',
    // Read by @platformatic/kafka's buffers beside the bundle when it loads.
    'app/dist/native.wasm',
    'app/dist/licenses/@kubernetes/client-node/LICENSE',
    // Where BROKER_AGENT_JAR points by default: beside the compiled operator.
    'app/dist/kafka-agent/broker-state-agent.jar',
    'app/package.json',
    'etc/ssl/certs/ca-certificates.crt',
  ]) {
    const stat = lstatSync(join(rootfs, file));
    assert.ok(stat.isFile() && stat.size > 0, `${file} is a file`);
    assert.equal(stat.uid, 0, `${file} belongs to root`);
    assert.equal(stat.mode & 0o022, 0, `${file} is writable by root only`);
  }
  assert.equal(lstatSync(join(rootfs, 'app')).mode & 0o022, 0, '/app is writable by root only');
  for (const shell of ['bin/sh', 'bin/bash', 'bin/dash', 'usr/bin/sh', 'usr/bin/bash', 'bin/busybox']) {
    assert.equal(existsSync(join(rootfs, shell)), false, `${shell} is not in the image`);
  }
  assert.match(readFileSync(join(rootfs, 'etc/passwd'), 'utf8'), /^node:x:1000:1000:/m);

  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean }>;
  };
  // The bundle holds production packages only, at the versions the lockfile pins.
  const bundled = Object.entries(imagePackages('app/dist/main.packages.json'));
  for (const name of ['@kubernetes/client-node', 'bullmq', 'xstate', 'pino']) {
    assert.ok(
      bundled.some(([path]) => path === `node_modules/${name}`),
      `${name} is bundled`,
    );
  }
  for (const [path, entry] of bundled) {
    assert.equal(lock.packages[path]?.dev, undefined, `${path} (bundled) is no dev dependency`);
    assert.equal(entry.version, lock.packages[path]?.version, `${path} is bundled at its locked version`);
  }
  // node_modules holds the packages with native addons and what they need (for this platform), nothing else.
  const installed = Object.keys(imagePackages('app/node_modules/.package-lock.json'));
  const needed = runtimeClosure(lock.packages);
  for (const name of RUNTIME_PACKAGES)
    assert.ok(installed.includes(`node_modules/${name}`), `${name} is installed`);
  for (const path of installed) {
    assert.ok(needed.has(path), `${path} is a package with a native addon or one it needs`);
    assert.ok(existsSync(join(rootfs, 'app', path, 'package.json')), `${path} is in the image`);
  }
  // Each loads, native addon and all, from where the bundle resolves it, by the image's Node.
  for (const name of RUNTIME_PACKAGES) {
    run(join(rootfs, 'usr/local/bin/node'), [
      '--input-type=module',
      '--eval',
      `import { createRequire } from 'node:module'; createRequire(process.argv[1])(process.argv[2]);`,
      join(rootfs, 'app/dist/main.js'),
      name,
    ]);
  }
});

// A hidden-lockfile-shaped record of the image: its packages by path.
function imagePackages(file: string): Record<string, { version: string }> {
  return (
    JSON.parse(readFileSync(join(rootfs, file), 'utf8')) as { packages: Record<string, { version: string }> }
  ).packages;
}

test('the SBOM beside the image lists its Debian packages, Node and every npm package the image holds, installed or bundled', () => {
  const sbom = JSON.parse(readFileSync(image.sbom, 'utf8')) as {
    bomFormat: string;
    components: Array<{ name: string; group?: string; version: string; purl?: string }>;
  };
  assert.equal(sbom.bomFormat, 'CycloneDX');
  const purls = sbom.components.map((component) => component.purl ?? '');
  const status = readFileSync(join(rootfs, 'var/lib/dpkg/status'), 'utf8');
  for (const [, name, version] of status.matchAll(/^Package: (\S+)\n(?:.+\n)*?Version: (\S+)$/gm)) {
    assert.ok(
      purls.some((purl) => purl.startsWith(`pkg:deb/debian/${name}@${encodeURIComponent(version ?? '')}?`)),
      `${name} ${version} is in the SBOM`,
    );
  }
  for (const name of ['libc6', 'ca-certificates', 'tzdata']) {
    assert.ok(
      purls.some((purl) => purl.startsWith(`pkg:deb/debian/${name}@`)),
      `${name} is in the SBOM`,
    );
  }
  assert.ok(sbom.components.some((c) => c.name === 'node' && c.version === process.versions.node));
  const npmPackages = Object.entries({
    ...imagePackages('app/node_modules/.package-lock.json'),
    ...imagePackages('app/dist/main.packages.json'),
  });
  assert.ok(npmPackages.length > 50, `${npmPackages.length} npm packages`);
  for (const [path, entry] of npmPackages) {
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    assert.ok(
      sbom.components.some(
        (c) => (c.group ? `${c.group}/${c.name}` : c.name) === name && c.version === entry.version,
      ),
      `${name}@${entry.version} is in the SBOM`,
    );
  }
  assert.ok(!sbom.components.some((c) => c.name === 'typescript'), 'no dev dependency in the SBOM');
});

test('building again from the same sources gives the same image digest', () => {
  assert.equal(buildImage('again').digest, image.digest);
});

// The running container of crun whose bundle `ours` accepts: its process runs as 1000:1000 and its
// root file system is mounted read-only.
function assertRunsAsNodeUserOnReadOnlyRoot(ours: (bundle: string) => boolean): void {
  const containers = JSON.parse(run('crun', ['list', '--format=json'])) as Array<{
    pid: number;
    bundle: string;
  }>;
  const matching = containers.filter((container) => ours(container.bundle));
  assert.equal(matching.length, 1, `one container of ours runs: ${JSON.stringify(containers)}`);
  const pid = matching[0]?.pid;
  assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
  const root = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .find((fields) => fields[4] === '/');
  assert.match(root?.[5] ?? '', /^ro\b/, 'the root file system is mounted read-only');
}

// The service account's files as the kubelet projects them: a token of the service account, the
// cluster's CA and the namespace.
async function serviceAccountFiles(
  fixture: Awaited<ReturnType<typeof operatorFixture>>,
  serviceAccount: string,
): Promise<Record<string, string>> {
  const request = await fixture.core.createNamespacedServiceAccountToken({
    namespace: fixture.namespace,
    name: serviceAccount,
    body: {
      spec: {
        audiences: [],
        expirationSeconds: 3600,
      },
    },
  });
  assert.ok(request.status?.token);
  const cluster = fixture.kc.getCurrentCluster();
  assert.ok(cluster);
  const ca = cluster.caData
    ? Buffer.from(cluster.caData, 'base64').toString('utf8')
    : readFileSync(cluster.caFile ?? '', 'utf8');
  return { token: request.status.token, 'ca.crt': ca, namespace: fixture.namespace };
}

// The playground's kind of cluster, at its smallest: one KRaft node both controller and broker,
// ephemeral, on the pod runner's node, with a SCRAM listener and ACLs.
function managedCluster(nodeName: string): Manifest[] {
  const pool: KafkaNodePool = {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaNodePool',
    metadata: { name: 'dual-role', labels: { 'strimzi.io/cluster': clusterName } },
    spec: {
      replicas: 1,
      roles: ['controller', 'broker'],
      storage: { type: 'ephemeral' },
      template: {
        pod: {
          tolerations: [runnerToleration],
          affinity: { nodeAffinity: onlyOnNodes([nodeName]) },
        },
      },
    },
  };
  const kafka: Kafka = {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    metadata: { name: clusterName },
    spec: {
      kafka: {
        version: testEnvironmentKafkaVersion(),
        listeners: [
          {
            name: 'scram',
            port: 9094,
            type: 'internal',
            tls: false,
            authentication: { type: 'scram-sha-512' },
          },
        ],
        authorization: { type: 'simple' },
        config: {
          'offsets.topic.replication.factor': 1,
          'transaction.state.log.replication.factor': 1,
          'transaction.state.log.min.isr': 1,
          'default.replication.factor': 1,
          'min.insync.replicas': 1,
        },
      },
      entityOperator: { topicOperator: {}, userOperator: {} },
    },
  };
  return [pool, kafka];
}

// helm install on the pod runner, which runs pods from the image with crun (its --image option), as
// a kubelet with a container runtime would: the Deployment's pod is scheduled to the runner's node,
// started from the image, probed, reported Ready, and stopped when the release is uninstalled; the
// operator in it runs a Kafka cluster whose broker the same runner runs as a real Kafka process. The
// test environment listens on loopback only, so a post-renderer puts the pod on the host's network
// (from where the brokers' pod addresses route, and the runner's hosts file, mounted as the pod's
// /etc/hosts, names them); and as the apiserver here injects no service account token (its
// ServiceAccount admission plugin is off), the chart's extra volume mounts a token Secret where the
// kubelet would project one.
test('helm install on the pod runner: the Deployment becomes available from the image, its operator runs a Kafka cluster and reconciles a KafkaTopic and a SCRAM KafkaUser that Kafka itself then holds, and scaling it to zero stops it cleanly', async () => {
  const fixture = await operatorFixture('image-runner');
  const namespace = fixture.namespace;
  const kubernetes = kubernetesEnvironment();
  const suffix = randomUUID().replaceAll('-', '').slice(0, 4);
  const nodeName = `image-runner-${suffix}`;
  // In the test environment's run directory, kept for the logs: the runner's and the pod's.
  const runnerDirectory = join(testenvRun, `image-runner-${suffix}`);
  const runnerLog = join(runnerDirectory, 'runner.log');
  const runner = new PodRunner({
    kubeConfig: fixture.kc,
    nodeName,
    bridge: `ki${suffix}`,
    // Clear of the pod runner test's 10.200–240, the e2e test's 10.150–199 and the playground's 10.245.
    podCidr: `10.${randomInt(100, 150)}.0.0/16`,
    taints: [parseTaint(defaultTaint)],
    runDirectory: runnerDirectory,
    kafkaLibraries: runnerSettings([], process.env, repoRoot).kafkaLibraries,
    // This process reaches the broker by the names it advertises, as the operator's pod does.
    systemHostsFile: '/etc/hosts',
    // A JVM starting on a shared machine: a liveness probe must not kill a slow start.
    minLivenessDelaySeconds: 180,
    log: pino(pino.destination({ dest: runnerLog, mkdir: true, sync: true })),
    images: new Map([['kafka-actor-operator', image.layout]]),
  });
  await runner.start();
  const apps = fixture.kc.makeApiClient(AppsV1Api);
  const httpPort = await freePort();
  const apiserver = new URL(fixture.kc.getCurrentCluster()?.server ?? '');
  const values = join(workDirectory, 'runner-values.json');
  writeFileSync(
    values,
    JSON.stringify({
      image: { repository: 'kafka-actor-operator', digest: image.digest },
      watchNamespaces: [namespace],
      redis: { url: fixture.redis.url, bundled: { enabled: false }, queuePrefix: `kao-${namespace}` },
      metrics: { port: httpPort },
      nodeSelector: { 'kubernetes.io/hostname': nodeName },
      tolerations: [runnerToleration],
      // What the kubelet sets: the apiserver's address (its Service IP does not route here).
      extraEnv: [
        { name: 'KUBERNETES_SERVICE_HOST', value: apiserver.hostname },
        { name: 'KUBERNETES_SERVICE_PORT', value: apiserver.port },
      ],
      extraVolumes: [{ name: 'service-account', secret: { secretName: 'operator-token' } }],
      extraVolumeMounts: [
        {
          name: 'service-account',
          mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
          readOnly: true,
        },
      ],
    }),
  );
  const postRenderer = join(workDirectory, 'host-network.sh');
  writeFileSync(
    postRenderer,
    "#!/bin/sh\nexec sed 's/^      serviceAccountName: \\(.*\\)$/      serviceAccountName: \\1\\n      hostNetwork: true/'\n",
  );
  chmodSync(postRenderer, 0o755);
  const helm = (...args: string[]) =>
    run(toolPath('helm'), [...args, '--kubeconfig', kubernetes.kubeconfig, '--namespace', namespace]);
  try {
    helm('install', 'kao', chart, '--values', values, '--post-renderer', postRenderer);
    const deployment = (await apps.listNamespacedDeployment({ namespace })).items[0];
    assert.equal(deployment?.spec?.template.spec?.hostNetwork, true);
    // The pod waits for this Secret (its volume): the chart's ServiceAccount's files, whole.
    await fixture.core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'operator-token' },
        stringData: await serviceAccountFiles(
          fixture,
          deployment?.spec?.template.spec?.serviceAccountName ?? '',
        ),
      },
    });
    const deploymentName = deployment?.metadata?.name ?? '';
    await waitFor(
      `the Deployment to be available (pod runner log: ${runnerLog})`,
      async () => {
        const current = await apps.readNamespacedDeployment({ namespace, name: deploymentName });
        return current.status?.availableReplicas === 1 ? current : undefined;
      },
      180_000,
    );
    const [pod] = (await fixture.core.listNamespacedPod({ namespace, labelSelector: operatorPods })).items;
    assert.equal(pod?.spec?.nodeName, nodeName);
    assert.equal(pod?.status?.containerStatuses?.[0]?.image, `kafka-actor-operator@${image.digest}`);
    // Running Kafka clusters, the operator starts only once it has read the brokers' agent jar.
    const operatorEnv = pod?.spec?.containers[0]?.env ?? [];
    assert.equal(operatorEnv.find((variable) => variable.name === 'RUN_KAFKA_CLUSTERS')?.value, 'true');
    assert.equal(
      operatorEnv.some((variable) => variable.name === 'BROKER_AGENT_JAR'),
      false,
      "the image's default agent path",
    );
    const podLog = join(runner.podsDirectory, namespace, pod?.metadata?.name ?? '', 'logs', 'operator.log');
    assertRunsAsNodeUserOnReadOnlyRoot((bundle) => bundle.startsWith(runnerDirectory));

    const clusters = kafkaClusterClient(fixture.custom);
    await clusters.createAll(namespace, managedCluster(nodeName));
    const kafka = await clusters.settled(namespace, clusterName, 480_000);
    assert.equal(
      kafka.status?.conditions?.find((condition) => condition.type === 'Ready')?.status,
      'True',
      `Kafka Ready (operator log: ${podLog}; runner log: ${runnerLog}): ${JSON.stringify(kafka.status?.conditions)}`,
    );

    const topics = kafkaTopicClient(fixture.custom, namespace, { timeoutHint: `log: ${podLog}` });
    const topic = 'from-runner';
    await topics.create(
      topic,
      { partitions: 2, replicas: 1, config: { 'retention.ms': 7_200_000 } },
      { cluster: clusterName },
    );
    await topics.waitReady(topic);
    const users = kafkaUserClient(fixture.custom, fixture.core, namespace);
    const user = `image-runner-${suffix}`;
    await users.create(
      user,
      {
        authentication: { type: 'scram-sha-512' },
        authorization: {
          type: 'simple',
          acls: [
            {
              resource: { type: 'topic', name: topic, patternType: 'literal' },
              operations: ['Describe', 'Write'],
            },
          ],
        },
      },
      clusterName,
    );
    await users.waitUntil(user, `to be Ready (log: ${podLog})`, (found) =>
      isReady(found) ? found : undefined,
    );

    // In Kafka itself, as the operator's own certificate (a super user) sees it: the topic with its
    // partitions and configuration, and the user's ACL.
    const access = await managedClusterAccess(kafka, secretDataReader(fixture.core));
    const admin = new KafkaClient({
      clientId: `image-${suffix}`,
      brokers: access.bootstrap,
      ssl: access.tls,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      assert.equal(metadata.topics[0]?.partitions.length, 2);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
      });
      assert.equal(resources[0]?.configEntries[0]?.configValue, '7200000');
      const { resources: acls } = await admin.describeAcls({
        resourceType: ResourceTypes.TOPIC,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal: `User:${user}`,
        operation: AclOperations.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      assert.deepEqual(
        acls
          .flatMap((resource) => resource.acls.map((acl) => `${resource.resourceName} ${acl.operation}`))
          .sort(),
        [`${topic} ${AclOperations.DESCRIBE}`, `${topic} ${AclOperations.WRITE}`].sort(),
      );
    } finally {
      await admin.disconnect();
    }
    // And as the user: its Secret's password logs in on the SCRAM listener, and its ACL lets it write.
    const scramBootstrap = kafka.status?.listeners?.find(
      (listener) => listener.name === 'scram',
    )?.bootstrapServers;
    assert.ok(
      scramBootstrap,
      `the Kafka status lists the scram listener: ${JSON.stringify(kafka.status?.listeners)}`,
    );
    const password = (await users.secret(user))?.password?.toString();
    assert.ok(password, "the user's Secret holds its password");
    const producer = new KafkaClient({
      clientId: `image-user-${suffix}`,
      brokers: scramBootstrap.split(','),
      sasl: { mechanism: 'scram-sha-512', username: user, password },
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    try {
      // Ready once the controller quorum has committed the ACLs; the broker applies them moments later.
      await waitFor(
        `writing to ${topic} as ${user}`,
        () => producer.send({ topic, acks: -1, messages: [{ value: suffix }] }),
        60_000,
        500,
      );
    } finally {
      await producer.disconnect();
    }

    // Deleted while the operator runs, which serves their finalizers.
    await users.delete(user);
    await users.waitGone(user);
    await topics.delete(topic);
    await topics.waitGone(topic);

    // Scaled to zero first: helm uninstall removes the RBAC beside the Deployment, and an operator
    // stopping after its Role is gone cannot release its Lease (the next one waits out its duration).
    await apps.patchNamespacedDeployment(
      { namespace, name: deploymentName, body: { spec: { replicas: 0 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    // The broker's pod stays: only the operator's goes.
    await waitFor(`the operator's pod to be stopped and removed (log: ${podLog})`, async () =>
      (await fixture.core.listNamespacedPod({ namespace, labelSelector: operatorPods })).items.length === 0
        ? true
        : undefined,
    );
    helm('uninstall', 'kao', '--wait');
    const lines = readFileSync(podLog, 'utf8').split('\n');
    assert.ok(
      lines.some((line) => line.includes('"msg":"released the Lease"')),
      `the operator stopped cleanly; its log ends:\n${lines.slice(-8).join('\n')}`,
    );
    assert.ok(
      !lines.some((line) => /forbidden/i.test(line)),
      'the chart gave the operator every right it used',
    );
  } finally {
    await runner.stop();
    await fixture.cleanup();
  }
});
