import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../../../src/supervisor/backoff.ts';

const policy = { initialMs: 500, maxMs: 30_000 };

test('the delay doubles with each attempt from initialMs and stops growing at maxMs', () => {
  const noJitter = () => 1;
  const delays = [1, 2, 3, 4, 7, 8, 20].map((attempt) => backoffDelay(attempt, policy, noJitter));
  assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 30_000, 30_000, 30_000]);
});

test('jitter shortens a delay by at most a fifth, so it never exceeds the cap', () => {
  assert.equal(
    backoffDelay(3, policy, () => 0),
    1_600,
  );
  assert.equal(
    backoffDelay(10, policy, () => 0),
    24_000,
  );
  for (let i = 0; i < 1_000; i++) {
    const delay = backoffDelay(12, policy);
    assert.ok(delay >= 24_000 && delay <= 30_000, `delay ${delay}`);
  }
});

test('jitter spreads the delays of clients that failed together', () => {
  const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4, policy)));
  assert.ok(delays.size > 10, `only ${delays.size} distinct delays`);
});
