// Real services: kube-apiserver, Kafka (one broker), Redis; the operator as a separate process
// watching two namespaces whose KafkaTopics name one Kafka cluster.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { kafkaTopicClient } from '../support/kafka-topics.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';

const fixture = await operatorFixture('topic-namespaces');
const secondNamespace = `${fixture.namespace}-b`;
const firstTopics = fixture.kafkaTopics;
const secondTopics = kafkaTopicClient(fixture.custom, secondNamespace);
const admin = new Admin({ clientId: 'test-observer', bootstrapBrokers: [fixture.kafka.bootstrap] });
let operator: OperatorProcess;

before(async () => {
  await fixture.core.createNamespace({ body: { metadata: { name: secondNamespace } } });
  operator = startOperatorProcess('topic-namespaces', {
    ...fixture.env,
    WATCH_NAMESPACES: `${fixture.namespace},${secondNamespace}`,
  });
  await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await admin.close();
  await fixture.core.deleteNamespace({ name: secondNamespace });
  await fixture.cleanup();
});

test('KafkaTopics in two watched namespaces both reach the one Kafka cluster they name', async () => {
  const firstName = `first-${fixture.namespace}`;
  const secondName = `second-${fixture.namespace}`;
  await firstTopics.create('first', { topicName: firstName, partitions: 1, replicas: 1 });
  await secondTopics.create('second', { topicName: secondName, partitions: 2, replicas: 1 });
  assert.equal((await firstTopics.waitSettled('first')).ready.status, 'True');
  assert.equal((await secondTopics.waitSettled('second')).ready.status, 'True');
  const listed = await admin.listTopics();
  assert.ok(listed.includes(firstName), `${firstName} exists in Kafka`);
  assert.ok(listed.includes(secondName), `${secondName} exists in Kafka`);
});

test('a KafkaTopic in another namespace naming a managed topic gets ResourceConflict; the older keeps it', async () => {
  const topicName = `contested-${fixture.namespace}`;
  await firstTopics.create('contested', { topicName, partitions: 1, replicas: 1 });
  assert.equal((await firstTopics.waitSettled('contested')).ready.status, 'True');
  await secondTopics.create('contested', { topicName, partitions: 1, replicas: 1 });
  const { topic, ready } = await secondTopics.waitSettled('contested');
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ResourceConflict');
  assert.match(ready.message ?? '', new RegExp(`Managed by KafkaTopic ${fixture.namespace}/contested`));
  assert.equal(topic.metadata?.finalizers, undefined, 'the newer one holds no finalizer on the topic');
  await secondTopics.delete('contested');
  await secondTopics.waitGone('contested');
  assert.ok((await admin.listTopics()).includes(topicName), 'deleting the refused one keeps the topic');
  assert.equal((await firstTopics.waitSettled('contested')).ready.status, 'True');
});

test('when the KafkaTopic managing a topic is released, the refused one naming it takes over at once, not at the next resync', async () => {
  const topicName = `handed-${fixture.namespace}`;
  await firstTopics.create('handed', { topicName, partitions: 1, replicas: 1 });
  assert.equal((await firstTopics.waitSettled('handed')).ready.status, 'True');
  await secondTopics.create('handed', { topicName, partitions: 1, replicas: 1 });
  assert.equal((await secondTopics.waitSettled('handed')).ready.reason, 'ResourceConflict');
  await firstTopics.patch('handed', { metadata: { annotations: { 'strimzi.io/managed': 'false' } } });
  // The operator resyncs every 120 s: a takeover well within that came from the release itself.
  const successor = await secondTopics.waitReady('handed', { timeoutMs: 30_000 });
  assert.ok(successor.status?.topicId, 'the successor manages the topic Kafka has');
});
