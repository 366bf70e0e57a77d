import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { Kafka } from '../../../src/api/kafka.ts';
import { settledTag, topLevelState, waitingTag } from '../../../src/api/reconcile-outcome.ts';
import {
  type ClusterPlan,
  type ClusterStepInput,
  type ClusterWait,
  clusterMachine,
  type ListenerStatus,
  type StepProgress,
} from '../../../src/machines/cluster-machine.ts';
import type { ClusterModel } from '../../../src/machines/cluster-model.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';

function kafka(metadata: Partial<Kafka['metadata']> = {}): Kafka {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    metadata: { name: 'my-cluster', namespace: 'shop', generation: 2, ...metadata },
    spec: { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } },
  };
}

const pod = (name: string): KubernetesObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name } });

function plan(changes: Partial<Pick<ClusterPlan, 'create' | 'remove' | 'roll'>> = {}): ClusterPlan {
  return {
    model: { clusterId: 'abc', kafkaVersion: '4.1.0' } as ClusterModel,
    warnings: [],
    clusterCaCertificate: '',
    create: [],
    remove: [],
    roll: [],
    ...changes,
  };
}

const listeners: ListenerStatus[] = [
  { name: 'plain', bootstrapServers: 'my-cluster-kafka-bootstrap.shop.svc:9092', addresses: [] },
];

function driven(effects: { apply?: () => Promise<ClusterPlan>; roll?: () => Promise<StepProgress> }) {
  const steps: string[] = [];
  const machine = clusterMachine.provide({
    actors: {
      applyCluster: fromPromise<ClusterPlan, Kafka>(async () => {
        steps.push('apply');
        return (effects.apply ?? (async () => plan()))();
      }),
      scaleCluster: fromPromise<StepProgress, ClusterStepInput>(async ({ input }) => {
        steps.push(`scale +${input.plan.create.length} -${input.plan.remove.length}`);
        return undefined;
      }),
      rollPods: fromPromise<StepProgress, ClusterStepInput>(async ({ input }) => {
        const names = (pods: KubernetesObject[]) => pods.map((p) => p.metadata?.name).join(',');
        const created = input.plan.create.length > 0 ? ` +${names(input.plan.create)}` : '';
        steps.push(`roll ${names(input.plan.roll)}${created}`);
        return effects.roll?.();
      }),
      observeCluster: fromPromise<ListenerStatus[] | ClusterWait, ClusterStepInput>(async () => {
        steps.push('observe');
        return listeners;
      }),
    },
  });
  const actor = createActor(machine, { input: { key: 'shop/my-cluster' } }).start();
  const visited: string[] = [topLevelState(actor.getSnapshot().value)];
  actor.subscribe((snapshot) => {
    const state = topLevelState(snapshot.value);
    if (visited.at(-1) !== state) visited.push(state);
  });
  const reconcile = async (resource: Kafka) => {
    actor.send({ type: 'RECONCILE', resource });
    return waitFor(actor, (s) => s.hasTag(settledTag));
  };
  return { actor, steps, visited, reconcile };
}

test('a cluster with nothing to change goes from applying straight to observing and is ready with its listeners', async () => {
  const { steps, visited, reconcile } = driven({});
  const settled = await reconcile(kafka());
  assert.equal(settled.value, 'ready');
  assert.deepEqual(steps, ['apply', 'observe']);
  assert.deepEqual(visited, ['pending', 'applying', 'observing', 'ready']);
  assert.deepEqual(settled.context.listeners, listeners);
  assert.equal(settled.context.reconciledGeneration, 2);
  assert.equal(settled.context.clusterId, 'abc');
});

test('new and removed nodes are scaled first, then changed pods are rolled, then the cluster is observed', async () => {
  const { steps, visited, reconcile } = driven({
    apply: async () =>
      plan({ create: [pod('c-broker-3')], remove: [pod('c-broker-4')], roll: [pod('c-broker-1')] }),
  });
  const settled = await reconcile(kafka());
  assert.equal(settled.value, 'ready');
  assert.deepEqual(steps, ['apply', 'scale +1 -1', 'roll c-broker-1 +c-broker-3', 'observe']);
  assert.deepEqual(visited, ['pending', 'applying', 'scaling', 'rolling', 'observing', 'ready']);
  assert.equal(settled.context.podsToRoll, 1);
});

test('a plan with only changed pods skips scaling and rolls them', async () => {
  const { steps, reconcile } = driven({ apply: async () => plan({ roll: [pod('c-controller-0')] }) });
  await reconcile(kafka());
  assert.deepEqual(steps, ['apply', 'roll c-controller-0', 'observe']);
});

