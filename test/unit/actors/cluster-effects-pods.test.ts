// The pod steps of a cluster reconcile against a fake apiserver: rolling one pod at a time and only
// what still needs it, a pod that never turns Ready, a pod still terminating, claims of removed nodes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { RecreatingPodRoller } from '../../../src/actors/cluster/pod-roller.ts';
import type { RestartGate } from '../../../src/actors/cluster/restart-gate.ts';
import { rollPods } from '../../../src/actors/cluster/roll-pods.ts';
import { scaleNodes } from '../../../src/actors/cluster/scale-nodes.ts';
import type { KubernetesObjects, ObjectType } from '../../../src/actors/kubernetes/kubernetes-objects.ts';
import { KubernetesRequestError } from '../../../src/api/kubernetes-request.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';

// Objects by kind/name. Pods turn Ready when read after creation, unless named in `neverReady`;
// a deleted pod is first terminating, and gone on the next read.
class FakeApiserver {
  readonly objects = new Map<string, KubernetesObject>();
  readonly log: string[] = [];
  readonly neverReady = new Set<string>();
  #uids = 0;

  add(object: KubernetesObject): void {
    this.objects.set(`${object.kind}/${object.metadata?.name}`, {
      ...object,
      metadata: { ...object.metadata, uid: `uid-${++this.#uids}` },
    });
  }

  api(): KubernetesObjects {
    const fake = {
      get: async (type: ObjectType, _namespace: string | undefined, name: string) => {
        const key = `${type.kind}/${name}`;
        const object = this.objects.get(key) as V1Pod | undefined;
        if (object?.metadata?.deletionTimestamp) {
          this.objects.delete(key);
          this.log.push(`gone ${name}`);
          return object;
        }
        if (object && type.kind === 'Pod' && !this.neverReady.has(name)) {
          object.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
        }
        return object;
      },
      create: async (object: KubernetesObject) => {
        const key = `${object.kind}/${object.metadata?.name}`;
        if (this.objects.has(key)) {
          throw new KubernetesRequestError(`POST failed: HTTP 409 ${key} already exists`, 409);
        }
        this.log.push(`create ${object.metadata?.name}`);
        this.add(object);
        return object;
      },
      delete: async (object: KubernetesObject) => {
        const existing = this.objects.get(`${object.kind}/${object.metadata?.name}`);
        if (!existing) return false;
        this.log.push(`delete ${object.metadata?.name}`);
        if (existing.metadata) existing.metadata.deletionTimestamp = new Date();
        return true;
      },
    };
    return fake as unknown as KubernetesObjects;
  }
}

function pod(name: string, revision: string): V1Pod {
  const roles = {
    'strimzi.io/controller-role': String(/controller|dual/.test(name)),
    'strimzi.io/broker-role': String(/broker|dual/.test(name)),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kafka', labels: roles, annotations: { 'strimzi.io/revision': revision } },
    spec: { containers: [] },
  };
}

const signal = new AbortController().signal;

// What Kafka would say, scripted: the active controller, the nodes it refuses to lose, and every
// question asked, in the apiserver's log so that the order against deletes shows.
function fakeGate(log: string[], options: { active?: number; refuse?: number[] } = {}): RestartGate {
  return {
    activeController: async () => options.active ?? -1,
    ensureSafeToRestart: async (node) => {
      log.push(`check ${node.id} [${node.roles.join(',')}]`);
      if (options.refuse?.includes(node.id)) {
        throw new ReconcileFailure('RestartNotSafe', `node ${node.id} is not restarted yet`);
      }
    },
    waitUntilBack: async (node) => {
      log.push(`back ${node.id}`);
    },
    close: async () => undefined,
  };
}

test('pods roll one at a time, each asked about before and back after its restart; a pod an earlier attempt already rolled is left alone', async () => {
  const server = new FakeApiserver();
  server.add(pod('c-controller-0', 'r1'));
  server.add(pod('c-broker-1', 'r2'));
  server.add(pod('c-broker-2', 'r1'));
  const api = server.api();
  const rolled = await rollPods(api, new RecreatingPodRoller(api, 1_000), {
    namespace: 'kafka',
    roll: [pod('c-controller-0', 'r2'), pod('c-broker-1', 'r2'), pod('c-broker-2', 'r2')],
    gate: fakeGate(server.log),
    timeoutMs: 1_000,
    signal,
  });
  assert.deepEqual(rolled, ['c-controller-0', 'c-broker-2']);
  assert.deepEqual(server.log, [
    'check 0 [controller]',
    'delete c-controller-0',
    'gone c-controller-0',
    'create c-controller-0',
    'back 0',
    'check 2 [broker]',
    'delete c-broker-2',
    'gone c-broker-2',
    'create c-broker-2',
    'back 2',
  ]);
});

