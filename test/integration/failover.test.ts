// Real services: kube-apiserver (Lease), Kafka, Redis; two operator processes, as two replicas.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, reconcileSpans, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('failover');
const topics = fixture.kafkaTopics;
const lease = { LEASE_DURATION_MS: '4000', LEASE_RENEW_DEADLINE_MS: '3000', LEASE_RETRY_PERIOD_MS: '500' };
let replicas: OperatorProcess[] = [];

before(async () => {
  replicas = ['replica-a', 'replica-b'].map((name) =>
    startOperatorProcess(name, { ...fixture.env, ...lease }),
  );
  await Promise.all(replicas.map((replica) => replica.httpPort()));
});
after(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
  await fixture.cleanup();
});

function leadingSince(replica: OperatorProcess): number | undefined {
  const line = replica.logs().find((l) => l.msg === 'leading: reconciling');
  return line ? Date.parse(line.time) : undefined;
}

test('only the leader reconciles; when it is killed the other replica takes over within the lease duration plus a retry period, with no overlapping reconciles', async (t) => {
  const leader = await waitFor('one replica to lead', async () => replicas.find((r) => leadingSince(r)));
  const follower = replicas.find((r) => r !== leader);
  assert.ok(follower);

  await topics.create('handover');
  await topics.waitReady('handover');
  assert.ok(reconcileSpans([leader], fixture.namespace, 'handover').length > 0, 'the leader reconciled');
  assert.equal(reconcileSpans([follower], fixture.namespace, 'handover').length, 0, 'the follower did not');

  // Keep the resource changing across the handover, so reconciles are in flight when the leader dies.
  let retention = 100_000;
  let lastGeneration = 0;
  let changing = true;
  const changes = (async () => {
    while (changing) {
      const patched = await topics.patch('handover', { spec: { config: { 'retention.ms': retention++ } } });
      lastGeneration = patched.metadata?.generation ?? 0;
      // Paces the changes (about 20 a second); nothing waits on it.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const changesFrom = Date.now();
  const reconcilingChanges = (replica: OperatorProcess) =>
    reconcileSpans([replica], fixture.namespace, 'handover').filter((span) => span.start > changesFrom);
  await waitFor('the leader to reconcile the changes', async () =>
    reconcilingChanges(leader).length > 0 ? true : undefined,
  );
  const killedAt = Date.now();
  await leader.kill();

  const takeover = await waitFor('the follower to lead', async () => leadingSince(follower), 20_000, 50);
  const takeoverMs = takeover - killedAt;
  t.diagnostic(`takeover after ${takeoverMs} ms (lease 4000 ms, retry 500 ms)`);
  // Bound: lease duration + retry period, plus the Lease round trips on a loaded 2-core machine.
  assert.ok(takeoverMs <= 4_000 + 500 + 400, `takeover took ${takeoverMs} ms`);

  await waitFor('the new leader to finish a reconcile of the changes', async () =>
    reconcilingChanges(follower).some((span) => span.end !== undefined) ? true : undefined,
  );
  changing = false;
  await changes;
  await topics.waitObserved('handover', lastGeneration, 30_000);

  const spans = reconcileSpans(replicas, fixture.namespace, 'handover').map((span) => ({
    ...span,
    // A reconcile cut short by SIGKILL ended when the process did.
    end: span.end ?? (span.operator === leader.name ? killedAt : undefined),
  }));
  assert.ok(
    spans.some((s) => s.operator === follower.name),
    'the new leader reconciled',
  );
  for (let i = 1; i < spans.length; i++) {
    const previous = spans[i - 1];
    const current = spans[i];
    assert.ok(
      previous?.end !== undefined && current && previous.end <= current.start,
      `reconciles overlap: ${JSON.stringify(previous)} and ${JSON.stringify(current)}`,
    );
  }
});
