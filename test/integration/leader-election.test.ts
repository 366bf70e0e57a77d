// Real services: kube-apiserver with etcd (built from the Go module proxy); a TCP proxy
// (test/support/apiserver-proxy.ts) stands between one replica and the apiserver to cut it off.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, type TestContext, test } from 'node:test';
import { CoordinationV1Api, CoreV1Api, KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { pino } from 'pino';
import { type LeaderElectionOptions, LeaderElector } from '../../src/supervisor/leader-election.ts';
import { startApiserverProxy } from '../support/apiserver-proxy.ts';
import { kubernetesEnvironment } from '../support/environment.ts';
import { waitFor } from '../support/wait.ts';

const { kubeconfig } = kubernetesEnvironment();
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const coordination = kc.makeApiClient(CoordinationV1Api);

const namespace = `leader-election-${randomUUID().slice(0, 8)}`;
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
// Short timings keep the file quick; their ratios are client-go's.
const leaseDurationMs = 3_000;
const renewDeadlineMs = 2_000;
const retryPeriodMs = 500;
// Candidates poll at most every retry period.
const longestAcquireRetryMs = retryPeriodMs;
const pollMs = 50;

// What a candidate's callbacks were told.
interface CallbackHistory {
  terms: AbortSignal[];
  stoppedLeading: number;
  newLeaders: string[];
}

interface Candidate {
  identity: string;
  elector: LeaderElector;
  history: CallbackHistory;
}

function candidate(
  t: TestContext,
  identity: string,
  options: Partial<LeaderElectionOptions> & { leaseName: string },
): Candidate {
  const history: CallbackHistory = { terms: [], stoppedLeading: 0, newLeaders: [] };
  const elector = new LeaderElector({
    kubeConfig: kc,
    namespace,
    identity,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    logger: logger.child({ candidate: identity }),
    onStartedLeading: (signal) => {
      history.terms.push(signal);
    },
    onStoppedLeading: () => {
      history.stoppedLeading += 1;
    },
    onNewLeader: (leader) => {
      history.newLeaders.push(leader);
    },
    ...options,
  });
  t.after(() => elector.stop());
  return { identity, elector, history };
}

// Samples every 50 ms whether more than one candidate believes it leads.
function watchForOverlap(t: TestContext, candidates: Candidate[]): { overlaps: string[]; stop: () => void } {
  const overlaps: string[] = [];
  const interval = setInterval(() => {
    const leaders = candidates.filter((c) => c.elector.isLeader()).map((c) => c.identity);
    if (leaders.length > 1) overlaps.push(`${new Date().toISOString()} ${leaders.join(' and ')}`);
  }, pollMs);
  const stop = () => clearInterval(interval);
  t.after(stop);
  return { overlaps, stop };
}

function readLease(name: string): Promise<V1Lease> {
  return coordination.readNamespacedLease({ name, namespace });
}

function timeOf(value: Date | string | undefined): number {
  assert.ok(value, 'the Lease records the time');
  return new Date(value).getTime();
}

async function leaderAmong(candidates: Candidate[], timeoutMs = 20_000): Promise<Candidate> {
  return waitFor(
    'one candidate to lead',
    async () => candidates.find((c) => c.elector.isLeader()),
    timeoutMs,
    pollMs,
  );
}

async function followsLeader(follower: Candidate, leader: string): Promise<void> {
  await waitFor(
    `${follower.identity} to report ${leader} as the leader`,
    async () => (follower.elector.currentLeader() === leader ? true : undefined),
    20_000,
    pollMs,
  );
}

// Starts the first alone so that it leads, then the second, which must come to follow it.
async function startLeaderThenFollower(leader: Candidate, follower: Candidate): Promise<void> {
  leader.elector.start();
  await leaderAmong([leader]);
  follower.elector.start();
  await followsLeader(follower, leader.identity);
}

async function stepsDown(leader: Candidate): Promise<void> {
  await waitFor(
    `${leader.identity} to step down`,
    async () => (leader.elector.isLeader() ? undefined : true),
    10_000,
    pollMs,
  );
}

before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

after(async () => {
  await core.deleteNamespace({ name: namespace });
});

test('of two candidates exactly one leads and keeps renewing, and the other reports it as the leader', async (t) => {
  const leaseName = 'two-candidates';
  const first = candidate(t, 'replica-a', { leaseName });
  const second = candidate(t, 'replica-b', { leaseName });
  const overlap = watchForOverlap(t, [first, second]);
  first.elector.start();
  second.elector.start();

  const leader = await leaderAmong([first, second]);
  const follower = leader === first ? second : first;
  await followsLeader(follower, leader.identity);
  assert.equal(follower.elector.isLeader(), false);
  assert.equal(follower.elector.leaderKnown(), true);
  assert.deepEqual(follower.history.newLeaders, [leader.identity]);
  assert.equal(leader.elector.currentLeader(), leader.identity);
  assert.equal(leader.elector.leaderKnown(), true);

  const lease = await readLease(leaseName);
  assert.equal(lease.spec?.holderIdentity, leader.identity);
  assert.equal(lease.spec?.leaseDurationSeconds, leaseDurationMs / 1000);
  assert.equal(lease.spec?.leaseTransitions, 0);
  assert.equal(timeOf(lease.spec?.acquireTime) <= timeOf(lease.spec?.renewTime), true);

  // Two lease durations after it was acquired the same replica still leads, on renewals alone.
  const renewed = await waitFor('a renewal two lease durations after the acquisition', async () => {
    const now = await readLease(leaseName);
    return timeOf(now.spec?.renewTime) >= timeOf(lease.spec?.acquireTime) + 2 * leaseDurationMs
      ? now
      : undefined;
  });
  overlap.stop();
  assert.equal(renewed.spec?.holderIdentity, leader.identity);
  assert.ok(timeOf(renewed.spec?.renewTime) > timeOf(lease.spec?.renewTime), 'the leader renewed the Lease');
  assert.equal(
    timeOf(renewed.spec?.acquireTime),
    timeOf(lease.spec?.acquireTime),
    'a renewal keeps acquireTime',
  );
  assert.equal(leader.elector.isLeader(), true);
  assert.equal(follower.elector.isLeader(), false);
  assert.deepEqual(
    [leader.history.terms.length, leader.history.terms[0]?.aborted, follower.history.terms.length],
    [1, false, 0],
  );
  assert.deepEqual(overlap.overlaps, []);
});

test('stop() of the leader releases the Lease and the follower takes over well before it would expire', async (t) => {
  const leaseName = 'release-on-stop';
  // A long lease makes "took over because it was released" distinguishable from "because it expired".
  const longLease = { leaseName, leaseDurationMs: 12_000, renewDeadlineMs: 8_000 };
  const leader = candidate(t, 'replica-a', longLease);
  const follower = candidate(t, 'replica-b', longLease);
  const overlap = watchForOverlap(t, [leader, follower]);
  await startLeaderThenFollower(leader, follower);

  const stoppingAt = performance.now();
  await leader.elector.stop();
  assert.equal(leader.elector.isLeader(), false);
  assert.equal(leader.history.terms[0]?.aborted, true, 'the leadership signal aborts on stop()');
  assert.equal(leader.history.stoppedLeading, 1);

  await leaderAmong([follower]);
  const takeoverMs = performance.now() - stoppingAt;
  overlap.stop();
  assert.ok(takeoverMs < 6_000, `the follower took over ${Math.round(takeoverMs)} ms after stop()`);
  const lease = await readLease(leaseName);
  assert.equal(lease.spec?.holderIdentity, follower.identity);
  assert.equal(lease.spec?.leaseTransitions, 1);
  assert.deepEqual(overlap.overlaps, []);
});

test('a leader that dies without releasing is replaced once the lease duration has passed, not before', async (t) => {
  const leaseName = 'dead-leader';
  const leader = candidate(t, 'replica-a', { leaseName, releaseOnStop: false });
  const follower = candidate(t, 'replica-b', { leaseName });
  const overlap = watchForOverlap(t, [leader, follower]);
  await startLeaderThenFollower(leader, follower);

  await leader.elector.stop();
  const diedAt = performance.now();
  const lastRenewal = await readLease(leaseName);
  assert.equal(
    lastRenewal.spec?.holderIdentity,
    leader.identity,
    'the dead leader did not release the Lease',
  );

  await leaderAmong([follower]);
  const takeoverMs = performance.now() - diedAt;
  overlap.stop();
  const lease = await readLease(leaseName);
  assert.equal(lease.spec?.holderIdentity, follower.identity);
  assert.equal(lease.spec?.leaseTransitions, 1);
  // Both times come from this machine's clock: the follower waited a full lease after the last renewal.
  const waitedMs = timeOf(lease.spec?.acquireTime) - timeOf(lastRenewal.spec?.renewTime);
  assert.ok(waitedMs >= leaseDurationMs, `taken over ${waitedMs} ms after the last renewal`);
  // The last renewal was at most one retry period before the death; then one jittered retry to notice.
  assert.ok(
    takeoverMs >= leaseDurationMs - retryPeriodMs - 1_000,
    `taken over after ${Math.round(takeoverMs)} ms`,
  );
  assert.ok(
    takeoverMs <= leaseDurationMs + longestAcquireRetryMs + 3_000,
    `taken over after ${Math.round(takeoverMs)} ms`,
  );
  assert.deepEqual(overlap.overlaps, []);
});

test('a leader whose Lease is overwritten by another holder steps down at its next renewal', async (t) => {
  const leaseName = 'stolen-lease';
  const leader = candidate(t, 'replica-a', { leaseName });
  const follower = candidate(t, 'replica-b', { leaseName });
  const overlap = watchForOverlap(t, [leader, follower]);
  await startLeaderThenFollower(leader, follower);

  const current = await readLease(leaseName);
  const writingAt = performance.now();
  await coordination.replaceNamespacedLease({
    name: leaseName,
    namespace,
    body: {
      ...current,
      spec: {
        ...current.spec,
        holderIdentity: 'intruder',
        acquireTime: new V1MicroTime(),
        renewTime: new V1MicroTime(),
        leaseTransitions: (current.spec?.leaseTransitions ?? 0) + 1,
      },
    },
  });
  // The old leader cannot know before it next talks to the apiserver: it renews every retry period, gets
  // 409 Conflict, reads the Lease and steps down in that same attempt. One retry period plus a margin
  // for three requests on a loaded machine bounds it; the follower cannot overlap, as it waits a whole
  // lease duration after seeing the intruder's write.
  await stepsDown(leader);
  const stepDownMs = performance.now() - writingAt;
  assert.ok(stepDownMs <= retryPeriodMs + 1_500, `stepped down ${Math.round(stepDownMs)} ms after the write`);
  assert.equal(leader.history.terms[0]?.aborted, true, 'the leadership signal aborts');
  assert.equal(leader.history.stoppedLeading, 1);
  await followsLeader(leader, 'intruder');
  await followsLeader(follower, 'intruder');

  // The intruder never renews: after a lease duration one of the two takes the Lease over.
  const successor = await leaderAmong([leader, follower]);
  const successionMs = performance.now() - writingAt;
  overlap.stop();
  assert.ok(successionMs >= leaseDurationMs, `taken over ${Math.round(successionMs)} ms after the intruder`);
  const lease = await readLease(leaseName);
  assert.equal(lease.spec?.holderIdentity, successor.identity);
  assert.equal(lease.spec?.leaseTransitions, (current.spec?.leaseTransitions ?? 0) + 2);
  assert.deepEqual(overlap.overlaps, []);
});

test('a leader cut off from the apiserver steps down after the renew deadline, before a follower takes over', async (t) => {
  const leaseName = 'partitioned-leader';
  const { proxy, kubeConfig } = await startApiserverProxy(kc);
  const leader = candidate(t, 'replica-a', { leaseName, kubeConfig });
  const follower = candidate(t, 'replica-b', { leaseName });
  // Registered after the candidates' hooks, so the proxy outlives their stop().
  t.after(() => proxy.close());
  const overlap = watchForOverlap(t, [leader, follower]);
  await startLeaderThenFollower(leader, follower);

  await proxy.cut();
  const cutAt = performance.now();
  await stepsDown(leader);
  const stepDownMs = performance.now() - cutAt;
  const followerLedAlready = follower.elector.isLeader();
  // Its last renewal was at most one retry period before the cut; it retries until the deadline.
  assert.ok(
    stepDownMs >= renewDeadlineMs - retryPeriodMs - 1_000,
    `stepped down after ${Math.round(stepDownMs)} ms`,
  );
  assert.ok(
    stepDownMs < leaseDurationMs,
    `stepped down after ${Math.round(stepDownMs)} ms, not at lease expiry`,
  );
  assert.equal(leader.history.terms[0]?.aborted, true, 'the leadership signal aborts');
  assert.equal(followerLedAlready, false, 'the follower must not lead before the old leader stepped down');

  await leaderAmong([follower]);
  await proxy.restore();
  await followsLeader(leader, follower.identity);
  overlap.stop();
  assert.equal(leader.elector.isLeader(), false);
  assert.deepEqual(overlap.overlaps, []);
});
