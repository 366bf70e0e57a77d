import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryLedger } from '../../../src/supervisor/retry-ledger.ts';

function ledgerAt(start = 0) {
  const clock = { time: start };
  // No jitter: random() = 1 gives the full delay.
  const ledger = new RetryLedger(
    { initialMs: 1_000, maxMs: 8_000 },
    { now: () => clock.time, random: () => 1 },
  );
  return { ledger, clock };
}

test('failures of one generation double the wait up to the cap', () => {
  const { ledger } = ledgerAt();
  assert.deepEqual(
    Array.from({ length: 6 }, () => ledger.failed('KafkaTopic/a/t', 1)),
    [1_000, 2_000, 4_000, 8_000, 8_000, 8_000],
  );
});

test('a resync waits out what is left of the back-off; nothing is left once it has passed', () => {
  const { ledger, clock } = ledgerAt(10_000);
  ledger.failed('KafkaTopic/a/t', 3);
  ledger.failed('KafkaTopic/a/t', 3);
  clock.time += 500;
  assert.equal(ledger.remainingMs('KafkaTopic/a/t', 3), 1_500);
  clock.time += 2_000;
  assert.equal(ledger.remainingMs('KafkaTopic/a/t', 3), 0);
  assert.equal(
    ledger.remainingMs('KafkaTopic/a/other', 3),
    0,
    'a resource that never failed waits for nothing',
  );
});

test('a new generation is tried at once and starts its own back-off from the first step', () => {
  const { ledger } = ledgerAt();
  for (let i = 0; i < 4; i++) ledger.failed('KafkaUser/a/u', 1);
  assert.equal(ledger.remainingMs('KafkaUser/a/u', 2), 0);
  assert.equal(ledger.failed('KafkaUser/a/u', 2), 1_000);
});

test('a settled reconcile forgets the back-off', () => {
  const { ledger } = ledgerAt();
  ledger.failed('Kafka/a/k', 1);
  ledger.failed('Kafka/a/k', 1);
  ledger.forget('Kafka/a/k');
  assert.equal(ledger.remainingMs('Kafka/a/k', 1), 0);
  assert.equal(ledger.failed('Kafka/a/k', 1), 1_000);
});

test('a retry waits while its back-off runs, whatever the generation a change brings', () => {
  const { ledger, clock } = ledgerAt();
  assert.equal(ledger.waiting('KafkaTopic/a/t'), false);
  ledger.failed('KafkaTopic/a/t', 1);
  assert.equal(ledger.waiting('KafkaTopic/a/t'), true);
  clock.time += 1_000;
  assert.equal(ledger.waiting('KafkaTopic/a/t'), false, 'the back-off has passed');
});

test('a reconcile that waits for the world is looked at again after its delay, and a failure after it starts a fresh back-off', () => {
  const { ledger, clock } = ledgerAt();
  ledger.failed('Kafka/a/k', 1);
  ledger.failed('Kafka/a/k', 1);
  ledger.waits('Kafka/a/k', 1, 10_000);
  assert.equal(ledger.remainingMs('Kafka/a/k', 1), 10_000);
  assert.equal(ledger.waiting('Kafka/a/k'), true, 'a watch event cuts the wait short');
  clock.time += 10_000;
  assert.equal(ledger.waiting('Kafka/a/k'), false);
  assert.equal(ledger.failed('Kafka/a/k', 1), 1_000, 'the first step of a back-off');
});
