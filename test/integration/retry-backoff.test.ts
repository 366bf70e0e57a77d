// Real services: kube-apiserver, Redis; the operator as a separate process that resyncs every second and
// backs a failing resource off from 2 s, doubling to 32 s. A KafkaTopic whose cluster does not exist
// fails on every reconcile: its reconciles follow the back-off, not the resync, and a change of its spec
// is tried at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, reconcileSpans, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('retry-backoff');
const topics = fixture.kafkaTopics;
const retry = { initialMs: 2_000, maxMs: 32_000 };
// backoffDelay's jitter takes off at most a fifth of each wait.
const shortestWait = (failures: number) => 0.8 * Math.min(retry.maxMs, retry.initialMs * 2 ** (failures - 1));
let operator: OperatorProcess;

before(async () => {
  operator = startOperatorProcess('retry-backoff', {
    ...fixture.env,
    RESYNC_INTERVAL_MS: '1000',
    RECONCILE_RETRY_INITIAL_MS: String(retry.initialMs),
    RECONCILE_RETRY_MAX_MS: String(retry.maxMs),
  });
  await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await fixture.cleanup();
});

const reconcileStarts = (name: string) =>
  reconcileSpans([operator], fixture.namespace, name).map((span) => span.start);

test('a resource failing on every reconcile is retried as its back-off allows, however often resyncs come, and a new generation is tried at once', async () => {
  await topics.create('nowhere-bound', { topicName: `nowhere-${fixture.namespace}` }, { cluster: 'nowhere' });
  const { ready } = await topics.waitSettled('nowhere-bound');
  assert.equal(ready.reason, 'KafkaClusterNotFound');

  const attempts = 5;
  const starts = await waitFor(
    `${attempts} reconciles of the failing KafkaTopic (log: ${operator.logFile})`,
    async () => {
      const seen = reconcileStarts('nowhere-bound');
      return seen.length >= attempts ? seen : undefined;
    },
    90_000,
  );
  // Resyncs alone would have reconciled it every second.
  const shortest = Array.from({ length: attempts - 1 }, (_, i) => shortestWait(i + 1)).reduce(
    (a, b) => a + b,
  );
  const elapsed = (starts[attempts - 1] ?? 0) - (starts[0] ?? 0);
  assert.ok(
    elapsed >= shortest,
    `${attempts} reconciles took ${elapsed} ms; the back-off allows no less than ${shortest} ms`,
  );

  // The next retry is at least shortestWait(5) away: the change must not wait for it.
  const changedAt = Date.now();
  const before = reconcileStarts('nowhere-bound').length;
  await topics.patch('nowhere-bound', { spec: { partitions: 2 } });
  const next = await waitFor('a reconcile of the new generation', async () =>
    reconcileStarts('nowhere-bound')
      .slice(before)
      .find((start) => start >= changedAt),
  );
  // A change is coalesced for 200 ms; 5 s leaves room for a loaded machine and is far below the back-off.
  assert.ok(
    next - changedAt < Math.min(5_000, shortestWait(attempts)),
    `the new generation was reconciled ${next - changedAt} ms after the change, not at once`,
  );
});
