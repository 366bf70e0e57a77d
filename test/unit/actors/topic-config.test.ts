import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configChanges, kafkaConfigOf, validateTopicConfig } from '../../../src/actors/topic/topic-config.ts';
import type { KafkaTopic } from '../../../src/api/kafka-topic.ts';

test('Strimzi-style config values of every type are accepted', () => {
  assert.deepEqual(
    validateTopicConfig({
      'retention.ms': 7_200_000,
      'segment.bytes': '1073741824',
      'cleanup.policy': 'compact,delete',
      'min.cleanable.dirty.ratio': 0.5,
      preallocate: true,
      'unclean.leader.election.enable': 'false',
      'message.timestamp.type': 'LogAppendTime',
    }),
    [],
  );
});

test('unknown keys, wrong types and values out of range are each named', () => {
  assert.deepEqual(
    validateTopicConfig({
      'retention.msec': 1,
      'segment.bytes': 2 ** 40,
      'min.cleanable.dirty.ratio': 2,
      preallocate: 'yes',
      'compression.type': 'brotli',
      'min.insync.replicas': 0,
    }),
    [
      'compression.type allows uncompressed, zstd, lz4, snappy, gzip, producer, not "brotli"',
      'min.cleanable.dirty.ratio must be between 0 and 1, not 2',
      'min.insync.replicas must be at least 1, not 0',
      'preallocate must be true or false, not "yes"',
      'retention.msec is not a topic config of Kafka',
      'segment.bytes must fit in a 32-bit integer, not 1099511627776',
    ],
  );
});

test('spec config becomes Kafka strings; lists are comma-joined', () => {
  const topic = {
    spec: { config: { 'retention.ms': 1000, preallocate: false, 'cleanup.policy': ['compact', 'delete'] } },
  } as unknown as KafkaTopic;
  assert.deepEqual(kafkaConfigOf(topic), {
    'retention.ms': '1000',
    preallocate: 'false',
    'cleanup.policy': 'compact,delete',
  });
});

test('config changes set what differs and remove what the spec does not name, but keep reassignment throttles', () => {
  assert.deepEqual(
    configChanges(
      { 'retention.ms': '1000', 'cleanup.policy': 'compact,delete' },
      {
        'retention.ms': '5',
        'cleanup.policy': 'compact, delete',
        'segment.ms': '10',
        'leader.replication.throttled.replicas': '0:1',
      },
    ),
    { set: { 'retention.ms': '1000' }, remove: ['segment.ms'] },
  );
  assert.deepEqual(configChanges({ a: '1' }, { a: '1' }), { set: {}, remove: [] });
});
