// Real services: kube-apiserver (CRDs installed), Kafka (SASL/SCRAM listener), Redis; the operator
// runs as a separate process, as users run it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { kafkaPrintedTopicId } from '../support/kafka-java-admin.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, reconcileSpans, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('topic-lifecycle');
const topics = fixture.kafkaTopics;
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

test('creating a KafkaTopic creates the Kafka topic and reports Ready with topicId and observedGeneration; deleting it deletes the topic and the finalizer', async () => {
  const topicName = `orders-${fixture.namespace}`;
  await topics.create('orders', {
    topicName,
    partitions: 3,
    replicas: 1,
    config: { 'retention.ms': 3_600_000, 'cleanup.policy': 'compact' },
  });

  const ready = await topics.waitReady('orders');
  assert.equal(ready.status?.observedGeneration, ready.metadata?.generation);
  assert.equal(ready.status?.topicName, topicName);
  assert.deepEqual(ready.metadata?.finalizers, ['strimzi.io/topic-operator']);

  const metadata = await admin.metadata({ topics: [topicName], forceUpdate: true });
  const inKafka = metadata.topics.get(topicName);
  // Kafka's own form, as its Java admin and kafka-topics --describe print it.
  assert.equal(ready.status?.topicId, await kafkaPrintedTopicId(fixture.kafka.bootstrap, topicName));
  assert.match(ready.status?.topicId ?? '', /^[A-Za-z0-9_-]{22}$/);
  assert.equal(inKafka?.partitionsCount, 3);
  const [configs] = await admin.describeConfigs({
    resources: [{ resourceType: 2, resourceName: topicName }],
  });
  const config = Object.fromEntries((configs?.configs ?? []).map((c) => [c.name, c.value]));
  assert.equal(config['retention.ms'], '3600000');
  assert.equal(config['cleanup.policy'], 'compact');

  await topics.delete('orders');
  await topics.waitGone('orders');
  await waitFor('the Kafka topic to be deleted', async () =>
    (await admin.listTopics()).includes(topicName) ? undefined : true,
  );
});

test('each state change of a KafkaTopic is recorded as a Kubernetes Event on it', async () => {
  await topics.create('announced', { topicName: `announced-${fixture.namespace}` });
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
  await topics.create(
    'paused',
    { topicName },
    { annotations: { 'strimzi.io/pause-reconciliation': 'true' } },
  );
  const paused = await topics.waitUntil('paused', 'to be paused', (topic) =>
    topic.status?.conditions?.some((c) => c.type === 'ReconciliationPaused' && c.status === 'True')
      ? topic
      : undefined,
  );
  assert.equal(paused.status?.observedGeneration, paused.metadata?.generation);
  assert.equal(paused.metadata?.finalizers, undefined, 'a paused resource gets no finalizer');
  assert.equal((await admin.listTopics()).includes(topicName), false, 'no Kafka topic was created');
});

test('a KafkaTopic of an unknown cluster is NotReady with a reason that says what to fix', async () => {
  await topics.create('orphan', {}, { cluster: 'nowhere' });
  const failed = await topics.waitUntil('orphan', 'to report its failure', (topic) =>
    topic.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False'),
  );
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

test('a restarted operator records no Event for a KafkaTopic that is as its status already says', async () => {
  await topics.create('steady', { topicName: `steady-${fixture.namespace}` });
  await topics.waitReady('steady');
  const readyEvents = async () =>
    (
      await fixture.core.listNamespacedEvent({
        namespace: fixture.namespace,
        fieldSelector: 'involvedObject.name=steady',
      })
    ).items.filter((event) => event.reason === 'StateReady').length;
  await waitFor('the StateReady Event of the first reconcile', async () =>
    (await readyEvents()) > 0 ? true : undefined,
  );
  const before = await readyEvents();

  await operator.stop();
  operator = startOperatorProcess('topic-lifecycle-restarted', fixture.env);
  httpPort = await operator.httpPort();
  // A reconcile's Event is written before it logs that it finished.
  await waitFor('the restarted operator to reconcile the topic', async () =>
    reconcileSpans([operator], fixture.namespace, 'steady').some((span) => span.end !== undefined)
      ? true
      : undefined,
  );
  assert.equal(await readyEvents(), before, 'no new StateReady Event');
});
