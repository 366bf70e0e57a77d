// Real services: kube-apiserver, Kafka (one broker; a three-node cluster; a broker that refuses
// deletion), Redis; the operator as a separate process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Admin, ConfigResourceTypes, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';
import { load } from 'js-yaml';
import type { Condition } from '../../src/api/conditions.ts';
import type { KafkaTopic } from '../../src/api/kafka-topic.ts';
import { kafkaTopicType } from '../../src/api/resources.ts';
import { kafkaClusterEnvironment, kafkaNoDeleteEnvironment } from '../support/environment.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const threeNodes = kafkaClusterEnvironment();
const noDelete = kafkaNoDeleteEnvironment();
const fixture = await operatorFixture('topic-operator', {
  'my-cluster': threeNodes.bootstrapSasl,
  'no-delete': noDelete.bootstrapSasl,
});
const topics = {
  group: kafkaTopicType.group,
  version: kafkaTopicType.version,
  plural: kafkaTopicType.plural,
};
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

async function createKafkaTopic(
  name: string,
  spec: object,
  options: { cluster?: string; annotations?: object } = {},
) {
  await fixture.custom.createNamespacedCustomObject({
    ...topics,
    namespace,
    body: {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaTopic',
      metadata: {
        name,
        labels: { 'strimzi.io/cluster': options.cluster ?? 'test-cluster' },
        annotations: options.annotations ?? {},
      },
      spec,
    },
  });
}

async function readTopic(name: string): Promise<KafkaTopic> {
  return (await fixture.custom.getNamespacedCustomObject({ ...topics, namespace, name })) as KafkaTopic;
}

async function patchTopic(name: string, patch: object): Promise<KafkaTopic> {
  return (await fixture.custom.patchNamespacedCustomObject(
    { ...topics, namespace, name, body: patch },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  )) as KafkaTopic;
}

// Waits until the KafkaTopic reports a Ready condition for its current generation, and returns it.
async function settledCondition(
  name: string,
  timeoutMs = 60_000,
): Promise<{ topic: KafkaTopic; ready: Condition }> {
  return waitFor(
    `KafkaTopic ${name} to settle`,
    async () => {
      const topic = await readTopic(name);
      const ready = topic.status?.conditions?.find((c) => c.type === 'Ready');
      return ready && topic.status?.observedGeneration === topic.metadata?.generation
        ? { topic, ready }
        : undefined;
    },
    timeoutMs,
  );
}

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
  await createKafkaTopic('legacy', { topicName, partitions: 2, config: { 'retention.ms': 3_600_000 } });
  const { topic, ready } = await settledCondition('legacy');
  assert.equal(ready.status, 'True');
  assert.equal(topic.status?.topicId, existing?.id);
  assert.deepEqual(await topicConfig(topicName), { 'retention.ms': '3600000' });
});

test('an out-of-band config change is reverted on the next reconcile, and a key removed from the spec is removed from the topic', async () => {
  const topicName = unique('guarded');
  await createKafkaTopic('guarded', {
    topicName,
    partitions: 1,
    config: { 'retention.ms': 600_000, 'cleanup.policy': 'compact' },
  });
  await settledCondition('guarded');
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

  await patchTopic('guarded', { spec: { config: { 'cleanup.policy': null } } });
  await waitFor('cleanup.policy to be removed from the topic', async () => {
    const config = await topicConfig(topicName);
    return config['cleanup.policy'] === undefined && config['retention.ms'] === '600000' ? true : undefined;
  });
});

