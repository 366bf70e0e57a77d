// Real services: kube-apiserver (with kwok), Redis; the operator as a separate process running Kafka
// clusters, with retries two minutes apart and no periodic resync. A KafkaTopic and a KafkaUser that wait
// for their Kafka go on as soon as it turns Ready, not at their next retry.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kafka } from '../../src/api/kafka.ts';
import { kafkaNodePoolType, kafkaType } from '../../src/api/resources.ts';
import { kafkaUserClient } from '../support/kafka-users.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('waiting');
const { custom, namespace } = fixture;
const topics = fixture.kafkaTopics;
const users = kafkaUserClient(custom, fixture.core, namespace);
const retryMs = 120_000;
let operator: OperatorProcess;

before(async () => {
  operator = startOperatorProcess('waiting', {
    ...fixture.env,
    RUN_KAFKA_CLUSTERS: 'true',
    RESYNC_INTERVAL_MS: '3600000',
    RECONCILE_RETRY_INITIAL_MS: String(retryMs),
  });
  await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await fixture.cleanup();
});

type WithConditions = { status?: { conditions?: { type: string; reason?: string }[] } };

const readyReason = (resource: WithConditions) =>
  resource.status?.conditions?.find((condition) => condition.type === 'Ready')?.reason;

const readKafka = async () =>
  (await custom.getNamespacedCustomObject({
    group: kafkaType.group,
    version: kafkaType.version,
    plural: kafkaType.plural,
    namespace,
    name: 'late',
  })) as Kafka;

test('a KafkaTopic and a KafkaUser waiting for their Kafka go on as soon as it is Ready, long before their next retry', async () => {
  // Without its KafkaNodePool the Kafka cannot become Ready: the topic and the user wait for it.
  await custom.createNamespacedCustomObject({
    group: kafkaType.group,
    version: kafkaType.version,
    plural: kafkaType.plural,
    namespace,
    body: {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'Kafka',
      metadata: { name: 'late' },
      spec: {
        kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] },
        entityOperator: { topicOperator: {}, userOperator: {} },
      },
    },
  });
  await waitFor('the operator to see the Kafka', async () =>
    (await readKafka()).status?.conditions?.some((condition) => condition.type === 'NotReady')
      ? true
      : undefined,
  );
  await topics.create('orders', topics.oneReplicaSpec('orders'), { cluster: 'late' });
  await users.create('alice', { authentication: { type: 'scram-sha-512' } }, 'late');
  await topics.waitUntil('orders', 'to wait for its Kafka', (topic) =>
    readyReason(topic) === 'KafkaClusterNotReady' ? true : undefined,
  );
  await users.waitUntil('alice', 'to wait for its Kafka', (user) =>
    readyReason(user) === 'KafkaClusterNotReady' ? true : undefined,
  );

  await custom.createNamespacedCustomObject({
    group: kafkaNodePoolType.group,
    version: kafkaNodePoolType.version,
    plural: kafkaNodePoolType.plural,
    namespace,
    body: {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaNodePool',
      metadata: { name: 'dual-role', labels: { 'strimzi.io/cluster': 'late' } },
      spec: { replicas: 1, roles: ['controller', 'broker'], storage: { type: 'ephemeral' } },
    },
  });
  // A Kafka not Ready yet throws its conditions, so that a timeout says where it stopped.
  await waitFor(
    'the Kafka to be Ready',
    async () => {
      const conditions = (await readKafka()).status?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Ready' && c.status === 'True')) return true;
      throw new Error(`its conditions: ${JSON.stringify(conditions)}`);
    },
    120_000,
    250,
  );
  const readyAt = Date.now();
  // kwok runs no broker, so each then fails on the connection: what counts is that it tried at once.
  await topics.waitUntil(
    'orders',
    'to stop waiting for its Kafka',
    (topic) => (readyReason(topic) !== 'KafkaClusterNotReady' ? true : undefined),
    retryMs / 2,
  );
  await users.waitUntil(
    'alice',
    'to stop waiting for its Kafka',
    (user) => (readyReason(user) !== 'KafkaClusterNotReady' ? true : undefined),
    retryMs / 2,
  );
  assert.ok(Date.now() - readyAt < retryMs / 2, 'both went on well before their retry');
});
