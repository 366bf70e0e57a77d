// One reconcile as the runtime runs it, with its collaborators faked: a cache held in a Map, status and
// Event writers that record what they are given, and a kind whose machine does what its resource's spec says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { ActorRegistry } from '../../../src/supervisor/actor-registry.ts';
import type { ResourceKind } from '../../../src/supervisor/contract.ts';
import { createMetrics } from '../../../src/supervisor/metrics.ts';
import { objectKey } from '../../../src/supervisor/object-key.ts';
import { createReconciler } from '../../../src/supervisor/reconciler.ts';
import {
  type Gadget,
  gadget,
  gadgetKind,
  gadgetStatus,
  recordingWriters,
  type WriterFaults,
} from './gadgets.ts';

interface HarnessOptions extends WriterFaults {
  onBuildStatus?: () => void;
}

function harness(resources: Gadget[], options: HarnessOptions = {}) {
  const cache = new Map<string, Gadget>(resources.map((resource) => [objectKey(resource), resource]));
  const logLines: { level: number; msg: string }[] = [];
  const writers = recordingWriters(({ namespace, name }, status) => {
    const resource = cache.get(`${namespace}/${name}`);
    if (resource) cache.set(objectKey(resource), { ...resource, status: status as Gadget['status'] });
  }, options);
  const kinds = new Map([['Gadget', gadgetKind(options.onBuildStatus) as ResourceKind]]);
  const metrics = createMetrics();
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => logLines.push(JSON.parse(line) as { level: number; msg: string }) },
  );
  const registry = new ActorRegistry({ kinds, metrics, logger, onRestarted: () => {} });
  const reconcile = createReconciler({
    kinds,
    registry,
    currentResource: (_kind, key) => cache.get(key),
    resources: writers.resources,
    events: writers.events,
    metrics,
    logger,
  });
  const run = (name: string, signal = new AbortController().signal) =>
    reconcile({ kind: 'Gadget', key: `n/${name}` }, signal);
  return {
    run,
    reconcile,
    cache,
    statusWrites: writers.statusWrites,
    events: writers.recordedEvents,
    logLines,
    registry,
    metrics,
  };
}

const reconcilesCounted = async (metrics: ReturnType<typeof createMetrics>, result: string) =>
  (await metrics.reconciles.get()).values.find((value) => value.labels.result === result)?.value ?? 0;

test('a first reconcile writes the status and records the Event of the state reached; an unchanged one writes neither', async () => {
  const { run, statusWrites, events, metrics } = harness([gadget('a', 'succeed')]);

  assert.deepEqual(await run('a'), { generation: 1, result: 'settled' });
  assert.equal(statusWrites.length, 1);
  assert.deepEqual(events, [{ name: 'a', type: 'Normal', reason: 'StateReady' }]);

  assert.deepEqual(await run('a'), { generation: 1, result: 'settled' });
  assert.equal(statusWrites.length, 1, 'the status says so already');
  assert.equal(events.length, 1, 'nothing observed changed');
  assert.equal(await reconcilesCounted(metrics, 'ready'), 2);
  assert.equal((await metrics.statusWrites.get()).values[0]?.value, 1);
});

test('a fresh actor (a restart, a new leader) that finds the resource as its status says writes nothing and records no Event', async () => {
  const readySince = new Date('2026-01-01T00:00:00Z');
  const resource = gadget(
    'b',
    'succeed',
    gadgetStatus('ready', undefined, gadget('b', 'succeed'), readySince),
  );
  const { run, statusWrites, events, registry } = harness([resource]);

  assert.deepEqual(await run('b'), { generation: 1, result: 'settled' });
  assert.equal(registry.get('Gadget', 'n/b')?.state, 'ready', 'the actor went from pending to ready');
  assert.deepEqual(statusWrites, [], 'only the transition time would differ');
  assert.deepEqual(events, []);
});