test('partitions grow; a decrease is refused with NotSupported and leaves the topic as it was', async () => {
  const topicName = unique('growing');
  await createKafkaTopic('growing', { topicName, partitions: 1, replicas: 1 });
  await settledCondition('growing');
  await patchTopic('growing', { spec: { partitions: 3 } });
  await waitFor('the topic to have 3 partitions', async () =>
    (await partitionsOf(topicName)) === 3 ? true : undefined,
  );
  assert.equal((await settledCondition('growing')).ready.status, 'True');

  await patchTopic('growing', { spec: { partitions: 2, config: { 'retention.ms': 5_000 } } });
  const { ready } = await waitFor('the decrease to be refused', async () => {
    const settled = await settledCondition('growing');
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
  await createKafkaTopic('steady', { topicName, partitions: 1, replicas: 1 });
  await settledCondition('steady');
  await patchTopic('steady', { spec: { replicas: 3 } });
  const { ready } = await waitFor('the change to be refused', async () => {
    const settled = await settledCondition('steady');
    return settled.ready.status === 'False' ? settled : undefined;
  });
  assert.equal(ready.reason, 'NotSupported');
  assert.match(ready.message ?? '', /replication factor.*1 replicas.*spec\.replicas back to 1/);
  const metadata = await admin.metadata({ topics: [topicName], forceUpdate: true });
  assert.equal(metadata.topics.get(topicName)?.partitions[0]?.replicas.length, 1);
});

test('an unknown config key or a value of the wrong type is refused before any Kafka call', async () => {
  const topicName = unique('typo');
  await createKafkaTopic('typo', {
    topicName,
    config: { 'retention.msec': 1000, 'min.insync.replicas': 'two', 'cleanup.policy': 'compact,shred' },
  });
  const { ready } = await settledCondition('typo');
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'InvalidConfig');
  assert.match(ready.message ?? '', /cleanup\.policy allows delete, compact, not shred/);
  assert.match(ready.message ?? '', /min\.insync\.replicas must be an integer, not "two"/);
  assert.match(ready.message ?? '', /retention\.msec is not a topic config of Kafka/);
  assert.equal((await admin.listTopics()).includes(topicName), false);
});

test('two KafkaTopics naming one Kafka topic: the older manages it, the newer gets ResourceConflict', async () => {
  const topicName = unique('shared');
  await createKafkaTopic('shared-first', { topicName, partitions: 1 });
  assert.equal((await settledCondition('shared-first')).ready.status, 'True');
  await createKafkaTopic('shared-second', { topicName, partitions: 1 });
  const { topic, ready } = await settledCondition('shared-second');
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ResourceConflict');
  assert.match(ready.message ?? '', new RegExp(`Managed by KafkaTopic ${namespace}/shared-first`));
  assert.equal(topic.metadata?.finalizers, undefined, 'the newer one holds no finalizer on the topic');
  assert.equal((await settledCondition('shared-first')).ready.status, 'True');
});

test('strimzi.io/managed "false" releases the topic: finalizer removed, and deleting the resource keeps the topic', async () => {
  const topicName = unique('released');
  await createKafkaTopic('released', { topicName, partitions: 1 });
  await settledCondition('released');
  await patchTopic('released', { metadata: { annotations: { 'strimzi.io/managed': 'false' } } });
  const { topic, ready } = await waitFor('the topic to be unmanaged', async () => {
    const settled = await settledCondition('released');
    return settled.ready.reason === 'Unmanaged' ? settled : undefined;
  });
  assert.equal(ready.status, 'True');
  assert.equal(topic.metadata?.finalizers, undefined);
  await fixture.custom.deleteNamespacedCustomObject({ ...topics, namespace, name: 'released' });
  await waitFor('the KafkaTopic to be gone', () =>
    readTopic('released').then(
      () => undefined,
      () => true,
    ),
  );
  assert.ok((await admin.listTopics()).includes(topicName), 'the Kafka topic is kept');
});

test('when Kafka refuses to delete a topic the finalizer stays and the condition says why', async () => {
  await createKafkaTopic('undeletable', { partitions: 1 }, { cluster: 'no-delete' });
  assert.equal((await settledCondition('undeletable')).ready.status, 'True');
  await fixture.custom.deleteNamespacedCustomObject({ ...topics, namespace, name: 'undeletable' });
  const refused = await waitFor('the deletion to be reported as refused', async () => {
    const topic = await readTopic('undeletable');
    const ready = topic.status?.conditions?.find((c) => c.type === 'Ready');
    return ready?.reason === 'TopicDeletionDisabled' ? { topic, ready } : undefined;
  });
  assert.equal(refused.ready.status, 'False');
  assert.match(refused.ready.message ?? '', /delete\.topic\.enable/);
  assert.deepEqual(refused.topic.metadata?.finalizers, ['strimzi.io/topic-operator']);
  // What the message tells users to do when they want to keep the topic: remove the finalizer.
  await patchTopic('undeletable', { metadata: { finalizers: null } });
  await waitFor('the KafkaTopic to be gone', () =>
    readTopic('undeletable').then(
      () => undefined,
      () => true,
    ),
  );
});

test("Strimzi's example topics apply and become Ready", async () => {
  const examples = join(import.meta.dirname, '../../../shared/fixtures/strimzi-1.2-examples');
  const observer = new Admin({
    clientId: 'test-observer-3',
    bootstrapBrokers: threeNodes.bootstrap.split(','),
  });
  try {
    for (const file of [
      'topic/kafka-topic.yaml',
      'security/scram-sha-512-auth/topic.yaml',
      'security/tls-auth/topic.yaml',
    ]) {
      const manifest = load(readFileSync(join(examples, file), 'utf8')) as KafkaTopic;
      await fixture.custom.createNamespacedCustomObject({ ...topics, namespace, body: manifest });
      const { topic, ready } = await settledCondition('my-topic');
      assert.equal(ready.status, 'True', `${file}: ${ready.message}`);
      const described = await observer.metadata({ topics: ['my-topic'], forceUpdate: true });
      const inKafka = described.topics.get('my-topic');
      assert.equal(inKafka?.id, topic.status?.topicId, file);
      assert.equal(inKafka?.partitionsCount, manifest.spec?.partitions, file);
      assert.equal(inKafka?.partitions[0]?.replicas.length, manifest.spec?.replicas, file);
      await fixture.custom.deleteNamespacedCustomObject({ ...topics, namespace, name: 'my-topic' });
      await waitFor(`${file}: the Kafka topic to be deleted`, async () =>
        (await observer.listTopics()).includes('my-topic') ? undefined : true,
      );
    }
  } finally {
    await observer.close();
  }
});
