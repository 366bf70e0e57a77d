// Benchmark: N SCRAM KafkaUsers with 3 ACLs each through the operator against the real apiserver,
// Kafka (SASL/SCRAM, StandardAuthorizer) and Redis: users per second until all are Ready, one idle
// resync, the operator's memory and idle CPU, what a new and a deleted user cost this machine without
// the operator (the bound), a restart of the operator, and the deletion of all N through the
// finalizer. Usage: npm run bench:users [-- N]   (N defaults to 1000)
import type { KafkaUser } from '../src/api/kafka-user.ts';
import { isReady, kafkaUserApi, kafkaUserClient } from '../test/support/kafka-users.ts';
import { readMetric } from '../test/support/metrics.ts';
import { operatorFixture } from '../test/support/operator-fixture.ts';
import { waitFor } from '../test/support/wait.ts';
import {
  benchCount,
  benchUserSpec,
  describeIdleCpu,
  inParallel,
  measureIdleResync,
  rssMiB,
  startBenchOperator,
  waitUntilQuiet,
  watchDeletions,
  watchReadiness,
} from './bench-support.ts';
import { describeRunCpu, startRunCpu } from './machine-costs.ts';
import { deletedUser, describeUserCosts, measureUserCosts, newUser } from './user-costs.ts';

const count = benchCount(1000);
// Longer than an idle resync and the idle CPU window after it take: the resync measured must end
// before the next begins, or the operator is never quiet.
const resyncIntervalMs = Math.max(60_000, count * 40);
const kafkaWriteOperations = ['alterUserScramCredentials', 'createAcls', 'deleteAcls', 'alterClientQuotas'];

const fixture = await operatorFixture('bench-users');
const { kafka, namespace } = fixture;
const users = kafkaUserClient(fixture.custom, fixture.core, namespace);
// Kafka users are named for the namespace: the broker is shared.
const suffix = namespace.slice(namespace.lastIndexOf('-') + 1);
const names = Array.from({ length: count }, (_, i) => `u${i}-${suffix}`);
const watched = { kubeConfig: fixture.kc, api: kafkaUserApi, namespace, count };

console.log(`N=${count} SCRAM users with 3 ACLs each, Kafka ${kafka.version}, namespace ${namespace}`);

const first = await startBenchOperator(namespace, fixture.env, resyncIntervalMs);

const readiness = await watchReadiness<KafkaUser>({ ...watched, isReady });
const creationCpu = startRunCpu(first.pid);
const start = performance.now();
await inParallel(names, 32, (name) => users.create(name, benchUserSpec(name)));
const createdSeconds = (performance.now() - start) / 1000;
console.log(`${count} KafkaUsers created in the apiserver in ${createdSeconds.toFixed(2)} s`);

await readiness.done;
const creationCpuPerUser = creationCpu(count);
readiness.stop();
const readySeconds = (performance.now() - start) / 1000;
const usersPerSecond = count / readySeconds;
console.log(`all ${count} Ready after ${readySeconds.toFixed(2)} s: ${usersPerSecond.toFixed(1)} users/s`);

const idle = await measureIdleResync(first.port, first.pid, 'KafkaUser', count, kafkaWriteOperations);
const peakRss = rssMiB(first.pid, 'VmHWM');
console.log(
  `idle resync of ${count} users: ${idle.seconds.toFixed(2)} s, ${idle.statusWrites} status writes, ` +
    `${idle.kafkaWrites} Kafka write requests, ${idle.cpuSeconds.toFixed(2)} s of the operator's CPU`,
);
console.log(describeIdleCpu(idle));
console.log(`operator memory: ${rssMiB(first.pid, 'VmRSS')} MiB RSS now, ${peakRss} MiB peak`);
await first.operator.stop();

// The bound, measured while the N users' credentials and ACLs are in Kafka, as they are when the
// operator deletes them (the broker matches each DeleteAcls filter against every ACL).
const costSample = Math.min(count, 1000);
const costs = await measureUserCosts(fixture, costSample);
console.log(describeUserCosts(costs, costSample));

// A restart: every user is reconciled again by an operator that knows nothing of them.
const restartedAt = performance.now();
const second = await startBenchOperator(namespace, fixture.env, resyncIntervalMs);
const readyReconciles = () =>
  readMetric(second.port, 'kao_reconciles_total', { kind: 'KafkaUser', result: 'ready' });
await waitFor(
  'every user to be reconciled after the restart',
  async () => ((await readyReconciles()) >= count ? true : undefined),
  count * 1_000,
  500,
);
const restartSeconds = (performance.now() - restartedAt) / 1000;
await waitUntilQuiet(second.port, 'KafkaUser');
const restartKafkaWrites = (
  await Promise.all(
    kafkaWriteOperations.map((operation) =>
      readMetric(second.port, 'kao_kafka_requests_total', { operation }),
    ),
  )
).reduce((a, b) => a + b, 0);
const restartStatusWrites = await readMetric(second.port, 'kao_status_writes_total', { kind: 'KafkaUser' });
console.log(
  `restart: all ${count} users reconciled ${restartSeconds.toFixed(2)} s after the operator started, ` +
    `${restartStatusWrites} status writes, ${restartKafkaWrites} Kafka write requests`,
);

// Clean up through the operator, so the shared broker keeps no credential or ACL of the run.
const deletions = await watchDeletions<KafkaUser>(watched);
const deletionCpu = startRunCpu(second.pid);
const deleteStart = performance.now();
await inParallel(names, 32, (name) => users.delete(name));
await deletions.done;
const deletionCpuPerUser = deletionCpu(count);
deletions.stop();
const deleteSeconds = (performance.now() - deleteStart) / 1000;
const deletedPerSecond = count / deleteSeconds;
console.log(
  `all ${count} deleted (credentials and ACLs removed) in ${deleteSeconds.toFixed(2)} s: ` +
    `${deletedPerSecond.toFixed(1)} users/s`,
);
await second.operator.stop();
await fixture.cleanup({ untilGone: true });

const share = (perSecond: number, group: string) => {
  const bound = costs.groups[group]?.boundPerSecond ?? Number.NaN;
  return `${perSecond.toFixed(1)} users/s is ${((100 * perSecond) / bound).toFixed(0)}% of the ${bound.toFixed(0)}/s this machine could give`;
};
console.log(`creation: ${share(usersPerSecond, newUser)}`);
console.log(describeRunCpu(creationCpuPerUser, costs.groups[newUser], 'user'));
console.log(`deletion: ${share(deletedPerSecond, deletedUser)}`);
console.log(describeRunCpu(deletionCpuPerUser, costs.groups[deletedUser], 'user'));
console.log(
  `users_per_s=${usersPerSecond.toFixed(1)} deleted_per_s=${deletedPerSecond.toFixed(1)} rss_mib=${peakRss} ` +
    `idle_resync_s=${idle.seconds.toFixed(2)} idle_resync_writes=${idle.statusWrites + idle.kafkaWrites}`,
);
