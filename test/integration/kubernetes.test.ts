// Real services: kube-apiserver with etcd (built from the Go module proxy).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1MicroTime,
  Watch,
} from '@kubernetes/client-node';
import { CustomResources } from '../../src/actors/kubernetes/custom-resources.ts';
import { kubernetesEnvironment } from '../support/environment.ts';
import { installTestCrd } from '../support/test-crd.ts';
import { waitFor } from '../support/wait.ts';

const { kubeconfig } = kubernetesEnvironment();
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const custom = kc.makeApiClient(CustomObjectsApi);
const core = kc.makeApiClient(CoreV1Api);
const coordination = kc.makeApiClient(CoordinationV1Api);

const group = 'testenv.kafka-actor-operator.io';
const plural = 'widgets';
const namespace = `testenv-${randomUUID().slice(0, 8)}`;
const widget = { group, version: 'v1', plural, namespace };

before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await installTestCrd(kc, { group, version: 'v1', kind: 'Widget', singular: 'widget', plural });
});

after(async () => {
  await core.deleteNamespace({ name: namespace });
});

// Opens a watch from the current state, which replays existing objects as ADDED, and resolves with
// the first event for `name`; rejects if the watch ends first (e.g. 429 while a new CRD's watch cache starts).
async function watchForAdded(path: string, name: string): Promise<string> {
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  const watcher = await new Watch(kc).watch(
    path,
    {},
    (phase, object) => {
      if (object.metadata?.name === name) resolve(phase);
    },
    (error) => reject(new Error(`watch ended before ${name} was seen: ${error}`)),
  );
  try {
    return await promise;
  } finally {
    watcher.abort();
  }
}

test('a custom resource is seen through a watch and its status is patched by merge patch and by server-side apply', async () => {
  await custom.createNamespacedCustomObject({
    ...widget,
    body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'first' }, spec: { size: 3 } },
  });
  const phase = await waitFor('a watch to report the new Widget', () =>
    watchForAdded(`/apis/${group}/v1/namespaces/${namespace}/${plural}`, 'first'),
  );
  assert.equal(phase, 'ADDED');

  const merged = await custom.patchNamespacedCustomObjectStatus(
    { ...widget, name: 'first', body: { status: { phase: 'Merged', observedGeneration: 1 } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  assert.equal(merged.status.phase, 'Merged');
  assert.equal(merged.spec.size, 3, 'the status subresource leaves spec alone');

  const applied = await custom.patchNamespacedCustomObjectStatus(
    {
      ...widget,
      name: 'first',
      fieldManager: 'testenv',
      force: true,
      body: {
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name: 'first' },
        status: { phase: 'Applied' },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
  assert.equal(applied.status.phase, 'Applied');
  const managers = (applied.metadata.managedFields ?? []).map((f: { manager: string }) => f.manager);
  assert.ok(managers.includes('testenv'), `managed fields: ${managers.join(', ')}`);
});

test('an annotation is removed only while it has the value read: a request made again with another value stays', async () => {
  const resources = new CustomResources(kc);
  const type = { group, version: 'v1', kind: 'Widget', plural };
  const annotations = { 'strimzi.io/manual-rolling-update': 'true', other: 'kept' };
  const read = await custom.createNamespacedCustomObject({
    ...widget,
    body: {
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'annotated', annotations },
      spec: {},
    },
  });
  await resources.removeAnnotation(type, read, 'strimzi.io/manual-rolling-update');
  const removed = await custom.getNamespacedCustomObject({ ...widget, name: 'annotated' });
  assert.deepEqual(removed.metadata.annotations, { other: 'kept' });
  // Absent: nothing is sent.
  await resources.removeAnnotation(type, removed, 'strimzi.io/manual-rolling-update');

  await custom.patchNamespacedCustomObject(
    {
      ...widget,
      name: 'annotated',
      body: { metadata: { annotations: { 'strimzi.io/manual-rolling-update': 'again' } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await assert.rejects(resources.removeAnnotation(type, read, 'strimzi.io/manual-rolling-update'));
  const kept = await custom.getNamespacedCustomObject({ ...widget, name: 'annotated' });
  assert.equal(kept.metadata.annotations['strimzi.io/manual-rolling-update'], 'again');
});

test('a status written to a resource deleted meanwhile is answered gone; to one that exists, written', async () => {
  const resources = new CustomResources(kc);
  const type = { group, version: 'v1', kind: 'Widget', plural };
  await custom.createNamespacedCustomObject({
    ...widget,
    body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'short-lived' }, spec: {} },
  });
  assert.equal(
    await resources.patchStatus(type, { namespace, name: 'short-lived' }, { phase: 'Seen' }),
    'written',
  );
  await custom.deleteNamespacedCustomObject({ ...widget, name: 'short-lived' });
  assert.equal(
    await resources.patchStatus(type, { namespace, name: 'short-lived' }, { phase: 'Seen' }),
    'gone',
  );
});

test('a Lease is created and updated, and an update with a stale resourceVersion gets 409 Conflict', async () => {
  const created = await coordination.createNamespacedLease({
    namespace,
    body: {
      metadata: { name: 'election' },
      spec: {
        holderIdentity: 'replica-a',
        leaseDurationSeconds: 15,
        acquireTime: new V1MicroTime(),
        renewTime: new V1MicroTime(),
      },
    },
  });
  const staleVersion = created.metadata?.resourceVersion;
  const renewed = await coordination.replaceNamespacedLease({
    name: 'election',
    namespace,
    body: { ...created, spec: { ...created.spec, renewTime: new V1MicroTime() } },
  });
  assert.notEqual(renewed.metadata?.resourceVersion, staleVersion);

  await assert.rejects(
    coordination.replaceNamespacedLease({
      name: 'election',
      namespace,
      body: {
        ...created,
        metadata: { ...created.metadata, resourceVersion: staleVersion },
        spec: { ...created.spec, holderIdentity: 'replica-b' },
      },
    }),
    (error: unknown) => error instanceof ApiException && error.code === 409,
  );
  const current = await coordination.readNamespacedLease({ name: 'election', namespace });
  assert.equal(current.spec?.holderIdentity, 'replica-a');
});