test('a failure a retry may cure asks for a retry, one it cannot asks to wait for a change; each Warning is recorded once', async () => {
  const { run, cache, statusWrites, events } = harness([
    gadget('c', 'fail-retryable'),
    gadget('d', 'fail-refused'),
  ]);

  assert.deepEqual(await run('c'), { generation: 1, result: 'retry' });
  assert.deepEqual(await run('c'), { generation: 1, result: 'retry' });
  assert.deepEqual(await run('d'), { generation: 1, result: 'failed' });
  assert.deepEqual(events, [
    { name: 'c', type: 'Warning', reason: 'KafkaUnavailable' },
    { name: 'd', type: 'Warning', reason: 'InvalidResource' },
  ]);
  assert.deepEqual(
    statusWrites.map(({ name }) => name),
    ['c', 'd'],
  );

  // Fixed: Ready again, which is an observed change.
  const fixed = cache.get('n/c');
  assert.ok(fixed);
  cache.set('n/c', {
    ...fixed,
    metadata: { ...fixed.metadata, generation: 2 },
    spec: { outcome: 'succeed' },
  });
  assert.deepEqual(await run('c'), { generation: 2, result: 'settled' });
  assert.deepEqual(events.at(-1), { name: 'c', type: 'Normal', reason: 'StateReady' });
});

test('an aborted reconcile writes nothing, rejects, and leaves a fresh actor in its first state', async () => {
  const { run, statusWrites, events, registry } = harness([gadget('e', 'run-until-aborted')]);
  const leadership = new AbortController();
  const running = run('e', leadership.signal);
  const before = registry.get('Gadget', 'n/e');
  assert.equal(before?.state, 'working');

  leadership.abort(new Error('leadership lost'));
  await assert.rejects(running, /leadership lost/);
  assert.deepEqual(statusWrites, []);
  assert.deepEqual(events, []);
  const after = registry.get('Gadget', 'n/e');
  assert.ok(after !== before, 'a fresh actor');
  assert.equal(after?.state, 'pending');
  assert.equal(before?.actor?.getSnapshot().status, 'stopped', 'the effect was stopped with its actor');
});

test('leadership lost once the actor settled: neither the status nor the Event is written', async () => {
  const leadership = new AbortController();
  const { run, statusWrites, events } = harness([gadget('f', 'succeed')], {
    onBuildStatus: () => leadership.abort(new Error('leadership lost')),
  });

  await assert.rejects(run('f', leadership.signal), /leadership lost/);
  assert.deepEqual(statusWrites, []);
  assert.deepEqual(events, []);
});

test('a resource gone from the cache loses its actor and nothing is written', async () => {
  const { run, cache, statusWrites, registry } = harness([gadget('g', 'succeed')]);
  await run('g');
  assert.ok(registry.get('Gadget', 'n/g'));
  cache.delete('n/g');

  assert.deepEqual(await run('g'), { generation: undefined, result: 'settled' });
  assert.equal(registry.get('Gadget', 'n/g')?.key, undefined);
  assert.equal(statusWrites.length, 1, 'only the first reconcile wrote');
});

test('a resource deleted before its status is written ends its reconcile settled, not failed', async () => {
  const { run, statusWrites } = harness([gadget('d', 'succeed')], { patchStatus: async () => 'gone' });
  assert.deepEqual(await run('d'), { generation: 1, result: 'settled' });
  assert.equal(statusWrites.length, 0);
});

test('a reconcile of a kind nobody registered is refused', async () => {
  const { reconcile } = harness([]);
  await assert.rejects(
    reconcile({ kind: 'Widget', key: 'n/w' }, new AbortController().signal),
    /unknown kind Widget/,
  );
});

test('a status write that fails rejects the reconcile, for the caller to retry; an Event that fails is logged and does not', async () => {
  const refusedStatus = harness([gadget('h', 'succeed')], {
    patchStatus: () => Promise.reject(new Error('apiserver unavailable')),
  });
  await assert.rejects(refusedStatus.run('h'), /apiserver unavailable/);

  const refusedEvent = harness([gadget('i', 'succeed')], {
    recordEvent: () => Promise.reject(new Error('events are forbidden')),
  });
  assert.deepEqual(await refusedEvent.run('i'), { generation: 1, result: 'settled' });
  assert.equal(refusedEvent.statusWrites.length, 1);
  assert.ok(refusedEvent.logLines.some((line) => line.msg === 'could not record a Kubernetes Event'));
});
