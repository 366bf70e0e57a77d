// Real services: kube-apiserver, Kafka (one broker), Redis; the operator as a separate process.
// What Kafka would refuse is refused before it is asked, and what it refuses for a whole request
// fails only the KafkaTopic that caused it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('topic-refusals');
const topics = fixture.kafkaTopics;
const namespace = fixture.namespace;
const admin = new Admin({ clientId: 'test-observer', bootstrapBrokers: [fixture.kafka.bootstrap] });
// Above the 10,000 partitions Kafka's controller creates in one request, so that Kafka gets to
// refuse such a topic itself.
const maxPartitions = 20_000;
let operator: OperatorProcess;

before(async () => {
  operator = startOperatorProcess('topic-refusals', {
    ...fixture.env,
    TOPIC_MAX_PARTITIONS: String(maxPartitions),
  });
  await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await admin.close();
  await fixture.cleanup();
});

const topicNameOf = (name: string) => `${name}-${namespace}`;

async function existsInKafka(name: string): Promise<boolean> {
  return (await admin.listTopics()).includes(topicNameOf(name));
}

// Warning Events say each failure a KafkaTopic went through, also one a later reconcile mended.
async function failuresOf(name: string): Promise<string[]> {
  const list = await fixture.core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return list.items.filter((e) => e.type === 'Warning').map((e) => `${e.reason}: ${e.message}`);
}

test('more partitions than TOPIC_MAX_PARTITIONS are refused with InvalidPartitions before Kafka is asked', async () => {
  await topics.create('too-wide', { topicName: topicNameOf('too-wide'), partitions: maxPartitions + 1 });
  const { topic, ready } = await topics.waitSettled('too-wide');
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'InvalidPartitions');
  assert.match(ready.message ?? '', /spec\.partitions is 20001, more than the 20000 .*TOPIC_MAX_PARTITIONS/);
  assert.equal(topic.metadata?.finalizers, undefined, 'refused before the finalizer goes on');
  assert.equal(await existsInKafka('too-wide'), false);
});

test('more replicas than brokers are refused with InvalidReplicationFactor before Kafka is asked', async () => {
  await topics.create('too-tall', { topicName: topicNameOf('too-tall'), partitions: 1, replicas: 3 });
  const { ready } = await topics.waitSettled('too-tall');
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'InvalidReplicationFactor');
  assert.match(ready.message ?? '', /spec\.replicas is 3, but the Kafka cluster has 1 broker\(s\)/);
  assert.equal(await existsInKafka('too-tall'), false);
});

test('20 good KafkaTopics and 1 that Kafka refuses, created together: 20 Ready, 1 Ready=False with Kafka reason', async () => {
  const good = Array.from({ length: 20 }, (_, index) => `batch-good-${index}`);
  await Promise.all([
    ...good.map((name) => topics.create(name)),
    topics.create('batch-bad', { topicName: topicNameOf('batch-bad'), partitions: 10_001, replicas: 1 }),
  ]);
  for (const name of good) {
    const { ready } = await topics.waitSettled(name);
    assert.equal(ready.status, 'True', `${name}: ${ready.message}`);
    assert.deepEqual(await failuresOf(name), [], `${name} never failed`);
    await waitFor(`${name} to be in Kafka`, async () => ((await existsInKafka(name)) ? true : undefined));
  }
  const { ready } = await topics.waitSettled('batch-bad');
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'PolicyViolation');
  assert.match(ready.message ?? '', /Excessively large number of partitions per request/);
  assert.equal(await existsInKafka('batch-bad'), false);
});

test('growing a topic by more partitions than Kafka adds in one request is refused before Kafka is asked', async () => {
  await topics.create('too-fast');
  await topics.waitReady('too-fast');
  // Kafka would apply the first 10,000 of these and fail the rest, leaving the topic part-grown.
  await topics.patch('too-fast', { spec: { partitions: 10_002 } });
  const { ready } = await waitFor('the growth to be refused', async () => {
    const settled = await topics.waitSettled('too-fast');
    return settled.ready.status === 'False' ? settled : undefined;
  });
  assert.equal(ready.reason, 'InvalidPartitions');
  assert.match(ready.message ?? '', /adds 10001 partitions .* Kafka adds at most 10000 in one request/);
  const metadata = await admin.metadata({ topics: [topicNameOf('too-fast')], forceUpdate: true });
  assert.equal(metadata.topics.get(topicNameOf('too-fast'))?.partitionsCount, 1);
});
