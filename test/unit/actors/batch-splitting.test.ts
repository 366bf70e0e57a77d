import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  eachAloneAfterWholeFailure,
  inRequestsOfAtMost,
  inUniqueRounds,
} from '../../../src/actors/kafka/batch-splitting.ts';
import { KafkaAdminError, kafkaErrorCodes } from '../../../src/actors/kafka/kafka-admin.ts';

test('a batch goes as requests in which each key appears once, and every call gets its own outcome in order', async () => {
  const requests: string[][] = [];
  const send = inUniqueRounds<string, string>(
    async (calls) => {
      requests.push(calls);
      return calls.map((call) => (call === 'bob:set' ? new Error('refused') : `${call} done`));
    },
    (call) => call.split(':')[0] ?? '',
  );
  const results = await send(['alice:set', 'bob:set', 'alice:delete', 'carol:set', 'alice:set']);
  assert.deepEqual(requests, [['alice:set', 'bob:set', 'carol:set'], ['alice:delete'], ['alice:set']]);
  assert.deepEqual(
    results.map((r) => (r instanceof Error ? r.message : r)),
    ['alice:set done', 'refused', 'alice:delete done', 'carol:set done', 'alice:set done'],
  );
});

test('a batch goes as requests of at most the limit of entries, a larger call alone, outcomes in order', async () => {
  const requests: number[][][] = [];
  const send = inRequestsOfAtMost<number[], number>(
    async (calls) => {
      requests.push(calls);
      return calls.map((call) => call.length);
    },
    (call) => call.length,
    4,
  );
  const calls = [[1, 2], [3, 4], [5], [6, 7, 8, 9, 10], [11]];
  assert.deepEqual(await send(calls), [2, 2, 1, 5, 1]);
  assert.deepEqual(requests, [
    [
      [1, 2],
      [3, 4],
    ],
    [[5]],
    [[6, 7, 8, 9, 10]],
    [[11]],
  ]);
});

test('a request Kafka refuses as a whole goes again call by call, and each call gets its own answer', async () => {
  const requests: string[][] = [];
  const policy = (call: string) =>
    new KafkaAdminError(`${call}: too many partitions in one request`, kafkaErrorCodes.POLICY_VIOLATION);
  const send = eachAloneAfterWholeFailure<string, string>(async (calls) => {
    requests.push(calls);
    if (calls.length > 1 && calls.includes('huge')) return calls.map(policy);
    return calls.map((call) => (call === 'huge' ? policy(call) : `${call} created`));
  });
  const results = await send(['a', 'huge', 'b']);
  assert.deepEqual(requests, [['a', 'huge', 'b'], ['a'], ['huge'], ['b']]);
  assert.deepEqual(
    results.map((r) => (r instanceof Error ? r.message : r)),
    ['a created', 'huge: too many partitions in one request', 'b created'],
  );
});

test('calls that fail each for their own reason, or one call alone, are not sent again', async () => {
  let requests = 0;
  const send = eachAloneAfterWholeFailure<string, string>(async (calls) => {
    requests++;
    return calls.map((call, index) => new KafkaAdminError(`${call} refused`, 40 + index));
  });
  await send(['a', 'b']);
  await send(['c']);
  assert.equal(requests, 2);
});

test('a request that fails as a whole is sent again for each call alone, and each call gets its own answer', async () => {
  const requests: string[][] = [];
  const send = eachAloneAfterWholeFailure<string, string>(async (calls) => {
    requests.push(calls);
    if (calls.includes('bad')) throw new Error(`Kafka could not read the request of ${calls.length}`);
    return calls.map((call) => `${call} done`);
  });
  const results = await send(['alice', 'bad', 'carol']);
  assert.deepEqual(requests, [['alice', 'bad', 'carol'], ['alice'], ['bad'], ['carol']]);
  assert.deepEqual(
    results.map((r) => (r instanceof Error ? r.message : r)),
    ['alice done', 'Kafka could not read the request of 1', 'carol done'],
  );
  await assert.rejects(send(['bad']), /the request of 1/);
  assert.equal(requests.length, 5, 'a call alone is not sent twice');
});
