import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { KafkaTopic } from '../../../src/api/kafka-topic.ts';
import { settledTag } from '../../../src/api/reconcile-outcome.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';
import { type TopicReconciled, topicMachine } from '../../../src/machines/topic-machine.ts';

function topic(overrides: Partial<KafkaTopic['metadata']> = {}): KafkaTopic {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: { name: 'orders', namespace: 'shop', generation: 4, ...overrides },
    spec: { partitions: 3 },
  };
}

function driven(effects: {
  reconcile?: (topic: KafkaTopic) => Promise<TopicReconciled>;
  remove?: (topic: KafkaTopic) => Promise<void>;
}) {
  const calls: string[] = [];
  const machine = topicMachine.provide({
    actors: {
      reconcileTopic: fromPromise<TopicReconciled, KafkaTopic>(async ({ input }) => {
        calls.push(`reconcile ${input.metadata?.name}`);
        return (effects.reconcile ?? (async () => ({ topicName: 'orders', topicId: 'id-1' })))(input);
      }),
      deleteTopic: fromPromise<void, KafkaTopic>(async ({ input }) => {
        calls.push(`delete ${input.metadata?.name}`);
        await effects.remove?.(input);
      }),
    },
  });
  const actor = createActor(machine, { input: { key: 'shop/orders' } }).start();
  const reconcile = async (resource: KafkaTopic) => {
    actor.send({ type: 'RECONCILE', resource });
    return waitFor(actor, (s) => s.hasTag(settledTag));
  };
  return { actor, calls, reconcile };
}

test('a new topic actor is pending until its first reconcile, then ready with the topic id and generation', async () => {
  const { actor, reconcile } = driven({});
  assert.equal(actor.getSnapshot().value, 'pending');
  const settled = await reconcile(topic());
  assert.equal(settled.value, 'ready');
  assert.equal(settled.context.topicId, 'id-1');
  assert.equal(settled.context.reconciledGeneration, 4);
});

test('a failing reconcile leaves the actor failed with the reason, and a later success clears it', async () => {
  let fail = true;
  const { reconcile } = driven({
    reconcile: async () => {
      if (fail) throw new ReconcileFailure('KafkaClusterNotFound', 'no such cluster', { retryable: true });
      return { topicName: 'orders', topicId: 'id-2' };
    },
  });
  const failed = await reconcile(topic());
  assert.equal(failed.value, 'failed');
  assert.deepEqual(failed.context.lastError, {
    reason: 'KafkaClusterNotFound',
    message: 'no such cluster',
    retryable: true,
  });
  assert.equal(failed.context.consecutiveFailures, 1);
  assert.equal((await reconcile(topic())).context.consecutiveFailures, 2);
  fail = false;
  const recovered = await reconcile(topic());
  assert.equal(recovered.value, 'ready');
  assert.equal(recovered.context.lastError, undefined);
  assert.equal(recovered.context.consecutiveFailures, 0);
});

test('an unexpected error keeps its class name as the reason and is retryable', async () => {
  const { reconcile } = driven({
    reconcile: async () => {
      throw new TypeError('boom');
    },
  });
  const failed = await reconcile(topic());
  assert.deepEqual(failed.context.lastError, { reason: 'TypeError', message: 'boom', retryable: true });
});

test('a paused topic does no work and remembers the generation it saw', async () => {
  const { calls, reconcile } = driven({});
  const settled = await reconcile(topic({ annotations: { 'strimzi.io/pause-reconciliation': 'true' } }));
  assert.equal(settled.value, 'paused');
  assert.equal(settled.context.reconciledGeneration, 4);
  assert.deepEqual(calls, []);
});

test('a topic being deleted runs the delete effect and ends deleted, from any settled state', async () => {
  const { calls, reconcile } = driven({});
  await reconcile(topic());
  const deleted = await reconcile(topic({ deletionTimestamp: new Date() }));
  assert.equal(deleted.value, 'deleted');
  assert.deepEqual(calls, ['reconcile orders', 'delete orders']);
});

test('a refused deletion leaves the actor failed, and the next reconcile tries the deletion again', async () => {
  let refuse = true;
  const { calls, reconcile } = driven({
    remove: async () => {
      if (refuse) throw new ReconcileFailure('TopicDeletionDisabled', 'delete.topic.enable is false');
    },
  });
  const being = topic({ deletionTimestamp: new Date() });
  assert.equal((await reconcile(being)).value, 'failed');
  refuse = false;
  assert.equal((await reconcile(being)).value, 'deleted');
  assert.deepEqual(calls, ['delete orders', 'delete orders']);
});
