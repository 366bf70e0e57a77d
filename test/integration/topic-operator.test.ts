// Real services: kube-apiserver, Kafka (one broker; a three-node cluster; a broker that refuses
// deletion), Redis; the operator as a separate process.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CoreV1Event } from '@kubernetes/client-node';
import { Admin, ConfigResourceTypes, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';
import { kafkaTopicId } from '../../src/actors/kafka/topic-id.ts';
import { fixturesDirectory } from '../support/cluster-fixtures.ts';
import { kafkaClusterEnvironment, kafkaNoDeleteEnvironment } from '../support/environment.ts';
import { assertTopicFilesBecomeReady } from '../support/example-resources.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const threeNodes = kafkaClusterEnvironment();
const noDelete = kafkaNoDeleteEnvironment();
const fixture = await operatorFixture('topic-operator', {
  'my-cluster': threeNodes.bootstrapSasl,
  'no-delete': noDelete.bootstrapSasl,
});
const topics = fixture.kafkaTopics;
const topicFixtures = join(fixturesDirectory, 'topics');
const namespace = fixture.namespace;
const admin = new Admin({ clientId: 'test-observer', bootstrapBrokers: [fixture.kafka.bootstrap] });
let operator: OperatorProcess;

before(async () => {
  operator = startOperatorProcess('topic-operator', { ...fixture.env, RESYNC_INTERVAL_MS: '2000' });
  await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await admin.close();
  await fixture.cleanup();
});

const unique = (name: string) => `${name}-${namespace}`;

async function topicConfig(
  topicName: string,
  client = admin,
): Promise<Record<string, string | null | undefined>> {
  const [described] = await client.describeConfigs({
    resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topicName }],
  });
  return Object.fromEntries(
    (described?.configs ?? []).filter((c) => c.configSource === 1).map((c) => [c.name, c.value]),
  );
}

// The first Event with this reason on the KafkaTopic, once there is one.
function eventOf(name: string, reason: string): Promise<CoreV1Event> {
  return waitFor(`a ${reason} Event on KafkaTopic ${name}`, async () => {
    const list = await fixture.core.listNamespacedEvent({
      namespace,
      fieldSelector: `involvedObject.name=${name}`,
    });
    return list.items.find((e) => e.reason === reason);
  });
}

async function partitionsOf(topicName: string): Promise<number | undefined> {
  return (await admin.metadata({ topics: [topicName], forceUpdate: true })).topics.get(topicName)
    ?.partitionsCount;
}

test('an existing Kafka topic is adopted: same topic id, its configs made exactly the spec', async () => {
  const topicName = unique('legacy');
  const [existing] = await admin.createTopics({
    topics: [topicName],
    partitions: 2,
    replicas: 1,
    configs: [
      { name: 'retention.ms', value: '1000000' },
      { name: 'max.message.bytes', value: '2000000' },
    ],
  });
  await topics.create('legacy', { topicName, partitions: 2, config: { 'retention.ms': 3_600_000 } });
  const { topic, ready } = await topics.waitSettled('legacy');
  assert.equal(ready.status, 'True');
  assert.equal(topic.status?.topicId, kafkaTopicId(existing?.id ?? ''));
  assert.deepEqual(await topicConfig(topicName), { 'retention.ms': '3600000' });
  const adopted = await eventOf('legacy', 'TopicAdopted');
  assert.equal(
    adopted.message,
    `Adopted the existing Kafka topic ${topicName} (id ${topic.status?.topicId}): set retention.ms=3600000; ` +
      'reset to the broker default max.message.bytes',
  );
});

test("Kafka's internal topics are refused before anything is written: InternalTopic, no finalizer, the topic as it was", async () => {
  // Looking up a group's coordinator makes Kafka create __consumer_offsets: there is one to protect.
  await waitFor('Kafka to have __consumer_offsets', async () => {
    await admin.findCoordinator({ keyType: 0, keys: [unique('group')] }).catch(() => undefined);
    return (await admin.listTopics({ includeInternals: true })).includes('__consumer_offsets')
      ? true
      : undefined;
  });
  const configBefore = await topicConfig('__consumer_offsets');
  const partitionsBefore = await partitionsOf('__consumer_offsets');
  await topics.create('offsets', {
    topicName: '__consumer_offsets',
    partitions: (partitionsBefore ?? 1) + 1,
    config: { 'retention.ms': 1_000 },
  });
  // Kafka has not made this one (no transactions ran): it is refused all the same, and not created.
  await topics.create('transactions', { topicName: '__transaction_state', partitions: 1 });
  for (const [name, topicName] of [
    ['offsets', '__consumer_offsets'],
    ['transactions', '__transaction_state'],
  ] as const) {
    const { topic, ready } = await topics.waitSettled(name);
    assert.equal(ready.status, 'False', name);
    assert.equal(ready.reason, 'InternalTopic', name);
    assert.match(ready.message ?? '', new RegExp(`${topicName} is an internal topic of Kafka`));
    assert.equal(topic.metadata?.finalizers, undefined, name);
  }
  assert.deepEqual(await topicConfig('__consumer_offsets'), configBefore);
  assert.equal(await partitionsOf('__consumer_offsets'), partitionsBefore);
  assert.equal((await admin.listTopics({ includeInternals: true })).includes('__transaction_state'), false);
});