test('a rolled pod that never turns Ready fails the roll with PodNotReady, and the next pod stays up', async () => {
  const server = new FakeApiserver();
  server.add(pod('c-broker-0', 'r1'));
  server.add(pod('c-broker-1', 'r1'));
  server.neverReady.add('c-broker-0');
  const api = server.api();
  const rolling = rollPods(api, new RecreatingPodRoller(api, 300), {
    namespace: 'kafka',
    roll: [pod('c-broker-0', 'r2'), pod('c-broker-1', 'r2')],
    gate: fakeGate(server.log),
    timeoutMs: 300,
    signal,
  });
  await assert.rejects(rolling, (error: unknown) => {
    assert.ok(error instanceof ReconcileFailure);
    assert.equal(error.reason, 'PodNotReady');
    assert.match(error.message, /c-broker-0: phase unknown/);
    return true;
  });
  assert.ok(!server.log.some((line) => line.endsWith('c-broker-1')), 'c-broker-1 was not touched');
});

test('a roll asks Kafka before each restart and goes: pods not Ready, controller-only nodes, brokers, the active controller last', async () => {
  const server = new FakeApiserver();
  const names = ['c-controller-0', 'c-controller-1', 'c-dual-3', 'c-dual-4', 'c-broker-5'];
  for (const name of names) server.add(pod(name, 'r1'));
  // Not Ready: it serves nothing, so it goes first and Kafka is not asked about it.
  server.neverReady.add('c-broker-5');
  const api = server.api();
  const rolled = await rollPods(api, new RecreatingPodRoller(api, 300), {
    namespace: 'kafka',
    roll: names.map((name) => pod(name, 'r2')),
    gate: fakeGate(server.log, { active: 0 }),
    timeoutMs: 300,
    signal,
  }).catch((error: unknown) => error);
  // The pod that is not Ready stays so after its restart: the roll stops there, waiting for it.
  assert.ok(rolled instanceof ReconcileFailure && rolled.reason === 'PodNotReady', String(rolled));
  assert.deepEqual(server.log.slice(0, 3), ['delete c-broker-5', 'gone c-broker-5', 'create c-broker-5']);
  server.neverReady.clear();
  const resumed = await rollPods(api, new RecreatingPodRoller(api, 1_000), {
    namespace: 'kafka',
    roll: names.map((name) => pod(name, 'r2')),
    gate: fakeGate(server.log, { active: 3 }),
    timeoutMs: 1_000,
    signal,
  });
  assert.deepEqual(resumed, ['c-controller-0', 'c-controller-1', 'c-dual-4', 'c-dual-3']);
  assert.deepEqual(
    server.log.filter((line) => line.startsWith('check') || line.startsWith('delete')),
    [
      'delete c-broker-5',
      'check 0 [controller]',
      'delete c-controller-0',
      'check 1 [controller]',
      'delete c-controller-1',
      'check 4 [controller,broker]',
      'delete c-dual-4',
      'check 3 [controller,broker]',
      'delete c-dual-3',
    ],
  );
});

test('a node Kafka cannot lose now is not restarted: the roll stops with the refusal before any pod goes down', async () => {
  const server = new FakeApiserver();
  server.add(pod('c-broker-0', 'r1'));
  server.add(pod('c-broker-1', 'r1'));
  const api = server.api();
  await assert.rejects(
    rollPods(api, new RecreatingPodRoller(api, 1_000), {
      namespace: 'kafka',
      roll: [pod('c-broker-0', 'r2'), pod('c-broker-1', 'r2')],
      gate: fakeGate(server.log, { refuse: [0] }),
      timeoutMs: 1_000,
      signal,
    }),
    (error: unknown) =>
      error instanceof ReconcileFailure && error.reason === 'RestartNotSafe' && error.retryable,
  );
  assert.deepEqual(server.log, ['check 0 [broker]']);
});

