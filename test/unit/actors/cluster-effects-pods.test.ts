// The pod steps of a cluster reconcile against a fake apiserver: rolling one pod at a time and only
// what still needs it, a pod that never turns Ready, a pod still terminating, claims of removed nodes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { RecreatingPodRoller } from '../../../src/actors/cluster/pod-roller.ts';
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
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kafka', annotations: { 'strimzi.io/revision': revision } },
    spec: { containers: [] },
  };
}

const signal = new AbortController().signal;

test('pods roll one at a time in the given order; a pod an earlier attempt already rolled is left alone', async () => {
  const server = new FakeApiserver();
  server.add(pod('c-controller-0', 'r1'));
  server.add(pod('c-broker-1', 'r2'));
  server.add(pod('c-broker-2', 'r1'));
  const api = server.api();
  const rolled = await rollPods(api, new RecreatingPodRoller(api, 1_000), {
    namespace: 'kafka',
    roll: [pod('c-controller-0', 'r2'), pod('c-broker-1', 'r2'), pod('c-broker-2', 'r2')],
    timeoutMs: 1_000,
    signal,
  });
  assert.deepEqual(rolled, ['c-controller-0', 'c-broker-2']);
  assert.deepEqual(server.log, [
    'delete c-controller-0',
    'gone c-controller-0',
    'create c-controller-0',
    'delete c-broker-2',
    'gone c-broker-2',
    'create c-broker-2',
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
