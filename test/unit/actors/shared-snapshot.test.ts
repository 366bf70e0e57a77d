import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedSnapshot } from '../../../src/actors/kafka/shared-snapshot.ts';

// A describe-all whose answers the test releases one by one, on a clock the test moves.
function broker(costFactor = 0) {
  const describes: Array<{ answer: (value: Set<string>) => void; fail: (error: Error) => void }> = [];
  let clock = 0;
  const snapshot = new SharedSnapshot<Set<string>>(
    () =>
      new Promise((answer, fail) => {
        describes.push({ answer, fail });
      }),
    { maxAgeMs: 1000, costFactor, now: () => clock },
  );
  const answer = (index: number, ...entries: string[]) => describes[index]?.answer(new Set(entries));
  return {
    snapshot,
    describes,
    answer,
    at: (ms: number) => {
      clock = ms;
    },
  };
}

test('concurrent readers share one describe, and readers within the age bound get its answer without another', async () => {
  const { snapshot, describes, answer, at } = broker();
  const first = [snapshot.read(), snapshot.read(), snapshot.read()];
  assert.equal(describes.length, 1);
  answer(0, 'alice');
  for (const read of await Promise.all(first)) assert.deepEqual([...read], ['alice']);
  at(1000);
  assert.deepEqual([...(await snapshot.read())], ['alice']);
  assert.equal(describes.length, 1);
});

test('a reader after the age bound (counted from when the describe was sent) gets a new describe', async () => {
  const { snapshot, describes, answer, at } = broker();
  at(100);
  const first = snapshot.read();
  at(900);
  answer(0, 'alice');
  await first;
  at(1101);
  const second = snapshot.read();
  assert.equal(describes.length, 2);
  answer(1, 'bob');
  assert.deepEqual([...(await second)], ['bob']);
});

test("the admin's own confirmed writes show in the snapshot at once, also when the describe was in flight", async () => {
  const { snapshot, answer } = broker();
  const inFlight = snapshot.read();
  snapshot.written((value) => value.add('carol'));
  answer(0, 'alice');
  assert.deepEqual([...(await inFlight)].sort(), ['alice', 'carol']);
  snapshot.written((value) => value.delete('alice'));
  assert.deepEqual([...(await snapshot.read())], ['carol']);
});

test('after a write whose outcome is unknown, the next reader describes again', async () => {
  const { snapshot, describes, answer } = broker();
  const first = snapshot.read();
  answer(0, 'alice');
  await first;
  snapshot.invalidate();
  const second = snapshot.read();
  assert.equal(describes.length, 2);
  answer(1, 'alice', 'dave');
  assert.deepEqual([...(await second)], ['alice', 'dave']);
});

test('a failed describe fails its readers, and the next reader describes again', async () => {
  const { snapshot, describes, answer } = broker();
  const failed = [snapshot.read(), snapshot.read()];
  describes[0]?.fail(new Error('broker down'));
  for (const read of failed) await assert.rejects(read, /broker down/);
  const retried = snapshot.read();
  assert.equal(describes.length, 2);
  answer(1, 'alice');
  assert.deepEqual([...(await retried)], ['alice']);
});

test("a describe sent just after the admin's own write gets it replayed (the broker may not have it yet), an older write not", async () => {
  const { snapshot, answer, at } = broker();
  snapshot.written((value) => value.add('erin'));
  at(10);
  const soon = snapshot.read();
  answer(0, 'alice');
  assert.deepEqual([...(await soon)].sort(), ['alice', 'erin']);
  at(1011);
  const later = snapshot.read();
  answer(1, 'alice');
  assert.deepEqual([...(await later)], ['alice'], 'a write older than the bound is what the broker says');
});

test('a describe that took long serves readers for costFactor times its duration, a quick one for the age bound', async () => {
  const { snapshot, describes, answer, at } = broker(20);
  const slow = snapshot.read();
  at(200);
  answer(0, 'alice');
  await slow;
  at(4000);
  assert.deepEqual([...(await snapshot.read())], ['alice']);
  assert.equal(describes.length, 1);
  at(4001);
  const quick = snapshot.read();
  assert.equal(describes.length, 2);
  at(4011);
  answer(1, 'bob');
  await quick;
  at(5001);
  await snapshot.read();
  assert.equal(describes.length, 2);
  at(5002);
  void snapshot.read();
  assert.equal(describes.length, 3);
});
