// The pod steps of a cluster reconcile against a fake apiserver, one reconcile at a time as the watch
// events would bring them: rolling one pod at a time and only what still needs it, each restart asked of
// Kafka and the next only once the restarted node is back, a pod that never turns Ready, claims of
// removed nodes. A step never waits: it returns what it waits for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { WaitRequest } from '../../../src/actors/cluster/cluster-waits.ts';
import { planPods } from '../../../src/actors/cluster/pod-plan.ts';
import type { RestartGate } from '../../../src/actors/cluster/restart-gate.ts';
import { rollPods } from '../../../src/actors/cluster/roll-pods.ts';
import { createAbsentPods, removeNodes } from '../../../src/actors/cluster/scale-nodes.ts';
import type { KubernetesObjects, ObjectType } from '../../../src/actors/kubernetes/kubernetes-objects.ts';
import { KubernetesRequestError } from '../../../src/api/kubernetes-request.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';

// Objects by kind/name. `tick()` is the world moving on between reconciles: terminating pods go, and
// pods turn Ready unless named in `neverReady`.
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

  tick(): void {
    for (const [key, object] of this.objects) {
      const pod = object as V1Pod;
      if (pod.metadata?.deletionTimestamp) {
        this.objects.delete(key);
        this.log.push(`gone ${pod.metadata.name}`);
      } else if (pod.kind === 'Pod' && !this.neverReady.has(pod.metadata?.name ?? '')) {
        pod.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
      }
    }
  }

  pods(): V1Pod[] {
    return [...this.objects.values()].filter((object) => object.kind === 'Pod') as V1Pod[];
  }

  api(): KubernetesObjects {
    const fake = {
      get: async (type: ObjectType, _namespace: string | undefined, name: string) =>
        this.objects.get(`${type.kind}/${name}`),
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

function pod(name: string, revision: string, annotations: Record<string, string> = {}): V1Pod {
  const roles = {
    'strimzi.io/controller-role': String(/controller|dual/.test(name)),
    'strimzi.io/broker-role': String(/broker|dual/.test(name)),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'kafka',
      labels: roles,
      annotations: { 'strimzi.io/revision': revision, ...annotations },
    },
    spec: { containers: [] },
  };
}

const signal = new AbortController().signal;

// What Kafka would say, scripted: the active controller, the nodes it refuses to lose or that are not
// back, and every question asked, in the apiserver's log so that the order against deletes shows.
interface Kafka {
  active?: number;
  refuse?: number[];
  notBack?: number[];
}

function fakeGate(log: string[], kafka: Kafka): RestartGate {
  return {
    activeController: async () => kafka.active ?? -1,
    ensureSafeToRestart: async (node) => {
      log.push(`check ${node.id} [${node.roles.join(',')}]`);
      if (kafka.refuse?.includes(node.id)) {
        throw new ReconcileFailure('RestartNotSafe', `node ${node.id} is not restarted yet`);
      }
    },
    notBack: async (nodes) => {
      const behind = nodes.filter((node) => kafka.notBack?.includes(node.id)).map((node) => node.id);
      return behind.length > 0 ? `nodes ${behind.join(', ')} are not in sync` : undefined;
    },
    close: async () => undefined,
  };
}

// One reconcile's rolling step, with the plan a reconcile would make from the pods as they are now.
function reconcileOnce(server: FakeApiserver, desired: KubernetesObject[], kafka: Kafka) {
  const { create, roll } = planPods(desired, server.pods());
  return rollPods(server.api(), {
    roll,
    create,
    pods: server.pods(),
    gate: async () => fakeGate(server.log, kafka),
    signal,
  });
}

// Reconciles until the roll is done, the world moving on between reconciles; returns every wait.
async function rollToTheEnd(server: FakeApiserver, desired: KubernetesObject[], kafka: Kafka) {
  const waits: WaitRequest[] = [];
  for (let reconcile = 0; reconcile < 50; reconcile++) {
    const wait = await reconcileOnce(server, desired, kafka);
    if (!wait) return waits;
    waits.push(wait);
    server.tick();
  }
  throw new Error(`the roll did not end: ${waits.at(-1)?.message}`);
}

const restartsAndChecks = (log: string[]) =>
  log.filter((line) => line.startsWith('check') || line.startsWith('delete'));

test('pods roll one at a time, each asked about before its restart, created again, and the next only once Kafka has the last back', async () => {
  const server = new FakeApiserver();
  server.add(pod('c-controller-0', 'r1'));
  server.add(pod('c-broker-1', 'r2'));
  server.add(pod('c-broker-2', 'r1'));
  server.tick();
  const desired = [pod('c-controller-0', 'r2'), pod('c-broker-1', 'r2'), pod('c-broker-2', 'r2')];
  const kafka: Kafka = {};
  const first = await reconcileOnce(server, desired, kafka);
  assert.equal(first?.subject, 'restart c-controller-0');
  assert.match(first?.message ?? '', /still to restart: node 0 \(c-controller-0\), node 2 \(c-broker-2\)/);
  server.tick();
  // Gone: created again, and waited for until Ready.
  const created = await reconcileOnce(server, desired, kafka);
  assert.equal(created?.subject, 'ready c-controller-0');
  server.tick();
  // Ready, but Kafka does not have it back yet: c-broker-2 waits.
  kafka.notBack = [0];
  const notBack = await reconcileOnce(server, desired, kafka);
  assert.equal(notBack?.reason, 'NodeNotBack');
  assert.match(notBack?.message ?? '', /nodes 0 are not in sync/);
  kafka.notBack = [];
  await rollToTheEnd(server, desired, kafka);
  assert.deepEqual(server.log, [
    'check 0 [controller]',
    'delete c-controller-0',
    'gone c-controller-0',
    'create c-controller-0',
    'check 2 [broker]',
    'delete c-broker-2',
    'gone c-broker-2',
    'create c-broker-2',
  ]);
});

test('a restarted pod that never turns Ready holds the roll: the next pod stays up', async () => {
  const server = new FakeApiserver();
  server.add(pod('c-broker-0', 'r1'));
  server.add(pod('c-broker-1', 'r1'));
  server.tick();
  server.neverReady.add('c-broker-0');
  const desired = [pod('c-broker-0', 'r2'), pod('c-broker-1', 'r2')];
  let wait: WaitRequest | undefined;
  for (let reconcile = 0; reconcile < 5; reconcile++) {
    wait = await reconcileOnce(server, desired, {});
    server.tick();
  }
  assert.equal(wait?.subject, 'others c-broker-0');
  assert.match(wait?.message ?? '', /c-broker-0: phase unknown/);
  assert.ok(!server.log.some((line) => line.endsWith('c-broker-1')), 'c-broker-1 was not touched');
});

test('a roll asks Kafka before each restart and goes: pods not Ready, controller-only nodes, brokers, the active controller last', async () => {
  const server = new FakeApiserver();
  const names = ['c-controller-0', 'c-controller-1', 'c-dual-3', 'c-dual-4', 'c-broker-5'];
  for (const name of names) server.add(pod(name, 'r1'));
  // Not Ready: it serves nothing, so it goes first and Kafka is not asked about it.
  server.neverReady.add('c-broker-5');
  server.tick();
  const desired = names.map((name) => pod(name, 'r2'));
  const first = await reconcileOnce(server, desired, { active: 3 });
  assert.match(first?.message ?? '', /restarting node 5 \(c-broker-5\): its pod is not Ready/);
  server.neverReady.clear();
  server.tick();
  await rollToTheEnd(server, desired, { active: 3 });
  assert.deepEqual(restartsAndChecks(server.log), [
    'delete c-broker-5',
    'check 0 [controller]',
    'delete c-controller-0',
    'check 1 [controller]',
    'delete c-controller-1',
    'check 4 [controller,broker]',
    'delete c-dual-4',
    'check 3 [controller,broker]',
    'delete c-dual-3',
  ]);
});

test('a node Kafka cannot lose now is not restarted: the step fails with the refusal before any pod goes down', async () => {
  const server = new FakeApiserver();
  server.add(pod('c-broker-0', 'r1'));
  server.add(pod('c-broker-1', 'r1'));
  server.tick();
  await assert.rejects(
    reconcileOnce(server, [pod('c-broker-0', 'r2'), pod('c-broker-1', 'r2')], { refuse: [0] }),
    (error: unknown) =>
      error instanceof ReconcileFailure && error.reason === 'RestartNotSafe' && error.retryable,
  );
  assert.deepEqual(server.log, ['check 0 [broker]']);
});

test('a manually annotated pod rolls once through the same checks; its new pod carries no annotation', async () => {
  const server = new FakeApiserver();
  server.add(pod('c-broker-0', 'r1', { 'strimzi.io/manual-rolling-update': 'true' }));
  server.add(pod('c-broker-1', 'r1'));
  server.tick();
  const desired = [pod('c-broker-0', 'r1'), pod('c-broker-1', 'r1')];
  await rollToTheEnd(server, desired, {});
  assert.deepEqual(restartsAndChecks(server.log), ['check 0 [broker]', 'delete c-broker-0']);
  assert.deepEqual(await rollToTheEnd(server, desired, {}), []);
});

test('a new node whose old pod is still terminating is created once the old pod is gone', async () => {
  const server = new FakeApiserver();
  server.add(pod('c-broker-3', 'r1'));
  const old = server.objects.get('Pod/c-broker-3');
  if (old?.metadata) old.metadata.deletionTimestamp = new Date();
  await createAbsentPods(server.api(), [pod('c-broker-3', 'r2')], signal);
  assert.deepEqual(server.log, []);
  server.tick();
  await createAbsentPods(server.api(), [pod('c-broker-3', 'r2')], signal);
  assert.deepEqual(server.log, ['gone c-broker-3', 'create c-broker-3']);
  assert.equal(server.objects.get('Pod/c-broker-3')?.metadata?.annotations?.['strimzi.io/revision'], 'r2');
});

test("a removed node's pod is deleted, and its claims whose volume said deleteClaim: true", async () => {
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
  await removeNodes(server.api(), 'kafka', [removed], signal);
  assert.deepEqual(server.log, ['delete c-broker-4', 'delete data-0-c-broker-4']);
  assert.ok(
    server.objects.has('PersistentVolumeClaim/data-1-c-broker-4'),
    'deleteClaim: false keeps the claim',
  );
});
