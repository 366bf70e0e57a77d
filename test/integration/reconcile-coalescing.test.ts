// Real services: kube-apiserver, Kafka (SASL/SCRAM), Redis; the operator as a separate process.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readMetric } from '../support/metrics.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, reconcileSpans, startOperatorProcess } from '../support/operator-process.ts';

const fixture = await operatorFixture('coalescing');
const topics = fixture.kafkaTopics;
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

test('50 rapid updates to one KafkaTopic cause far fewer reconciles, never two at once, and the last update wins', async (t) => {
  await topics.create('bursty');
  await topics.waitReady('bursty');
  const before = reconcileSpans([operator], fixture.namespace, 'bursty').length;
  const updates = 50;
  let generation = 0;
  for (let i = 1; i <= updates; i++) {
    const updated = await topics.patch('bursty', { spec: { config: { 'retention.ms': 60_000 + i } } });
    generation = updated.metadata?.generation ?? 0;
  }

  await topics.waitObserved('bursty', generation);
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
  await topics.create('idle');
  const ready = await topics.waitReady('idle');
  // Let the reconciles caused by creation (finalizer, status) finish.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const reconcilesBefore = await readMetric(httpPort, 'kao_reconciles_total', {
    kind: 'KafkaTopic',
    result: 'ready',
  });
  const writesBefore = await readMetric(httpPort, 'kao_status_writes_total', { kind: 'KafkaTopic' });
  const resourceVersion = (await topics.read('idle')).metadata?.resourceVersion;

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
  const idle = await topics.read('idle');
  assert.equal(idle.metadata?.resourceVersion, resourceVersion, 'the resource was not written at all');
  assert.deepEqual(idle.status, (await topics.read('idle')).status);
  assert.equal(idle.status?.topicId, ready.status?.topicId);
});
