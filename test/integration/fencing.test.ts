// Real services: kube-apiserver with its audit log, Kafka, Redis; two operator processes as two replicas,
// each with a service account of its own in namespace kao-audited, so that the apiserver records who
// wrote what and when. However leadership passes while resources keep changing, the apiserver sees no
// write from the old leader once the new one holds the Lease.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { kubeConfigThroughProxy } from '../support/apiserver-proxy.ts';
import {
  type AuditEntry,
  auditEntries,
  auditedKubeConfig,
  auditedUser,
  writeVerbs,
} from '../support/audited-account.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('fencing');
const { core, namespace } = fixture;
const topics = fixture.kafkaTopics;
// client-go's timings, as the chart runs the operator; a resync every 2 s keeps reconciles coming even
// if an event were missed (the fencing, not the event flow, is what this file proves).
const lease = {
  LEASE_DURATION_MS: '15000',
  LEASE_RENEW_DEADLINE_MS: '10000',
  LEASE_RETRY_PERIOD_MS: '2000',
  RESYNC_INTERVAL_MS: '2000',
};
const running: OperatorProcess[] = [];
const kafkaObserver = new Admin({
  clientId: 'fencing-observer',
  bootstrapBrokers: [fixture.kafka.bootstrap],
});
const proxies: TcpProxy[] = [];

// A kubeconfig that authenticates as service account kao-audited/<name>, through `through` if given.
function serviceAccountKubeConfig(name: string, through?: TcpProxy): Promise<string> {
  const base = through ? kubeConfigThroughProxy(fixture.kc, through.port) : fixture.kc;
  return auditedKubeConfig(fixture.kc, core, name, base);
}

after(async () => {
  await Promise.all(running.map((replica) => replica.stop()));
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await kafkaObserver.close();
  await fixture.cleanup();
});

type AuditedWrite = AuditEntry;

// The writes of the operators' service accounts in this test's namespace.
function auditedWrites(): AuditedWrite[] {
  return auditEntries().filter((entry) => entry.namespace === namespace && writeVerbs.has(entry.verb));
}

const accountOf = auditedUser;

function leadingSince(replica: OperatorProcess): number | undefined {
  const line = replica.logs().find((l) => l.msg === 'leading: reconciling');
  return line ? Date.parse(line.time) : undefined;
}

interface LastChange {
  generation: number;
  retentionMs: number;
}

// Patches the topics without pause until stopped; returns the last change of each.
function keepChanging(names: string[]): { made: () => number; stop: () => Promise<Map<string, LastChange>> } {
  let changing = true;
  const changes = new Map<string, LastChange>();
  let retentionMs = 100_000;
  let made = 0;
  const loop = (async () => {
    while (changing) {
      for (const name of names) {
        retentionMs++;
        const patched = await topics.patch(name, { spec: { config: { 'retention.ms': retentionMs } } });
        changes.set(name, { generation: patched.metadata?.generation ?? 0, retentionMs });
        made++;
      }
    }
  })();
  return {
    made: () => made,
    stop: async () => {
      changing = false;
      await loop;
      return changes;
    },
  };
}

// The old leader's successful writes that completed after the new leader's first hold of the Lease.
function writesAfterTakeover(
  oldLeader: string,
  newLeader: string,
): { takeover: string; late: AuditedWrite[] } {
  const writes = auditedWrites().filter((write) => write.code >= 200 && write.code < 300);
  const takeover = writes
    .filter((write) => write.username === accountOf(newLeader) && write.resource === 'leases')
    .map((write) => write.received)
    .sort()[0];
  assert.ok(takeover, `the audit log shows ${newLeader} writing the Lease`);
  assert.ok(
    writes.some((write) => write.username === accountOf(oldLeader) && write.resource !== 'leases'),
    `the audit log shows ${oldLeader} at work before`,
  );
  assert.ok(
    writes.some((write) => write.username === accountOf(newLeader) && write.resource !== 'leases'),
    `the audit log shows ${newLeader} at work after`,
  );
  const late = writes.filter(
    (write) => write.username === accountOf(oldLeader) && write.completed > takeover,
  );
  return { takeover, late };
}

