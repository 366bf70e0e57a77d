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
let httpPort: number;

before(async () => {
  operator = startOperatorProcess('topic-lifecycle', fixture.env);
  httpPort = await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await admin.close();
  await fixture.cleanup();
});

function topicManifest(
  name: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
) {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: { name, labels: { 'strimzi.io/cluster': 'test-cluster' }, annotations },
    spec,
  };
}

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

test('each state change of a KafkaTopic is recorded as a Kubernetes Event on it', async () => {
  await fixture.custom.createNamespacedCustomObject({
    ...topics,
    namespace: fixture.namespace,
    body: topicManifest('announced', { topicName: `announced-${fixture.namespace}` }),
  });
  const events = await waitFor('an Event saying the topic is ready', async () => {
    const list = await fixture.core.listNamespacedEvent({
      namespace: fixture.namespace,
      fieldSelector: 'involvedObject.name=announced',
    });
    return list.items.some((e) => e.reason === 'StateReady') ? list.items : undefined;
  });
  const ready = events.find((e) => e.reason === 'StateReady');
  assert.equal(ready?.type, 'Normal');
  assert.equal(ready?.involvedObject.kind, 'KafkaTopic');
  assert.equal(ready?.source?.component, 'kafka-actor-operator');
});

test('a KafkaTopic paused with strimzi.io/pause-reconciliation gets ReconciliationPaused and no Kafka topic', async () => {
  const topicName = `paused-${fixture.namespace}`;
  await fixture.custom.createNamespacedCustomObject({
    ...topics,
    namespace: fixture.namespace,
    body: topicManifest('paused', { topicName }, { 'strimzi.io/pause-reconciliation': 'true' }),
  });
  const paused = await waitFor('the KafkaTopic to be paused', async () => {
    const topic = await readTopic('paused');
    return topic.status?.conditions?.some((c) => c.type === 'ReconciliationPaused' && c.status === 'True')
      ? topic
      : undefined;
  });
  assert.equal(paused.status?.observedGeneration, paused.metadata?.generation);
  assert.equal(paused.metadata?.finalizers, undefined, 'a paused resource gets no finalizer');
  assert.equal((await admin.listTopics()).includes(topicName), false, 'no Kafka topic was created');
});

test('a KafkaTopic of an unknown cluster is NotReady with a reason that says what to fix', async () => {
  await fixture.custom.createNamespacedCustomObject({
    ...topics,
    namespace: fixture.namespace,
    body: {
      ...topicManifest('orphan', {}),
      metadata: { name: 'orphan', labels: { 'strimzi.io/cluster': 'nowhere' } },
    },
  });
  const failed = await waitFor('the KafkaTopic to report its failure', async () => {
    const topic = await readTopic('orphan');
    return topic.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
  });
  assert.equal(failed.reason, 'KafkaClusterNotFound');
  assert.match(failed.message ?? '', /nowhere.*KAFKA_CLUSTERS/);
});

test('the operator serves /healthz, /readyz with its checks, and /metrics', async () => {
  const base = `http://127.0.0.1:${httpPort}`;
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  const readiness = await fetch(`${base}/readyz`);
  assert.equal(readiness.status, 200);
  assert.deepEqual(await readiness.json(), {
    ready: true,
    checks: { informersSynced: true, redis: true, leadershipKnown: true },
  });
  const metrics = await (await fetch(`${base}/metrics`)).text();
  for (const name of [
    'kao_reconciles_total',
    'kao_reconcile_duration_seconds',
    'kao_queue_depth',
    'kao_actors',
    'kao_leader 1',
    'kao_reconcile_in_progress_start_time_seconds',
  ]) {
    assert.ok(metrics.includes(name), `metrics include ${name}`);
  }
  assert.match(metrics, /kao_actors\{kind="KafkaTopic",state="ready"\} [1-9]/);
});

test('every log line of a reconcile carries kind, namespace, name and a reconciliation id', () => {
  const lines = operator
    .logs()
    .filter((line) => line.msg === 'reconcile started' || line.msg === 'reconcile finished');
  assert.ok(lines.length > 0);
  for (const line of lines) {
    assert.equal(line.kind, 'KafkaTopic');
    assert.equal(line.namespace, fixture.namespace);
    assert.ok(line.name);
    assert.match(line.reconciliation ?? '', /^[0-9a-f]{8}$/);
  }
  assert.ok(
    !JSON.stringify(operator.logs()).includes(fixture.kafka.adminPassword),
    'no password in the logs',
  );
});
