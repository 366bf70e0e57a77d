// The Supervisor's lifecycle with its collaborators faked: caches whose change events the test emits, a
// queue that records what is enqueued and runs a job when told, and writers that record what they get.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { type TestContext, test } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { actorStateOf } from '../../../src/supervisor/actor-registry.ts';
import type { RelatedKind, ResourceKind } from '../../../src/supervisor/contract.ts';
import type { ResourceInformerEvents } from '../../../src/supervisor/informer.ts';
import { createMetrics } from '../../../src/supervisor/metrics.ts';
import { objectKey } from '../../../src/supervisor/object-key.ts';
import type { ReconcileHandler, ReconcileRequest } from '../../../src/supervisor/reconcile-queue.ts';
import {
  resyncSlice,
  Supervisor,
  type SupervisorCaches,
  type SupervisorQueue,
} from '../../../src/supervisor/supervisor.ts';
import { holdsThroughout, waitFor } from '../../support/wait.ts';
import {
  type Gadget,
  gadget,
  gadgetKind,
  gadgetStatus,
  recordingWriters,
  type WriterFaults,
} from './gadgets.ts';

// One kind's cache: the test changes it, and it emits as an informer does (the cache first, then the event).
class FakeInformer extends EventEmitter<ResourceInformerEvents<KubernetesObject>> {
  readonly objects = new Map<string, KubernetesObject>();

  keys(): string[] {
    return [...this.objects.keys()];
  }

  add(object: KubernetesObject): void {
    this.objects.set(objectKey(object), object);
    this.emit('add', object);
  }

  update(object: KubernetesObject): void {
    const old = this.objects.get(objectKey(object));
    assert.ok(old, `${objectKey(object)} is cached`);
    this.objects.set(objectKey(object), object);
    this.emit('update', object, old);
  }

  remove(object: KubernetesObject): void {
    this.objects.delete(objectKey(object));
    this.emit('delete', object);
  }
}

class FakeCaches implements SupervisorCaches {
  readonly informers = new Map<string, FakeInformer>();
  running = false;

  constructor(kinds: string[]) {
    for (const kind of kinds) this.informers.set(kind, new FakeInformer());
  }

  informerOf(kind: string): FakeInformer {
    const informer = this.informers.get(kind);
    assert.ok(informer, `${kind} has a cache`);
    return informer;
  }

  cached(kind: string, namespace: string, name: string): KubernetesObject | undefined {
    return this.informers.get(kind)?.objects.get(`${namespace}/${name}`);
  }

  hasSynced(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }
}

interface Enqueued extends ReconcileRequest {
  delayMs?: number;
  cutShort?: boolean;
  background?: boolean;
}

class FakeQueue implements SupervisorQueue {
  readonly enqueued: Enqueued[] = [];
  readonly stops: string[] = [];
  // While set, enqueues wait for it; the most that waited at once is kept.
  held: Promise<void> | undefined;
  #waiting = 0;
  mostWaiting = 0;
  handler: ReconcileHandler | undefined;
  connectionChanged: ((connected: boolean) => void) | undefined;
  readonly #running = new Set<AbortController>();