test('a manual rolling update goes through the same checks: an annotated pod rolls once, a requested pool rolls each of its pods', async () => {
  const server = new FakeApiserver();
  const annotated = pod('c-broker-0', 'r1');
  annotated.metadata = {
    ...annotated.metadata,
    annotations: { ...annotated.metadata?.annotations, 'strimzi.io/manual-rolling-update': 'true' },
  };
  server.add(annotated);
  for (const name of ['c-broker-1', 'c-dual-2']) {
    const member = pod(name, 'r1');
    member.metadata = {
      ...member.metadata,
      labels: { ...member.metadata?.labels, 'strimzi.io/pool-name': 'b' },
    };
    server.add(member);
  }
  const api = server.api();
  const desired = ['c-broker-0', 'c-broker-1', 'c-dual-2'].map((name) => {
    const wanted = pod(name, 'r1');
    if (name !== 'c-broker-0')
      wanted.metadata = {
        ...wanted.metadata,
        labels: { ...wanted.metadata?.labels, 'strimzi.io/pool-name': 'b' },
      };
    return wanted;
  });
  const rolled = await rollPods(api, new RecreatingPodRoller(api, 1_000), {
    namespace: 'kafka',
    roll: desired,
    manualPools: new Set(['b']),
    gate: fakeGate(server.log, { active: 2 }),
    timeoutMs: 1_000,
    signal,
  });
  assert.deepEqual(rolled, ['c-broker-0', 'c-broker-1', 'c-dual-2']);
  assert.deepEqual(
    server.log.filter((line) => line.startsWith('check') || line.startsWith('delete')),
    [
      'check 0 [broker]',
      'delete c-broker-0',
      'check 1 [broker]',
      'delete c-broker-1',
      'check 2 [controller,broker]',
      'delete c-dual-2',
    ],
  );
  // The recreated pod has no annotation: rolling again without the pool's request restarts nothing.
  assert.deepEqual(
    await rollPods(api, new RecreatingPodRoller(api, 1_000), {
      namespace: 'kafka',
      roll: desired,
      gate: fakeGate(server.log),
      timeoutMs: 1_000,
      signal,
    }),
    [],
  );
});

test('a new node whose old pod is still terminating is created once the old pod is gone', async () => {
  const server = new FakeApiserver();
  server.add(pod('c-broker-3', 'r1'));
  const old = server.objects.get('Pod/c-broker-3');
  if (old?.metadata) old.metadata.deletionTimestamp = new Date();
  await scaleNodes(server.api(), {
    namespace: 'kafka',
    create: [pod('c-broker-3', 'r2')],
    remove: [],
    timeoutMs: 1_000,
    signal,
  });
  assert.deepEqual(server.log, ['gone c-broker-3', 'create c-broker-3']);
  assert.equal(server.objects.get('Pod/c-broker-3')?.metadata?.annotations?.['strimzi.io/revision'], 'r2');
});

test("a removed node's pod goes first, then its claims whose volume said deleteClaim: true", async () => {
  const server = new FakeApiserver();
  const claim = (name: string, deleteClaim: boolean): V1PersistentVolumeClaim => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'kafka', annotations: { 'strimzi.io/delete-claim': String(deleteClaim) } },
  });
  server.add(claim('data-0-c-broker-4', true));
  server.add(claim('data-1-c-broker-4', false));
  server.add({
    ...pod('c-broker-4', 'r1'),
    spec: {
      containers: [],
      volumes: [
        { name: 'data-0', persistentVolumeClaim: { claimName: 'data-0-c-broker-4' } },
        { name: 'data-1', persistentVolumeClaim: { claimName: 'data-1-c-broker-4' } },
      ],
    },
  } as V1Pod);
  const removed = server.objects.get('Pod/c-broker-4') as KubernetesObject;
  await scaleNodes(server.api(), {
    namespace: 'kafka',
    create: [],
    remove: [removed],
    timeoutMs: 1_000,
    signal,
  });
  assert.deepEqual(server.log, ['delete c-broker-4', 'gone c-broker-4', 'delete data-0-c-broker-4']);
  assert.ok(
    server.objects.has('PersistentVolumeClaim/data-1-c-broker-4'),
    'deleteClaim: false keeps the claim',
  );
});
