// The pure decisions of the cluster effects: what to apply, what to prune, which pods to create,
// remove and roll, and in which order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { containsFields, needsApply } from '../../../src/actors/cluster/object-diff.ts';
import { planPods, rollOrder } from '../../../src/actors/cluster/pod-plan.ts';
import { undesiredObjects } from '../../../src/actors/cluster/prune-objects.ts';

const kafkaUid = 'kafka-uid';
const owned = {
  ownerReferences: [{ apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', name: 'c', uid: kafkaUid }],
};

function pod(name: string, annotations: Record<string, string>, extra: Partial<V1Pod> = {}): V1Pod {
  const controller = name.includes('controller') || name.includes('dual');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    ...extra,
    metadata: {
      name,
      annotations,
      labels: { 'strimzi.io/controller-role': String(controller) },
      ...owned,
      ...extra.metadata,
    },
  };
}

const names = (objects: KubernetesObject[]) => objects.map((object) => object.metadata?.name);

test('an object the apiserver filled with defaults still matches what the operator wants: nothing to apply', () => {
  const desired = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'c-kafka-bootstrap', labels: { a: '1' } },
    spec: { ports: [{ name: 'tcp-clients', port: 9092 }] },
  };
  const current = {
    ...desired,
    metadata: { ...desired.metadata, uid: 'u', resourceVersion: '7', labels: { a: '1', extra: 'x' } },
    spec: {
      clusterIP: '10.0.0.1',
      ports: [{ name: 'tcp-clients', port: 9092, protocol: 'TCP', targetPort: 9092 }],
    },
  };
  assert.equal(needsApply(desired, current), false);
});

test('a changed value, a missing object or a list of another length must be applied', () => {
  const desired = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c' },
    data: { 'server.config': 'a=1' },
  };
  assert.equal(needsApply(desired, undefined), true);
  const changed: KubernetesObject = { ...desired, data: { 'server.config': 'a=2' } } as KubernetesObject;
  assert.equal(needsApply(desired, changed), true);
  assert.equal(containsFields({ ports: [1, 2] }, { ports: [1] }), false);
  assert.equal(containsFields({ ports: [1] }, { ports: [1, 2] }), false);
});

test('new nodes are created, gone nodes removed, and only pods whose revision or configuration changed are rolled', () => {
  const desired = [
    pod('c-broker-0', { 'strimzi.io/revision': 'r2', 'strimzi.io/configuration-hash': 'h1' }),
    pod('c-broker-1', { 'strimzi.io/revision': 'r1', 'strimzi.io/configuration-hash': 'h1' }),
    pod('c-broker-2', { 'strimzi.io/revision': 'r1', 'strimzi.io/configuration-hash': 'h1' }),
  ];
  const current = [
    pod('c-broker-0', { 'strimzi.io/revision': 'r1', 'strimzi.io/configuration-hash': 'h1' }),
    pod('c-broker-1', { 'strimzi.io/revision': 'r1', 'strimzi.io/configuration-hash': 'h1', other: 'kept' }),
    pod('c-broker-3', { 'strimzi.io/revision': 'r1' }),
  ];
  const plan = planPods(desired, current);
  assert.deepEqual(names(plan.create), ['c-broker-2']);
  assert.deepEqual(names(plan.remove), ['c-broker-3']);
  assert.deepEqual(names(plan.roll), ['c-broker-0']);
});

test('a pod that is being deleted is created again, and one that ran to an end is rolled', () => {
  const annotations = { 'strimzi.io/revision': 'r1' };
  const plan = planPods(
    [pod('c-broker-0', annotations), pod('c-broker-1', annotations)],
    [
      pod('c-broker-0', annotations, { metadata: { deletionTimestamp: new Date() } }),
      pod('c-broker-1', annotations, { status: { phase: 'Failed' } }),
    ],
  );
  assert.deepEqual(names(plan.create), ['c-broker-0']);
  assert.deepEqual(names(plan.roll), ['c-broker-1']);
  assert.deepEqual(plan.remove, []);
});

test('strimzi.io/manual-rolling-update "true" on a pod rolls it, and a pod whose volume waits for a restart to grow rolls too', () => {
  const annotations = { 'strimzi.io/revision': 'r1' };
  const inPool = (name: string, pool: string, extra: Record<string, string> = {}) => {
    const made = pod(name, { ...annotations, ...extra });
    made.metadata = { ...made.metadata, labels: { ...made.metadata?.labels, 'strimzi.io/pool-name': pool } };
    return made;
  };
  const desired = [inPool('c-a-0', 'a'), inPool('c-a-1', 'a'), inPool('c-b-2', 'b'), inPool('c-b-3', 'b')];
  const current = [
    inPool('c-a-0', 'a'),
    inPool('c-a-1', 'a', { 'strimzi.io/manual-rolling-update': 'true' }),
    inPool('c-b-2', 'b'),
    inPool('c-b-3', 'b', { 'strimzi.io/manual-rolling-update': 'false' }),
  ];
  const byPod = planPods(desired, current);
  assert.deepEqual(names(byPod.roll), ['c-a-1']);
  const toResize = planPods(desired, current, new Set(['c-b-3', 'c-gone-9']));
  assert.deepEqual(
    names(toResize.roll),
    ['c-a-1', 'c-b-3'],
    'a pod whose volume waits for a restart to grow',
  );
});

test('pods roll controllers first (dual-role nodes count as controllers), then brokers, each by node id', () => {
  const ordered = rollOrder([
    pod('c-broker-11', {}),
    pod('c-controller-2', {}),
    pod('c-broker-3', {}),
    pod('c-dual-0', {}),
    pod('c-controller-1', {}),
  ]);
  assert.deepEqual(names(ordered), [
    'c-dual-0',
    'c-controller-1',
    'c-controller-2',
    'c-broker-3',
    'c-broker-11',
  ]);
});

test("pruning deletes the Kafka's undesired objects, keeps the CA Secrets, others' objects and every pod", () => {
  const object = (kind: string, name: string, metadata: object = owned): KubernetesObject => ({
    apiVersion: 'v1',
    kind,
    metadata: { name, ...metadata },
  });
  const current = [
    object('Service', 'c-kafka-bootstrap'),
    object('Service', 'c-kafka-external-bootstrap'),
    object('Secret', 'c-cluster-ca-cert'),
    object('ConfigMap', 'someone-elses', {}),
    pod('c-broker-9', {}),
  ];
  const pruned = undesiredObjects([object('Service', 'c-kafka-bootstrap')], current, {
    ownerUid: kafkaUid,
    keep: new Set(['Secret/c-cluster-ca-cert']),
  });
  assert.deepEqual(
    pruned.map((o) => `${o.kind}/${o.metadata?.name}`),
    ['Service/c-kafka-external-bootstrap'],
  );
});

test('a claim goes only when its volume said deleteClaim: true and no pod mounts it any more', () => {
  const claim = (name: string, deleteClaim: boolean): KubernetesObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, annotations: { 'strimzi.io/delete-claim': String(deleteClaim) } },
  });
  const mounting = pod(
    'c-broker-1',
    {},
    {
      spec: {
        containers: [],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-c-broker-1' } }],
      },
    },
  );
  const pruned = undesiredObjects(
    [],
    [
      claim('data-c-broker-1', true),
      claim('data-c-broker-2', true),
      claim('data-c-broker-3', false),
      mounting,
    ],
    { ownerUid: kafkaUid, keep: new Set() },
  );
  assert.deepEqual(names(pruned), ['data-c-broker-2']);
});