  async enqueue(
    request: ReconcileRequest,
    options: { delayMs?: number; cutShort?: boolean; background?: boolean } = {},
  ) {
    this.enqueued.push({ ...request, ...options });
    if (!this.held) return;
    this.mostWaiting = Math.max(this.mostWaiting, ++this.#waiting);
    await this.held;
    this.#waiting--;
  }

  async onConnectionChange(callback: (connected: boolean) => void): Promise<void> {
    this.connectionChanged = callback;
  }

  async depth(): Promise<number> {
    return 0;
  }

  startWorker(handler: ReconcileHandler): void {
    this.handler = handler;
  }

  // As the queue does when leadership is lost: no more jobs, and the running ones aborted.
  async stopWorker(reason: string): Promise<void> {
    this.stops.push(reason);
    this.handler = undefined;
    for (const running of this.#running) running.abort(new Error(reason));
  }

  // Runs one job as the worker would.
  async run(request: ReconcileRequest): Promise<void> {
    const handler = this.handler;
    assert.ok(handler, 'a worker is running');
    const controller = new AbortController();
    this.#running.add(controller);
    try {
      await handler(request, controller.signal);
    } finally {
      this.#running.delete(controller);
    }
  }

  // What was enqueued for one key, in order.
  of(key: string): Enqueued[] {
    return this.enqueued.filter((request) => request.key === key);
  }
}

// A Part reconciles the Gadget its label names; a new Part does not.
const partKind: RelatedKind = {
  type: { group: '', version: 'v1', plural: 'parts', kind: 'Part' },
  ownerKeys: (part) => [`${part.metadata?.namespace}/${part.metadata?.labels?.gadget}`],
  reconcileOnAdd: false,
};

const retry = { initialMs: 1_000, maxMs: 8_000 };

async function startedSupervisor(
  t: TestContext,
  options: { faults?: WriterFaults; resyncIntervalMs?: number } = {},
) {
  const caches = new FakeCaches(['Gadget', 'Part']);
  const gadgets = caches.informerOf('Gadget');
  const queue = new FakeQueue();
  const metrics = createMetrics();
  const writers = recordingWriters(({ namespace, name }, status) => {
    const written = gadgets.objects.get(`${namespace}/${name}`);
    if (written) gadgets.update({ ...written, status } as Gadget);
  }, options.faults);
  const kind: ResourceKind = { ...(gadgetKind() as ResourceKind), related: [partKind] };
  const supervisor = new Supervisor({
    caches,
    kinds: [kind],
    resyncIntervalMs: options.resyncIntervalMs ?? 3_600_000,
    retry,
    queue,
    resources: writers.resources,
    events: writers.events,
    metrics,
    logger: pino({ level: 'silent' }),
  });
  await supervisor.start();
  t.after(() => supervisor.stop());
  return { supervisor, caches, gadgets, queue, metrics, ...writers };
}

const request = (name: string): ReconcileRequest => ({ kind: 'Gadget', key: `n/${name}` });

test('a resource that appears gets an actor at once, leading or not; only the leader queues its reconcile', async (t) => {
  const { supervisor, gadgets, queue, metrics } = await startedSupervisor(t);
  assert.equal(supervisor.hasSynced(), true);
  gadgets.add(gadget('a', 'succeed'));
  assert.equal(supervisor.registry.get('Gadget', 'n/a')?.state, 'pending');
  assert.deepEqual(queue.enqueued, [], 'a follower queues nothing');

  supervisor.startReconciling();
  assert.equal(supervisor.isLeading(), true);
  assert.equal((await metrics.leader.get()).values[0]?.value, 1);
  assert.deepEqual(
    queue.of('n/a'),
    [{ ...request('a'), delayMs: 0, background: true }],
    'leading, it queues what is cached, behind any change',
  );

  gadgets.add(gadget('b', 'succeed'));
  assert.deepEqual(queue.of('n/b'), [{ ...request('b'), cutShort: false }]);
});

test('an update that changes only the status queues nothing; a change of the spec queues a reconcile', async (t) => {
  const { supervisor, gadgets, queue, statusWrites } = await startedSupervisor(t);
  const a = gadget('a', 'succeed');
  gadgets.add(a);
  supervisor.startReconciling();
  await queue.run(request('a'));
  assert.equal(statusWrites.length, 1, 'the reconcile wrote the status, which came back as an update');
  assert.equal(queue.of('n/a').length, 1, 'the status update queued nothing');

  gadgets.update({ ...a, metadata: { ...a.metadata, generation: 2 } });
  assert.equal(queue.of('n/a').length, 2);
});

test("a related object's change queues its owner; a new one does not, as its kind asks", async (t) => {
  const { supervisor, caches, queue } = await startedSupervisor(t);
  supervisor.startReconciling();
  const parts = caches.informerOf('Part');
  const part = { metadata: { name: 'p', namespace: 'n', labels: { gadget: 'a' }, generation: 1 } };
  parts.add(part);
  assert.deepEqual(queue.of('n/a'), []);
  parts.update({ ...part, metadata: { ...part.metadata, generation: 2 } });
  parts.remove(part);
  assert.deepEqual(queue.of('n/a'), [
    { ...request('a'), cutShort: false },
    { ...request('a'), cutShort: false },
  ]);
});

test('a deleted resource: a follower stops its actor at once; the leader queues it, and the reconcile that finds it gone stops the actor', async (t) => {
  const follower = await startedSupervisor(t);
  const a = gadget('a', 'succeed');
  follower.gadgets.add(a);
  follower.gadgets.remove(a);
  assert.equal(follower.supervisor.registry.get('Gadget', 'n/a')?.key, undefined);

  const leader = await startedSupervisor(t);
  leader.gadgets.add(a);
  leader.supervisor.startReconciling();
  await leader.queue.run(request('a'));
  const entry = leader.supervisor.registry.get('Gadget', 'n/a');
  assert.equal(entry && actorStateOf(entry).value, 'ready');
  leader.gadgets.remove(a);
  assert.equal(leader.queue.of('n/a').length, 2, 'the deletion is queued');
  assert.ok(leader.supervisor.registry.get('Gadget', 'n/a'), 'the actor stays until its reconcile');
  await leader.queue.run(request('a'));
  assert.equal(leader.supervisor.registry.get('Gadget', 'n/a')?.key, undefined);
  assert.equal(entry?.actor, undefined, 'settled, it rested: no actor of it runs');
});

test('leadership lost: the running reconcile is aborted and writes nothing, its actor starts afresh, and changes queue nothing more', async (t) => {
  const { supervisor, gadgets, queue, metrics, statusWrites, recordedEvents } = await startedSupervisor(t);
  gadgets.add(gadget('slow', 'run-until-aborted'));
  supervisor.startReconciling();
  const running = queue.run(request('slow'));
  assert.equal(supervisor.registry.get('Gadget', 'n/slow')?.state, 'working');

  await supervisor.stopReconciling('leadership lost');
  await assert.rejects(running, /leadership lost/);
  assert.deepEqual(queue.stops, ['leadership lost']);
  assert.equal(supervisor.isLeading(), false);
  assert.equal((await metrics.leader.get()).values[0]?.value, 0);
  assert.deepEqual(statusWrites, []);
  assert.deepEqual(recordedEvents, []);
  assert.equal(supervisor.registry.get('Gadget', 'n/slow')?.state, 'pending');

  const queuedBefore = queue.enqueued.length;
  gadgets.add(gadget('later', 'succeed'));
  assert.equal(queue.enqueued.length, queuedBefore);

  // A new term: everything cached is queued again.
  supervisor.startReconciling();
  assert.deepEqual(
    queue.enqueued.slice(queuedBefore).map((queued) => queued.key),
    ['n/slow', 'n/later'],
  );
});

test('failover: a new leader, its actors fresh, finds the resources as their status says and writes nothing, records no Event', async (t) => {
  const readySince = new Date('2026-01-01T00:00:00Z');
  const a = gadget('a', 'succeed');
  const newLeader = await startedSupervisor(t);
  const settled: Gadget = { ...a, status: gadgetStatus('ready', undefined, a, readySince) };
  newLeader.gadgets.add(settled);
  newLeader.supervisor.startReconciling();
  await newLeader.queue.run(request('a'));
  assert.equal(newLeader.supervisor.registry.get('Gadget', 'n/a')?.state, 'ready');
  assert.deepEqual(newLeader.statusWrites, []);
  assert.deepEqual(newLeader.recordedEvents, []);
});

test('the resync timer queues every resource again while leading, after its back-off if it failed', async (t) => {
  const { supervisor, gadgets, queue } = await startedSupervisor(t, { resyncIntervalMs: 20 });
  gadgets.add(gadget('a', 'succeed'));
  gadgets.add(gadget('broken', 'fail-refused'));
  supervisor.startReconciling();
  await queue.run(request('broken'));
  await waitFor('a resync', async () => (queue.of('n/a').length >= 2 ? true : undefined), 2_000, 5);
  const resynced = queue.of('n/broken').at(-1);
  assert.ok(
    resynced?.delayMs && resynced.delayMs > 0 && resynced.delayMs <= retry.initialMs,
    'waits out its back-off',
  );
  await supervisor.stopReconciling('leadership lost');
  const queued = queue.enqueued.length;
  // A resync every 20 ms: ten intervals without one show that resyncs stopped with the leadership.
  await holdsThroughout('no resync', async () => queue.enqueued.length === queued, 200, 5);
});

test('after a reconcile: a retryable failure is queued again after its back-off, a refusal waits for a change', async (t) => {
  const { supervisor, gadgets, queue } = await startedSupervisor(t);
  gadgets.add(gadget('flaky', 'fail-retryable'));
  gadgets.add(gadget('refused', 'fail-refused'));
  supervisor.startReconciling();
  const initially = queue.enqueued.length;

  await queue.run(request('flaky'));
  await queue.run(request('refused'));
  const [retried, ...more] = queue.enqueued.slice(initially);
  assert.equal(retried?.key, 'n/flaky');
  assert.ok(
    retried.delayMs && retried.delayMs > 0 && retried.delayMs <= retry.initialMs,
    'after the back-off',
  );
  assert.deepEqual(more, [], 'the refusal is not queued');
});

test('a change during a back-off cuts it short; a broken-off reconcile is retried after one', async (t) => {
  const { supervisor, gadgets, queue } = await startedSupervisor(t, {
    faults: { patchStatus: () => Promise.reject(new Error('apiserver unavailable')) },
  });
  const a = gadget('a', 'succeed');
  gadgets.add(a);
  supervisor.startReconciling();
  await queue.run(request('a'));
  const retried = queue.of('n/a').at(-1);
  assert.ok(
    retried?.delayMs && retried.delayMs > 0,
    'the status write that failed is retried after a back-off',
  );

  gadgets.update({ ...a, metadata: { ...a.metadata, generation: 2 } });
  assert.deepEqual(queue.of('n/a').at(-1), { ...request('a'), cutShort: true });
});

test('Redis back after an outage: every resource is queued again', async (t) => {
  const { supervisor, gadgets, queue, metrics } = await startedSupervisor(t);
  gadgets.add(gadget('a', 'succeed'));
  gadgets.add(gadget('b', 'succeed'));
  supervisor.startReconciling();
  const queued = queue.enqueued.length;
  queue.connectionChanged?.(false);
  assert.equal((await metrics.redisConnected.get()).values[0]?.value, 0);
  queue.connectionChanged?.(true);
  assert.equal((await metrics.redisConnected.get()).values[0]?.value, 1);
  assert.deepEqual(
    queue.enqueued.slice(queued).map((queued) => queued.key),
    ['n/a', 'n/b'],
  );
});

test('stop(): no more reconciles, the caches stopped and every actor with them', async (t) => {
  const { supervisor, caches, gadgets, queue } = await startedSupervisor(t);
  gadgets.add(gadget('a', 'succeed'));
  supervisor.startReconciling();
  await queue.run(request('a'));
  // Settled, it rests; woken, it runs until stopped.
  const { actor } = supervisor.registry.ensure('Gadget', gadget('a', 'succeed'));

  await supervisor.stop();
  assert.deepEqual(queue.stops, ['shutting down']);
  assert.equal(caches.running, false);
  assert.deepEqual(
    supervisor.registry.entries().map((entry) => entry.key),
    [],
  );
  assert.equal(actor.getSnapshot().status, 'stopped');
});

test('a resync of thousands is enqueued a slice at a time, so what else happens gets through', async (t) => {
  const { supervisor, gadgets, queue } = await startedSupervisor(t);
  const count = 5 * resyncSlice + 7;
  for (let i = 0; i < count; i++) gadgets.add(gadget(`g${i}`, 'succeed'));
  const released = Promise.withResolvers<void>();
  queue.held = released.promise;
  supervisor.startReconciling();
  await waitFor('the first slice', async () => (queue.enqueued.length > 0 ? true : undefined));
  assert.equal(queue.enqueued.length, resyncSlice, 'no more than a slice waits on the queue');
  released.resolve();
  await waitFor(`all ${count} enqueued`, async () => (queue.enqueued.length === count ? true : undefined));
  assert.equal(queue.mostWaiting, resyncSlice);
  assert.ok(queue.enqueued.every((queued) => queued.background === true));
});
