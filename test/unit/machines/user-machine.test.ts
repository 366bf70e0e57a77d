import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { KafkaUser } from '../../../src/api/kafka-user.ts';
import { settledTag } from '../../../src/api/reconcile-outcome.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';
import {
  type UserReconciled,
  type UserReconcileInput,
  userMachine,
} from '../../../src/machines/user-machine.ts';
import { sanitiseContext } from '../../../src/supervisor/state-chart/view/context-sanitiser.ts';

function user(overrides: Partial<KafkaUser['metadata']> = {}): KafkaUser {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: { name: 'alice', namespace: 'shop', generation: 2, ...overrides },
    spec: { authentication: { type: 'scram-sha-512' } },
  };
}

function driven(effects: {
  reconcile?: (user: KafkaUser, confirmedSecret: string | undefined) => Promise<UserReconciled>;
  release?: (user: KafkaUser) => Promise<void>;
  remove?: (user: KafkaUser) => Promise<void>;
}) {
  const calls: string[] = [];
  const machine = userMachine.provide({
    actors: {
      reconcileUser: fromPromise<UserReconciled, UserReconcileInput>(async ({ input }) => {
        calls.push(`reconcile ${input.user.metadata?.name}`);
        return (effects.reconcile ?? (async () => ({ username: 'alice', secretName: 'alice' })))(
          input.user,
          input.confirmedSecret,
        );
      }),
      releaseUser: fromPromise<void, KafkaUser>(async ({ input }) => {
        calls.push(`release ${input.metadata?.name}`);
        await effects.release?.(input);
      }),
      deleteUser: fromPromise<void, UserReconcileInput>(async ({ input }) => {
        calls.push(`delete ${input.user.metadata?.name}`);
        await effects.remove?.(input.user);
      }),
    },
  });
  const actor = createActor(machine, { input: { key: 'shop/alice' } }).start();
  const reconcile = async (resource: KafkaUser) => {
    actor.send({ type: 'RECONCILE', resource });
    return waitFor(actor, (s) => s.hasTag(settledTag));
  };
  return { actor, calls, reconcile };
}

test('a new user actor is pending until its first reconcile, then ready with its username, Secret and generation', async () => {
  const { actor, reconcile } = driven({});
  assert.equal(actor.getSnapshot().value, 'pending');
  const settled = await reconcile(user());
  assert.equal(settled.value, 'ready');
  assert.equal(settled.context.username, 'alice');
  assert.equal(settled.context.secretName, 'alice');
  assert.equal(settled.context.reconciledGeneration, 2);
});

test("a reconcile starts from what the last successful one confirmed of the user's Secret", async () => {
  const confirmations: Array<string | undefined> = [];
  let fail = false;
  const { reconcile } = driven({
    reconcile: async (_user, confirmedSecret) => {
      confirmations.push(confirmedSecret);
      if (fail) throw new ReconcileFailure('KafkaError', 'broker away');
      return { username: 'alice', secretName: 'alice', confirmedSecret: `version ${confirmations.length}` };
    },
  });
  await reconcile(user());
  const ready = await reconcile(user());
  assert.equal(ready.context.confirmedSecret, 'version 2');
  fail = true;
  assert.equal((await reconcile(user())).value, 'failed');
  fail = false;
  await reconcile(user());
  assert.deepEqual(confirmations, [undefined, 'version 1', 'version 2', 'version 2']);
});

test('a refused spec leaves the actor failed with the reason, and a later success clears it', async () => {
  let refuse = true;
  const { reconcile } = driven({
    reconcile: async () => {
      if (refuse) throw new ReconcileFailure('SecretNotFound', 'no Secret pw', { retryable: true });
      return { username: 'alice' };
    },
  });
  const failed = await reconcile(user());
  assert.equal(failed.value, 'failed');
  assert.deepEqual(failed.context.lastError, {
    reason: 'SecretNotFound',
    message: 'no Secret pw',
    retryable: true,
  });
  assert.equal(failed.context.consecutiveFailures, 1);
  refuse = false;
  const recovered = await reconcile(user({ generation: 3 }));
  assert.equal(recovered.value, 'ready');
  assert.equal(recovered.context.lastError, undefined);
  assert.equal(recovered.context.consecutiveFailures, 0);
  assert.equal(recovered.context.reconciledGeneration, 3);
});