async function handOver(
  names: string[],
  leader: OperatorProcess,
  follower: OperatorProcess,
  takeLeadershipAway: () => Promise<void>,
): Promise<void> {
  for (const name of names) await topics.create(name);
  for (const name of names) await topics.waitReady(name);
  const changes = keepChanging(names);
  // Reconciles of the changing topics are in flight when leadership goes.
  await waitFor('the leader to reconcile the changes', async () => {
    const started = leader.logs().filter((line) => line.msg === 'reconcile started').length;
    if (started > names.length * 3) return true;
    // Said in the timeout's message: whether the changes were made at all.
    throw new Error(`${changes.made()} changes made, ${started} reconciles started`);
  });
  await takeLeadershipAway();
  await waitFor('the follower to lead', async () => leadingSince(follower), 60_000, 100);
  await waitFor('the follower to reconcile the changes', async () =>
    follower.logs().filter((line) => line.msg === 'reconcile started').length > names.length
      ? true
      : undefined,
  );
  const lastChanges = await changes.stop();
  for (const [name, { generation, retentionMs }] of lastChanges) {
    await topics.waitObserved(name, generation, 60_000);
    // Kafka's own view: the last change stands, no stale write of the old leader came after it.
    const [described] = await kafkaObserver.describeConfigs({
      resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: `${name}-${namespace}` }],
    });
    const retention = described?.configs?.find((config) => config.name === 'retention.ms')?.value;
    assert.equal(retention, String(retentionMs), `${name}: Kafka holds the last change`);
  }
}

test('a leader stopped by SIGTERM drains and then releases the Lease: none of its writes lands after the follower takes over', async () => {
  const a = await serviceAccountKubeConfig('fencing-a');
  const b = await serviceAccountKubeConfig('fencing-b');
  const leader = startOperatorProcess('fencing-a', { ...fixture.env, ...lease, KUBECONFIG: a });
  running.push(leader);
  await waitFor('fencing-a to lead', async () => leadingSince(leader));
  const follower = startOperatorProcess('fencing-b', { ...fixture.env, ...lease, KUBECONFIG: b });
  running.push(follower);
  await follower.httpPort();

  await handOver(['drained-1', 'drained-2', 'drained-3'], leader, follower, () => leader.stop());
  const { takeover, late } = writesAfterTakeover('fencing-a', 'fencing-b');
  assert.deepEqual(late, [], `writes of the stopped leader after ${takeover}`);
  assert.ok(
    leader.logs().some((line) => line.msg === 'leader election stopped'),
    'the stopped leader released its Lease',
  );
});

test('a leader cut off from the apiserver loses the Lease, and once it can reach the apiserver again it writes nothing more', async () => {
  await Promise.all(running.splice(0).map((replica) => replica.stop()));
  const apiserver = new URL(fixture.kc.getCurrentCluster()?.server ?? '');
  const proxy = await startTcpProxy(apiserver.hostname, Number(apiserver.port));
  proxies.push(proxy);
  const c = await serviceAccountKubeConfig('fencing-c', proxy);
  const d = await serviceAccountKubeConfig('fencing-d');
  const leader = startOperatorProcess('fencing-c', { ...fixture.env, ...lease, KUBECONFIG: c });
  running.push(leader);
  await waitFor('fencing-c to lead', async () => leadingSince(leader), 30_000);
  const follower = startOperatorProcess('fencing-d', { ...fixture.env, ...lease, KUBECONFIG: d });
  running.push(follower);
  await follower.httpPort();

  await handOver(['cut-1', 'cut-2', 'cut-3'], leader, follower, async () => {
    await proxy.cut();
    await waitFor('the follower to lead', async () => leadingSince(follower), 60_000, 100);
    await proxy.restore();
  });
  const { takeover, late } = writesAfterTakeover('fencing-c', 'fencing-d');
  assert.deepEqual(late, [], `writes of the cut-off leader after ${takeover}`);
});
