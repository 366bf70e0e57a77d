import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kafkaTopicId, sameTopicId } from '../../../src/actors/kafka/topic-id.ts';

// Pairs printed by Kafka's own org.apache.kafka.common.Uuid (toString) and java.util.UUID over
// the same bits.
const printedByKafka = [
  { hex: '4c347e69-8e8a-40c1-b037-722ef3b34d9f', kafka: 'TDR-aY6KQMGwN3Iu87NNnw' },
  { hex: '92e60dd0-5cce-40e5-8553-9734b4fe91a0', kafka: 'kuYN0FzOQOWFU5c0tP6RoA' },
];

test('a topic id reads as Kafka prints it: URL-safe base64 of the 16 bytes, no padding', () => {
  for (const { hex, kafka } of printedByKafka) {
    assert.equal(kafkaTopicId(hex), kafka);
    assert.equal(kafkaTopicId(hex.toUpperCase()), kafka);
  }
});

test('a topic id that is not a hex UUID is refused, naming it', () => {
  assert.throws(
    () => kafkaTopicId('TDR-aY6KQMGwN3Iu87NNnw'),
    /TDR-aY6KQMGwN3Iu87NNnw is not a hyphenated hex UUID/,
  );
});

test('a status id in either form names the same topic; another id or none does not', () => {
  const [first, second] = printedByKafka;
  assert.ok(first && second);
  assert.ok(sameTopicId(first.kafka, first.kafka));
  assert.ok(sameTopicId(first.hex, first.kafka));
  assert.ok(!sameTopicId(second.hex, first.kafka));
  assert.ok(!sameTopicId(second.kafka, first.kafka));
  assert.ok(!sameTopicId(undefined, first.kafka));
});
