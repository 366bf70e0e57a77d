// Real services: kube-apiserver (CRDs installed), Kafka (SASL/SCRAM listener), Redis; the operator
// runs as a separate process, as users run it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import type { KafkaTopic } from '../../src/api/kafka-topic.ts';
import { kafkaTopicType } from '../../src/api/resources.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('topic-lifecycle');
const topics = {
  group: kafkaTopicType.group,
  version: kafkaTopicType.version,
  plural: kafkaTopicType.plural,
};
const admin = new Admin({ clientId: 'test-observer', bootstrapBrokers: [fixture.kafka.bootstrap] });
let operator: OperatorProcess;

before(async () => {
  operator = startOperatorProcess('topic-lifecycle', fixture.env);
  await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await admin.close();
  await fixture.cleanup();
});

async function readTopic(name: string): Promise<KafkaTopic> {
  return (await fixture.custom.getNamespacedCustomObject({
    ...topics,
    namespace: fixture.namespace,
    name,
  })) as KafkaTopic;
}

test('creating a KafkaTopic creates the Kafka topic and reports Ready with topicId and observedGeneration; deleting it deletes the topic and the finalizer', async () => {
  const topicName = `orders-${fixture.namespace}`;
  await fixture.custom.createNamespacedCustomObject({
    ...topics,
    namespace: fixture.namespace,
    body: {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaTopic',
      metadata: { name: 'orders', labels: { 'strimzi.io/cluster': 'test-cluster' } },
      spec: {
        topicName,
        partitions: 3,
        replicas: 1,
        config: { 'retention.ms': 3_600_000, 'cleanup.policy': 'compact' },
      },
    },
  });

  const ready = await waitFor('the KafkaTopic to be Ready', async () => {
    const topic = await readTopic('orders');
    return topic.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
      ? topic
      : undefined;
  });
  assert.equal(ready.status?.observedGeneration, ready.metadata?.generation);
  assert.equal(ready.status?.topicName, topicName);
  assert.deepEqual(ready.metadata?.finalizers, ['strimzi.io/topic-operator']);

  const metadata = await admin.metadata({ topics: [topicName], forceUpdate: true });
  const inKafka = metadata.topics.get(topicName);
  assert.equal(ready.status?.topicId, inKafka?.id);
  assert.equal(inKafka?.partitionsCount, 3);
  const [configs] = await admin.describeConfigs({
    resources: [{ resourceType: 2, resourceName: topicName }],
  });
  const config = Object.fromEntries((configs?.configs ?? []).map((c) => [c.name, c.value]));
  assert.equal(config['retention.ms'], '3600000');
  assert.equal(config['cleanup.policy'], 'compact');

  await fixture.custom.deleteNamespacedCustomObject({
    ...topics,
    namespace: fixture.namespace,
    name: 'orders',
  });
  await waitFor('the KafkaTopic to be gone', async () =>
    (await readTopic('orders').then(
      () => false,
      () => true,
    ))
      ? true
      : undefined,
  );
  await waitFor('the Kafka topic to be deleted', async () =>
    (await admin.listTopics()).includes(topicName) ? undefined : true,
  );
});
