// Real services: Redis (Debian's redis-server), through the operator's ReconcileQueue.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { ReconcileQueue, type ReconcileRequest } from '../../src/supervisor/reconcile-queue.ts';
import { redisEnvironment } from '../support/environment.ts';
import { waitFor } from '../support/wait.ts';

const redis = redisEnvironment();
const logger = pino({ level: 'warn' });

// A queue whose one worker holds the reconcile of `blocker` until release(), and records the order
// in which the keys were reconciled.
async function heldQueue(t: { after: (fn: () => Promise<void>) => void }) {
  const prefix = `lanes-${randomUUID()}`;
  const queue = new ReconcileQueue({ redis, prefix, concurrency: 1, coalesceMs: 0, logger });
  // The same bullmq queue, to see the jobs the worker holds too.
  const jobs = new Queue('reconcile', { connection: { url: redis.url }, prefix });
  t.after(() => Promise.all([queue.close(), jobs.close()]).then(() => undefined));
  const reconciled: string[] = [];
  const held = Promise.withResolvers<void>();
  const blockerRunning = Promise.withResolvers<void>();
  queue.startWorker(async ({ key }) => {
    reconciled.push(key);
    if (key === 'blocker' && reconciled.length === 1) {
      blockerRunning.resolve();
      await held.promise;
    }
  });
  const request = (key: string): ReconcileRequest => ({ kind: 'KafkaTopic', key });
  await queue.enqueue(request('blocker'));
  await blockerRunning.promise;
  return {
    queue,
    request,
    reconciled,
    release: () => held.resolve(),
    // Resolves once `count` reconciles have run and no job is left, running or queued.
    ran: (count: number) =>
      waitFor(`${count} reconciles`, async () => {
        const counts = await jobs.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
        const left = Object.values(counts).reduce((sum, n) => sum + n, 0);
        return reconciled.length >= count && left === 0 ? [...reconciled] : undefined;
      }),
  };
}

test('changes overtake a queued resync backlog, a resync job absorbing a change included', async (t) => {
  const { queue, request, release, ran } = await heldQueue(t);
  const backlog = Array.from({ length: 200 }, (_, i) => `resynced-${i}`);
  for (const key of backlog) await queue.enqueue(request(key), { background: true });
  await queue.enqueue(request('edited'));
  // Already queued in the background lane: the change moves its job, and it still runs once.
  await queue.enqueue(request('resynced-150'));
  assert.equal(await queue.depth(), backlog.length + 1, 'one job per resource waits');
  release();

  const order = await ran(1 + backlog.length + 1);
  assert.deepEqual(order.slice(0, 3), ['blocker', 'edited', 'resynced-150']);
  assert.deepEqual(
    order.slice(3),
    backlog.filter((key) => key !== 'resynced-150'),
    'the resync keeps its order and runs each resource once',
  );
});

test("a running resource's follow-up stays in the front lane, and a resync adds none of its own", async (t) => {
  const { queue, request, release, ran } = await heldQueue(t);
  // The change during the reconcile of blocker yields one follow-up; the resync after it, nothing more.
  await queue.enqueue(request('blocker'));
  await queue.enqueue(request('blocker'), { background: true });
  const backlog = Array.from({ length: 50 }, (_, i) => `resynced-${i}`);
  for (const key of backlog) await queue.enqueue(request(key), { background: true });
  release();

  const order = await ran(2 + backlog.length);
  assert.deepEqual(order, ['blocker', 'blocker', ...backlog]);
});

test('a resync of a resource being reconciled adds no follow-up: the running reconcile serves it', async (t) => {
  const { queue, request, release, ran } = await heldQueue(t);
  await queue.enqueue(request('blocker'), { background: true });
  await queue.enqueue(request('other'), { background: true });
  release();

  const order = await ran(2);
  assert.deepEqual(order, ['blocker', 'other']);
});