test('a paused user does no work and remembers the generation it saw', async () => {
  const { calls, reconcile } = driven({});
  const settled = await reconcile(user({ annotations: { 'strimzi.io/pause-reconciliation': 'true' } }));
  assert.equal(settled.value, 'paused');
  assert.equal(settled.context.reconciledGeneration, 2);
  assert.deepEqual(calls, []);
});

test('a user being deleted runs the delete effect and ends deleted; a failed deletion is tried again', async () => {
  let refuse = true;
  const { calls, reconcile } = driven({
    remove: async () => {
      if (refuse) throw new Error('broker unreachable');
    },
  });
  await reconcile(user());
  const being = user({ deletionTimestamp: new Date() });
  assert.equal((await reconcile(being)).value, 'failed');
  refuse = false;
  assert.equal((await reconcile(being)).value, 'deleted');
  assert.deepEqual(calls, ['reconcile alice', 'delete alice', 'delete alice']);
});

const unmanaged = { 'strimzi.io/managed': 'false' };

test('an unmanaged user is released instead of reconciled, and is managed again once the annotation says so', async () => {
  const { calls, reconcile } = driven({});
  await reconcile(user());
  const released = await reconcile(user({ generation: 3, annotations: unmanaged }));
  assert.equal(released.value, 'unmanaged');
  assert.equal(released.context.reconciledGeneration, 3);
  assert.equal((await reconcile(user({ generation: 3, annotations: unmanaged }))).value, 'unmanaged');
  const managed = await reconcile(user({ generation: 4, annotations: { 'strimzi.io/managed': 'true' } }));
  assert.equal(managed.value, 'ready');
  assert.equal((await reconcile(user({ generation: 5, annotations: unmanaged }))).value, 'unmanaged');
  assert.equal((await reconcile(user({ generation: 6 }))).value, 'ready');
  assert.deepEqual(calls, [
    'reconcile alice',
    'release alice',
    'release alice',
    'reconcile alice',
    'release alice',
    'reconcile alice',
  ]);
});

test('a failed release is failed with the reason and tried again at the next reconcile', async () => {
  let refuse = true;
  const { reconcile } = driven({
    release: async () => {
      if (refuse) throw new Error('apiserver unreachable');
    },
  });
  const failed = await reconcile(user({ annotations: unmanaged }));
  assert.equal(failed.value, 'failed');
  assert.equal(failed.context.lastError?.message, 'apiserver unreachable');
  refuse = false;
  const released = await reconcile(user({ annotations: unmanaged }));
  assert.equal(released.value, 'unmanaged');
  assert.equal(released.context.lastError, undefined);
  assert.equal(released.context.consecutiveFailures, 0);
});

test('pausing and deleting come before the managed annotation: a paused or deleted unmanaged user is not released', async () => {
  const { calls, reconcile } = driven({});
  const paused = await reconcile(
    user({ annotations: { ...unmanaged, 'strimzi.io/pause-reconciliation': 'true' } }),
  );
  assert.equal(paused.value, 'paused');
  const deleted = await reconcile(user({ annotations: unmanaged, deletionTimestamp: new Date() }));
  assert.equal(deleted.value, 'deleted');
  assert.deepEqual(calls, ['delete alice']);
});

test('the state-chart view shows the username and Secret name of a user actor, and nothing else it does not know', async () => {
  const { actor, reconcile } = driven({});
  await reconcile(user());
  const shown = sanitiseContext({ ...actor.getSnapshot().context, password: 'hunter2' });
  assert.deepEqual(shown, {
    username: 'alice',
    secretName: 'alice',
    reconciledGeneration: 2,
    consecutiveFailures: 0,
  });
});