test('an invalid spec fails in applying with its reason, and nothing after it runs', async () => {
  const { steps, reconcile } = driven({
    apply: async () => {
      throw new ReconcileFailure('UnsupportedKafkaVersion', 'Kafka 3.4.0 is not supported', {
        retryable: false,
      });
    },
  });
  const settled = await reconcile(kafka());
  assert.equal(settled.value, 'failed');
  assert.deepEqual(steps, ['apply']);
  assert.deepEqual(settled.context.lastError, {
    reason: 'UnsupportedKafkaVersion',
    message: 'Kafka 3.4.0 is not supported',
    retryable: false,
  });
  assert.equal(settled.context.consecutiveFailures, 1);
});

test('a roll that fails leaves the cluster failed; the next good reconcile makes it ready and clears the error', async () => {
  let rollFails = true;
  const { reconcile } = driven({
    apply: async () => plan({ roll: [pod('c-broker-0')] }),
    roll: async () => {
      if (rollFails) throw new ReconcileFailure('PodNotReady', 'pod c-broker-0 did not become Ready');
      return undefined;
    },
  });
  const failed = await reconcile(kafka());
  assert.equal(failed.value, 'failed');
  assert.equal(failed.context.lastError?.reason, 'PodNotReady');
  rollFails = false;
  const ready = await reconcile(kafka({ generation: 3 }));
  assert.equal(ready.value, 'ready');
  assert.equal(ready.context.lastError, undefined);
  assert.equal(ready.context.consecutiveFailures, 0);
  assert.equal(ready.context.reconciledGeneration, 3);
});

test('a paused cluster changes nothing, and one being deleted is left to the garbage collector', async () => {
  const { steps, reconcile } = driven({});
  const paused = await reconcile(kafka({ annotations: { 'strimzi.io/pause-reconciliation': 'true' } }));
  assert.equal(paused.value, 'paused');
  const deleting = await reconcile(kafka({ deletionTimestamp: new Date() }));
  assert.equal(deleting.value, 'deleting');
  assert.deepEqual(steps, []);
});

const restartWait: ClusterWait = {
  step: 'rolling',
  reason: 'RollingUpdate',
  subject: 'restart c-broker-0',
  message: 'Rolling update: restarting node 0 (c-broker-0)',
  retryAfterMs: 10_000,
  since: 1,
};

test('a roll that waits ends the reconcile in rolling.waiting with what it waits for, and the next reconcile starts from applying', async () => {
  let rolls = 0;
  const { steps, visited, reconcile } = driven({
    // The first reconcile deletes c-broker-0; the next finds it missing and has the roll create it.
    apply: async () =>
      rolls === 0 ? plan({ roll: [pod('c-broker-0')] }) : plan({ create: [pod('c-broker-0')] }),
    roll: async () => (rolls++ === 0 ? restartWait : undefined),
  });
  const waiting = await reconcile(kafka());
  assert.deepEqual(waiting.value, { rolling: 'waiting' });
  assert.ok(waiting.hasTag(waitingTag));
  assert.deepEqual(waiting.context.waiting, restartWait);
  const ready = await reconcile(kafka());
  assert.equal(ready.value, 'ready');
  assert.equal(ready.context.waiting, undefined);
  // The missing pod went to the roll, not to scaling, because the roll deleted it.
  assert.deepEqual(steps, ['apply', 'roll c-broker-0', 'apply', 'roll  +c-broker-0', 'observe']);
  assert.deepEqual(visited, ['pending', 'applying', 'rolling', 'applying', 'rolling', 'observing', 'ready']);
});

test('a missing pod with no roll under way is scaled, and a failure clears what the cluster waited for', async () => {
  let fail = true;
  const { steps, reconcile } = driven({
    apply: async () => plan({ roll: [pod('c-broker-0')] }),
    roll: async () => {
      if (fail) throw new ReconcileFailure('RestartNotSafe', 'node 0 is not restarted yet');
      return restartWait;
    },
  });
  const failed = await reconcile(kafka());
  assert.equal(failed.value, 'failed');
  assert.equal(failed.context.waiting, undefined);
  fail = false;
  const waiting = await reconcile(kafka());
  assert.deepEqual(waiting.value, { rolling: 'waiting' });
  assert.deepEqual(steps, ['apply', 'roll c-broker-0', 'apply', 'roll c-broker-0']);
  const { steps: scaled, reconcile: reconcileMissing } = driven({
    apply: async () => plan({ create: [pod('c-broker-0')] }),
  });
  await reconcileMissing(kafka());
  assert.deepEqual(scaled, ['apply', 'scale +1 -0', 'observe']);
});
