// Real services: kube-apiserver, Kafka (SASL/SCRAM), Redis; the operator as a separate process.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KafkaTopic } from '../../src/api/kafka-topic.ts';
import { kafkaTopicType } from '../../src/api/resources.ts';
import { readMetric } from '../support/metrics.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, reconcileSpans, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('coalescing');
const topics = {
  group: kafkaTopicType.group,
  version: kafkaTopicType.version,
  plural: kafkaTopicType.plural,
};
const resyncIntervalMs = 1_000;
let operator: OperatorProcess;
let httpPort: number;

before(async () => {
  operator = startOperatorProcess('coalescing', {
    ...fixture.env,
    RESYNC_INTERVAL_MS: String(resyncIntervalMs),
  });
  httpPort = await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await fixture.cleanup();
});

async function readTopic(name: string): Promise<KafkaTopic> {
  return (await fixture.custom.getNamespacedCustomObject({
    ...topics,
    namespace: fixture.namespace,
    name,
  })) as KafkaTopic;
}

async function createReadyTopic(name: string): Promise<KafkaTopic> {
  await fixture.custom.createNamespacedCustomObject({
    ...topics,
    namespace: fixture.namespace,
    body: {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaTopic',
      metadata: { name, labels: { 'strimzi.io/cluster': 'test-cluster' } },
      spec: { topicName: `${name}-${fixture.namespace}`, partitions: 1, replicas: 1 },
    },
  });
  return waitFor(`KafkaTopic ${name} to be Ready`, async () => {
    const topic = await readTopic(name);
    return topic.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
      ? topic
      : undefined;
  });
}

test('50 rapid updates to one KafkaTopic cause far fewer reconciles, never two at once, and the last update wins', async (t) => {
  await createReadyTopic('bursty');
  const before = reconcileSpans([operator], fixture.namespace, 'bursty').length;
  const updates = 50;
  let generation = 0;
  for (let i = 1; i <= updates; i++) {
    const updated = (await fixture.custom.patchNamespacedCustomObject(
      {
        ...topics,
        namespace: fixture.namespace,
        name: 'bursty',
        body: { spec: { config: { 'retention.ms': 60_000 + i } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as KafkaTopic;
    generation = updated.metadata?.generation ?? 0;
  }

  await waitFor('the last generation to be observed', async () => {
    const topic = await readTopic('bursty');
    return topic.status?.observedGeneration === generation ? true : undefined;
  });
  const spans = reconcileSpans([operator], fixture.namespace, 'bursty').slice(before);
  t.diagnostic(`${spans.length} reconciles for ${updates} updates`);
  assert.ok(spans.length >= 1, 'the updates were reconciled');
  assert.ok(spans.length <= updates / 2, `${spans.length} reconciles for ${updates} updates`);
  for (let i = 1; i < spans.length; i++) {
    const previous = spans[i - 1];
    const current = spans[i];
    assert.ok(
      previous?.end !== undefined && current && previous.end <= current.start,
      `reconciles ${i - 1} and ${i} overlap`,
    );
  }
});

test('an idle resync reconciles every resource and writes no status', async () => {
  const ready = await createReadyTopic('idle');
  // Let the reconciles caused by creation (finalizer, status) finish.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const reconcilesBefore = await readMetric(httpPort, 'kao_reconciles_total', {
    kind: 'KafkaTopic',
    result: 'ready',
  });
  const writesBefore = await readMetric(httpPort, 'kao_status_writes_total', { kind: 'KafkaTopic' });
  const resourceVersion = (await readTopic('idle')).metadata?.resourceVersion;

  await new Promise((resolve) => setTimeout(resolve, resyncIntervalMs * 4));

  const reconcilesAfter = await readMetric(httpPort, 'kao_reconciles_total', {
    kind: 'KafkaTopic',
    result: 'ready',
  });
  const writesAfter = await readMetric(httpPort, 'kao_status_writes_total', { kind: 'KafkaTopic' });
  assert.ok(
    reconcilesAfter - reconcilesBefore >= 3,
    `resyncs reconciled ${reconcilesAfter - reconcilesBefore} times`,
  );
  assert.equal(writesAfter, writesBefore, 'no status write during idle resyncs');
  const idle = await readTopic('idle');
  assert.equal(idle.metadata?.resourceVersion, resourceVersion, 'the resource was not written at all');
  assert.deepEqual(idle.status, (await readTopic('idle')).status);
  assert.equal(idle.status?.topicId, ready.status?.topicId);
});
