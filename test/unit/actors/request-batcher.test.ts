import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestBatcher } from '../../../src/actors/kafka/request-batcher.ts';

test('calls made together go as one request and each caller gets its own result or error', async () => {
  const requests: string[][] = [];
  const batcher = new RequestBatcher<string, number>(
    async (items) => {
      requests.push(items);
      return items.map((item) => (item === 'bad' ? new Error(`no ${item}`) : item.length));
    },
    { maxDelayMs: 5, maxItems: 100 },
  );
  const results = await Promise.allSettled(['a', 'bb', 'bad', 'cccc'].map((item) => batcher.submit(item)));
  assert.deepEqual(requests, [['a', 'bb', 'bad', 'cccc']]);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    [1, 2, 'no bad', 4],
  );
});

test('a full batch goes at once, and a failed request fails every call in it', async () => {
  const sizes: number[] = [];
  const batcher = new RequestBatcher<number, number>(
    async (items) => {
      sizes.push(items.length);
      if (items.includes(99)) throw new Error('broker unreachable');
      return items;
    },
    { maxDelayMs: 1_000, maxItems: 2 },
  );
  const started = Date.now();
  assert.deepEqual(await Promise.all([batcher.submit(1), batcher.submit(2)]), [1, 2]);
  assert.ok(Date.now() - started < 500, 'a full batch does not wait for the delay');
  const failed = await Promise.allSettled([batcher.submit(3), batcher.submit(99)]);
  assert.deepEqual(
    failed.map((r) => r.status === 'rejected' && (r.reason as Error).message),
    ['broker unreachable', 'broker unreachable'],
  );
  assert.deepEqual(sizes, [2, 2]);
});
