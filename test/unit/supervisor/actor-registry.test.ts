import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { type AnyStateMachine, assign, createMachine } from 'xstate';
import { settledTag } from '../../../src/api/reconcile-outcome.ts';
import { ActorRegistry, actorStateOf } from '../../../src/supervisor/actor-registry.ts';
import type { ResourceKind } from '../../../src/supervisor/contract.ts';
import { createMetrics } from '../../../src/supervisor/metrics.ts';
import { waitFor } from '../../support/wait.ts';

// A machine whose action throws on CRASH: the actor errors, as a bug in a machine would make it.
const fragileMachine = createMachine({
  initial: 'pending',
  states: {
    pending: {
      on: {
        RECONCILE: 'ready',
        CRASH: {
          actions: () => {
            throw new Error('bug in an action');
          },
        },
      },
    },
    ready: {},
  },
});

// Settled in pending and ready, working in between; counts its reconciles in its context.
const countingMachine = createMachine({
  types: {} as { context: { reconciles: number } },
  context: { reconciles: 0 },
  initial: 'pending',
  states: {
    pending: { tags: [settledTag], on: { RECONCILE: 'working' } },
    working: {
      entry: assign({ reconciles: ({ context }) => context.reconciles + 1 }),
      on: { FINISH: 'ready' },
    },
    ready: { tags: [settledTag], on: { RECONCILE: 'working' } },
  },
});

function registryWith(
  onRestarted: (kind: string, key: string) => void,
  machine: AnyStateMachine = fragileMachine,
) {
  const kind: ResourceKind = {
    type: { group: 'g', version: 'v1', plural: 'things', kind: 'Thing' },
    machine,
    buildStatus: () => undefined,
  };
  const metrics = createMetrics();
  const registry = new ActorRegistry({
    kinds: new Map([['Thing', kind]]),
    metrics,
    logger: pino({ level: 'silent' }),
    restartBackoff: { initialMs: 20, maxMs: 100 },
    onRestarted,
  });
  return { registry, metrics };
}

const thing = { metadata: { name: 'a', namespace: 'n', uid: 'u1' } };

test('one actor per resource: ensure returns the same actor until the resource is re-created', () => {
  const { registry } = registryWith(() => {});
  const first = registry.ensure('Thing', thing);
  assert.ok(registry.ensure('Thing', thing) === first, 'the same actor');
  const recreated = registry.ensure('Thing', { metadata: { ...thing.metadata, uid: 'u2' } });
  assert.ok(recreated !== first, 'a new actor for the re-created resource');
  assert.equal(first.actor.getSnapshot().status, 'stopped');
  registry.stopAll();
});

test('a crashed actor is restarted after a backoff and its resource is reconciled again', async () => {
  const restarted: string[] = [];
  const { registry } = registryWith((kind, key) => restarted.push(`${kind} ${key}`));
  const entry = registry.ensure('Thing', thing);
  entry.actor.send({ type: 'CRASH' });
  assert.equal(registry.get('Thing', 'n/a')?.key, undefined, 'the crashed actor is out of the registry');
  assert.throws(() => registry.ensure('Thing', thing), /waiting to restart/);
  const replacement = await waitFor(
    'the actor to be restarted',
    async () => registry.get('Thing', 'n/a'),
    2_000,
    10,
  );
  assert.ok(replacement !== entry, 'a new actor');
  assert.equal(replacement.crashes, 1);
  assert.equal(replacement.state, 'pending');
  assert.deepEqual(restarted, ['Thing n/a']);
  registry.stopAll();
});

test('the registry counts actors by state and records their transitions', async () => {
  const { registry, metrics } = registryWith(() => {});
  const entry = registry.ensure('Thing', thing);
  entry.actor.send({ type: 'RECONCILE' });
  assert.equal(entry.state, 'ready');
  assert.deepEqual(
    entry.transitions.map((t) => [t.from, t.to, t.event]),
    [['pending', 'ready', 'RECONCILE']],
  );
  const gauge = await metrics.actors.get();
  const count = (state: string) => gauge.values.find((v) => v.labels.state === state)?.value;
  assert.equal(count('ready'), 1);
  assert.equal(count('pending'), 0);
  registry.remove('Thing', 'n/a');
  assert.equal((await metrics.actors.get()).values.find((v) => v.labels.state === 'ready')?.value, 0);
});

test('a settled actor rests as its snapshot and runs again from it, with its context and transitions', () => {
  const { registry } = registryWith(() => {}, countingMachine);
  const entry = registry.ensure('Thing', thing);
  entry.actor.send({ type: 'RECONCILE' });
  registry.rest('Thing', 'n/a');
  assert.ok(entry.actor, 'a working actor keeps running');

  entry.actor.send({ type: 'FINISH' });
  registry.rest('Thing', 'n/a');
  assert.equal(entry.actor, undefined, 'settled, it rests');
  assert.deepEqual(actorStateOf(entry).value, 'ready');
  assert.deepEqual(actorStateOf(entry).context, { reconciles: 1 });

  const woken = registry.ensure('Thing', thing);
  assert.ok(woken === entry, 'the same entry');
  assert.equal(woken.actor.getSnapshot().value, 'ready');
  woken.actor.send({ type: 'RECONCILE' });
  assert.deepEqual(woken.actor.getSnapshot().context, { reconciles: 2 });
  assert.deepEqual(
    woken.transitions.map((t) => [t.from, t.to, t.event]),
    [
      ['pending', 'working', 'RECONCILE'],
      ['working', 'ready', 'FINISH'],
      ['ready', 'working', 'RECONCILE'],
    ],
  );
  registry.stopAll();
});
