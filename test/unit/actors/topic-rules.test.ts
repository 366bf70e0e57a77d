import assert from 'node:assert/strict';
import { test } from 'node:test';
import { managingTopic } from '../../../src/actors/topic/topic-effects.ts';
import { buildTopicStatus } from '../../../src/actors/topic/topic-status.ts';
import type { KafkaTopic } from '../../../src/api/kafka-topic.ts';

function topic(
  name: string,
  created: string,
  extra: Partial<KafkaTopic['metadata']> = {},
  topicName = 'shared',
) {
  return {
    metadata: {
      name,
      namespace: 'ns',
      uid: name,
      creationTimestamp: created,
      labels: { 'strimzi.io/cluster': 'c' },
      ...extra,
    },
    spec: { topicName },
  } as unknown as KafkaTopic;
}

test('of KafkaTopics naming one Kafka topic the oldest manages it, ignoring ones being deleted or unmanaged', () => {
  const oldest = topic('a', '2026-01-01T00:00:00Z');
  const newer = topic('b', '2026-01-02T00:00:00Z');
  const deleting = topic('c', '2025-01-01T00:00:00Z', { deletionTimestamp: new Date() });
  const unmanaged = topic('d', '2025-01-01T00:00:00Z', { annotations: { 'strimzi.io/managed': 'false' } });
  const otherCluster = topic('e', '2024-01-01T00:00:00Z', { labels: { 'strimzi.io/cluster': 'other' } });
  const otherName = topic('f', '2024-01-01T00:00:00Z', {}, 'different');
  const all = [oldest, newer, deleting, unmanaged, otherCluster, otherName];
  assert.equal(managingTopic(newer, all), oldest);
  assert.equal(managingTopic(oldest, all), oldest);
});

test('creation times compare as times, whether the cache holds them as text or as dates', () => {
  const monday = topic('a', '2026-12-07T00:00:00Z');
  const sunday = topic('b', '2026-12-06T00:00:00Z');
  const asDate = (resource: KafkaTopic) =>
    ({
      ...resource,
      metadata: {
        ...resource.metadata,
        creationTimestamp: new Date(String(resource.metadata?.creationTimestamp)),
      },
    }) as KafkaTopic;
  assert.equal(managingTopic(monday, [monday, sunday]), sunday);
  assert.equal(managingTopic(asDate(monday), [asDate(monday), asDate(sunday)]).metadata?.name, 'b');
});

test('of KafkaTopics created in the same second, the one already managing the topic keeps it', () => {
  const managing = {
    ...topic('z', '2026-01-01T00:00:00Z', { namespace: 'ns-z' }),
    status: { topicId: 'id' },
  } as KafkaTopic;
  const newcomer = topic('a', '2026-01-01T00:00:00Z', { namespace: 'ns-a' });
  assert.equal(managingTopic(newcomer, [managing, newcomer]), managing);
  assert.equal(managingTopic(managing, [managing, newcomer]), managing);
});

test('the Ready condition keeps its transition time while its status holds, and failures carry reason and message', () => {
  const resource = {
    metadata: { generation: 3 },
    status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  } as unknown as KafkaTopic;
  const now = new Date('2026-02-02T00:00:00Z');
  const ready = buildTopicStatus(
    'ready',
    { key: 'ns/t', consecutiveFailures: 0, topicId: 'id', topicName: 't' },
    resource,
    now,
  );
  assert.deepEqual(ready?.conditions, [
    { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
  ]);
  assert.equal(ready?.observedGeneration, 3);
  const failed = buildTopicStatus(
    'failed',
    {
      key: 'ns/t',
      consecutiveFailures: 1,
      reconciledGeneration: 3,
      lastError: { reason: 'NotSupported', message: 'no', retryable: false },
    },
    resource,
    now,
  );
  assert.deepEqual(failed?.conditions, [
    {
      type: 'Ready',
      status: 'False',
      reason: 'NotSupported',
      message: 'no',
      lastTransitionTime: '2026-02-02T00:00:00Z',
    },
  ]);
  assert.equal(
    buildTopicStatus('reconciling', { key: 'ns/t', consecutiveFailures: 0 }, resource, now),
    undefined,
  );
});
