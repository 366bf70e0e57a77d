// Real services: three Kafka 4.x KRaft nodes (combined broker+controller) on loopback.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { kafkaClusterEnvironment } from '../support/environment.ts';

const cluster = kafkaClusterEnvironment();
const admin = new Admin({ clientId: 'testenv-cluster', bootstrapBrokers: cluster.bootstrap.split(',') });
after(() => admin.close());

test('the three-node cluster reports three brokers and places a topic with three replicas on all of them', async () => {
  const metadata = await admin.metadata({ topics: [] });
  assert.deepEqual([...metadata.brokers.keys()].sort(), [1, 2, 3]);

  const topic = `replicated-${randomUUID().slice(0, 8)}`;
  const [created] = await admin.createTopics({ topics: [topic], partitions: 2, replicas: 3 });
  assert.equal(created?.replicas, 3);
  const described = await admin.metadata({ topics: [topic], forceUpdate: true });
  const partitions = described.topics.get(topic)?.partitions ?? [];
  assert.equal(partitions.length, 2);
  for (const partition of partitions) assert.deepEqual([...partition.replicas].sort(), [1, 2, 3]);
});