test('an out-of-band config change is reverted on the next reconcile, and a key removed from the spec is removed from the topic', async () => {
  const topicName = unique('guarded');
  await topics.create('guarded', {
    topicName,
    partitions: 1,
    config: { 'retention.ms': 600_000, 'cleanup.policy': 'compact' },
  });
  await topics.waitSettled('guarded');
  await admin.incrementalAlterConfigs({
    resources: [
      {
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: topicName,
        configs: [
          { name: 'retention.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '1' },
          { name: 'segment.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '123456' },
        ],
      },
    ],
  });
  await waitFor('the periodic resync to revert the change', async () => {
    const config = await topicConfig(topicName);
    return config['retention.ms'] === '600000' && config['segment.ms'] === undefined ? true : undefined;
  });

  await topics.patch('guarded', { spec: { config: { 'cleanup.policy': null } } });
  await waitFor('cleanup.policy to be removed from the topic', async () => {
    const config = await topicConfig(topicName);
    return config['cleanup.policy'] === undefined && config['retention.ms'] === '600000' ? true : undefined;
  });
});

test('partitions grow; a decrease is refused with NotSupported and leaves the topic as it was', async () => {
  const topicName = unique('growing');
  await topics.create('growing', { topicName, partitions: 1, replicas: 1 });
  await topics.waitSettled('growing');
  await topics.patch('growing', { spec: { partitions: 3 } });
  await waitFor('the topic to have 3 partitions', async () =>
    (await partitionsOf(topicName)) === 3 ? true : undefined,
  );
  assert.equal((await topics.waitSettled('growing')).ready.status, 'True');

  await topics.patch('growing', { spec: { partitions: 2, config: { 'retention.ms': 5_000 } } });
  const { ready } = await waitFor('the decrease to be refused', async () => {
    const settled = await topics.waitSettled('growing');
    return settled.ready.status === 'False' ? settled : undefined;
  });
  assert.equal(ready.reason, 'NotSupported');
  assert.match(
    ready.message ?? '',
    /Decreasing partitions not supported.*3 partitions.*spec\.partitions to 3 or more/,
  );
  assert.equal(await partitionsOf(topicName), 3);
  assert.equal((await topicConfig(topicName))['retention.ms'], undefined, 'nothing else was changed either');
});

test('a replication factor change is refused with NotSupported and the topic keeps its replicas', async () => {
  const topicName = unique('steady');
  await topics.create('steady', { topicName, partitions: 1, replicas: 1 });
  await topics.waitSettled('steady');
  await topics.patch('steady', { spec: { replicas: 3 } });
  const { ready } = await waitFor('the change to be refused', async () => {
    const settled = await topics.waitSettled('steady');
    return settled.ready.status === 'False' ? settled : undefined;
  });
  assert.equal(ready.reason, 'NotSupported');
  assert.match(ready.message ?? '', /replication factor.*1 replicas.*spec\.replicas back to 1/);
  const metadata = await admin.metadata({ topics: [topicName], forceUpdate: true });
  assert.equal(metadata.topics.get(topicName)?.partitions[0]?.replicas.length, 1);
});

test('an unknown config key or a value of the wrong type is refused before any Kafka call', async () => {
  const topicName = unique('typo');
  await topics.create('typo', {
    topicName,
    config: { 'retention.msec': 1000, 'min.insync.replicas': 'two', 'cleanup.policy': 'compact,shred' },
  });
  const { ready } = await topics.waitSettled('typo');
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'InvalidConfig');
  assert.match(ready.message ?? '', /cleanup\.policy allows delete, compact, not shred/);
  assert.match(ready.message ?? '', /min\.insync\.replicas must be an integer, not "two"/);
  assert.match(ready.message ?? '', /retention\.msec is not a topic config of Kafka/);
  assert.equal((await admin.listTopics()).includes(topicName), false);
});

test('two KafkaTopics naming one Kafka topic: the older manages it, the newer gets ResourceConflict', async () => {
  const topicName = unique('shared');
  await topics.create('shared-first', { topicName, partitions: 1 });
  assert.equal((await topics.waitSettled('shared-first')).ready.status, 'True');
  await topics.create('shared-second', { topicName, partitions: 1 });
  const { topic, ready } = await topics.waitSettled('shared-second');
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ResourceConflict');
  assert.match(ready.message ?? '', new RegExp(`Managed by KafkaTopic ${namespace}/shared-first`));
  assert.equal(topic.metadata?.finalizers, undefined, 'the newer one holds no finalizer on the topic');
  assert.equal((await topics.waitSettled('shared-first')).ready.status, 'True');
});

test('deleting a KafkaTopic that lost a conflict keeps the Kafka topic, even when it carries the finalizer', async () => {
  const topicName = unique('contested');
  await topics.create('contested-first', { topicName, partitions: 1 });
  const first = await topics.waitReady('contested-first');
  // The finalizer comes with the manifest (as when moved from Strimzi), not from this operator.
  await topics.createFromManifest({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: {
      name: 'contested-second',
      labels: { 'strimzi.io/cluster': 'test-cluster' },
      finalizers: ['strimzi.io/topic-operator'],
    },
    spec: { topicName, partitions: 1 },
  });
  assert.equal((await topics.waitSettled('contested-second')).ready.reason, 'ResourceConflict');
  await topics.delete('contested-second');
  await topics.waitGone('contested-second');
  const kept = await eventOf('contested-second', 'TopicKept');
  assert.match(
    kept.message ?? '',
    new RegExp(`${topicName} kept.*Managed by KafkaTopic ${namespace}/contested-first`),
  );
  // The finalizer came off after the deletion path ran. A reconcile of the manager after that
  // would recreate a deleted topic under a new id: the id it finds is the one it made.
  const changed = await topics.patch('contested-first', { spec: { config: { 'retention.ms': 60_000 } } });
  const after = await topics.waitReady('contested-first', { generation: changed.metadata?.generation });
  assert.equal(after.status?.topicId, first.status?.topicId);
  const metadata = await admin.metadata({ topics: [topicName], forceUpdate: true });
  assert.equal(kafkaTopicId(metadata.topics.get(topicName)?.id ?? ''), first.status?.topicId);
});

test('strimzi.io/managed "false" releases the topic: finalizer removed, and deleting the resource keeps the topic', async () => {
  const topicName = unique('released');
  await topics.create('released', { topicName, partitions: 1 });
  await topics.waitSettled('released');
  await topics.patch('released', { metadata: { annotations: { 'strimzi.io/managed': 'false' } } });
  const { topic, ready } = await waitFor('the topic to be unmanaged', async () => {
    const settled = await topics.waitSettled('released');
    return settled.ready.reason === 'Unmanaged' ? settled : undefined;
  });
  assert.equal(ready.status, 'True');
  assert.equal(topic.metadata?.finalizers, undefined);
  await topics.delete('released');
  await topics.waitGone('released');
  assert.ok((await admin.listTopics()).includes(topicName), 'the Kafka topic is kept');
});

test('when Kafka refuses to delete a topic the finalizer stays and the condition says why', async () => {
  await topics.create('undeletable', { partitions: 1 }, { cluster: 'no-delete' });
  assert.equal((await topics.waitSettled('undeletable')).ready.status, 'True');
  await topics.delete('undeletable');
  const refused = await topics.waitUntil('undeletable', 'to report its deletion as refused', (topic) => {
    const ready = topic.status?.conditions?.find((c) => c.type === 'Ready');
    return ready?.reason === 'TopicDeletionDisabled' ? { topic, ready } : undefined;
  });
  assert.equal(refused.ready.status, 'False');
  assert.match(refused.ready.message ?? '', /delete\.topic\.enable/);
  assert.deepEqual(refused.topic.metadata?.finalizers, ['strimzi.io/topic-operator']);
  // What the message tells users to do when they want to keep the topic: remove the finalizer.
  await topics.patch('undeletable', { metadata: { finalizers: null } });
  await topics.waitGone('undeletable');
});

test("the project's fixture topics apply and become Ready, with their partitions and replicas in Kafka", async () => {
  const observer = new Admin({
    clientId: 'test-observer-3',
    bootstrapBrokers: threeNodes.bootstrap.split(','),
  });
  try {
    await assertTopicFilesBecomeReady(
      topics,
      observer,
      ['single-replica.yaml', 'replicated.yaml', 'named-topic.yaml'].map((file) => join(topicFixtures, file)),
    );
  } finally {
    await observer.close();
  }
});
