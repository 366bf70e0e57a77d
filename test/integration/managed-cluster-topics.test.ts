// Real services: kube-apiserver (with kwok), Redis; the operator as a separate process running Kafka
// clusters. A KafkaTopic labelled with a Kafka of its namespace belongs to that Kafka, found in the
// operator's informer cache: refused while the Kafka runs no topic operator, and waiting for the Kafka to be
// Ready once it does.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { kafkaType } from '../../src/api/resources.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';

const fixture = await operatorFixture('managed-topics');
const { custom, namespace } = fixture;
const topics = fixture.kafkaTopics;
const kafkaApi = { group: kafkaType.group, version: kafkaType.version, plural: kafkaType.plural };
let operator: OperatorProcess;

before(async () => {
  operator = startOperatorProcess('managed-topics', {
    ...fixture.env,
    RUN_KAFKA_CLUSTERS: 'true',
    RESYNC_INTERVAL_MS: '2000',
  });
  await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await fixture.cleanup();
});

function readyCondition(topic: {
  status?: { conditions?: { type: string; reason?: string; message?: string }[] };
}) {
  return topic.status?.conditions?.find((condition) => condition.type === 'Ready');
}

test('a KafkaTopic of a Kafka without the topic operator is EntityOperatorNotEnabled; turning it on makes the topic wait for the Kafka instead', async () => {
  // No KafkaNodePool: the cluster operator keeps this Kafka NotReady, so the topic keeps waiting for it.
  await custom.createNamespacedCustomObject({
    ...kafkaApi,
    namespace,
    body: {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'Kafka',
      metadata: { name: 'in-house' },
      spec: { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } },
    },
  });
  await topics.create('orders', topics.oneReplicaSpec('orders'), { cluster: 'in-house' });
  const refused = await topics.waitUntil('orders', 'refused for the missing topic operator', (topic) => {
    const ready = readyCondition(topic);
    return ready?.reason === 'EntityOperatorNotEnabled' ? ready : undefined;
  });
  assert.match(refused.message ?? '', /set spec\.entityOperator\.topicOperator/);

  await custom.patchNamespacedCustomObject(
    { ...kafkaApi, namespace, name: 'in-house', body: { spec: { entityOperator: { topicOperator: {} } } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const waiting = await topics.waitUntil('orders', 'waiting for its Kafka', (topic) => {
    const ready = readyCondition(topic);
    return ready?.reason === 'KafkaClusterNotReady' ? ready : undefined;
  });
  assert.match(waiting.message ?? '', new RegExp(`waits for Kafka ${namespace}/in-house to be Ready`));
});
