// Real services: kube-apiserver, Kafka (SASL/SCRAM), Redis; the operator as a separate process.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readMetric } from '../support/metrics.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, reconcileSpans, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

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
  const readyAt = Date.now();
  // Settled: a reconcile that began after the Ready status was written has finished, and none runs.
  await waitFor('the reconciles caused by creation to end', async () => {
    const spans = reconcileSpans([operator], fixture.namespace, 'idle');
    const settled = spans.some((span) => span.start > readyAt && span.end !== undefined);
    return settled && spans.every((span) => span.end !== undefined) ? true : undefined;
  });
  const writesBefore = await readMetric(httpPort, 'kao_status_writes_total', { kind: 'KafkaTopic' });
  const resourceVersion = (await topics.read('idle')).metadata?.resourceVersion;
  const settledAt = Date.now();

  const resyncs = 3;
  const resyncStates = () =>
    operator
      .logs()
      .filter(
        (line) =>
          line.namespace === fixture.namespace &&
          line.name === 'idle' &&
          line.msg === 'reconcile finished' &&
          Date.parse(line.time) > settledAt,
      )
      .map((line) => line.state);
  const states = await waitFor(`${resyncs} resyncs of the topic to finish`, async () => {
    const finished = resyncStates();
    return finished.length >= resyncs ? finished : undefined;
  });

  assert.deepEqual(new Set(states), new Set(['ready']), 'every resync ended Ready');
  const writesAfter = await readMetric(httpPort, 'kao_status_writes_total', { kind: 'KafkaTopic' });
  assert.equal(writesAfter, writesBefore, 'no status write during idle resyncs');
  const idle = await topics.read('idle');
  assert.equal(idle.metadata?.resourceVersion, resourceVersion, 'the resource was not written at all');
  assert.equal(idle.status?.topicId, ready.status?.topicId);
});
