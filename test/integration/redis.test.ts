// Real services: Redis (Debian's redis-server).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { redisEnvironment } from '../support/environment.ts';

const { url } = redisEnvironment();

test('a bullmq job round-trips through the real Redis', async (t) => {
  const queueName = `roundtrip-${randomUUID()}`;
  // bullmq owns connections made from options and closes them with the queue, worker or events.
  const connection = { url, maxRetriesPerRequest: null };
  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  const worker = new Worker(queueName, async (job) => ({ echoed: job.data.word, by: 'worker' }), {
    connection,
  });
  t.after(() => Promise.all([worker.close(), events.close(), queue.close()]));
  await events.waitUntilReady();

  const job = await queue.add('echo', { word: 'kafka' });
  const result = await job.waitUntilFinished(events, 10_000);

  assert.deepEqual(result, { echoed: 'kafka', by: 'worker' });
  assert.equal(await job.getState(), 'completed');
});
