// Benchmark: N SCRAM KafkaUsers with 3 ACLs each through the operator against the real apiserver,
// Kafka (SASL/SCRAM, StandardAuthorizer) and Redis: users per second until all are Ready, one idle
// resync, and the operator's memory. Usage: npm run bench:users [-- N]   (N defaults to 1000)
import type { KafkaUser } from '../src/api/kafka-user.ts';
import { isReady, kafkaUserApi, kafkaUserClient } from '../test/support/kafka-users.ts';
import { operatorFixture } from '../test/support/operator-fixture.ts';
import { waitFor } from '../test/support/wait.ts';
import {
  benchUserSpec,
  inParallel,
  measureIdleResync,
  rssMiB,
  startBenchOperator,
  watchReadiness,
} from './bench-support.ts';

const count = Number(process.argv[2] ?? process.env.N ?? 1000);
if (!Number.isInteger(count) || count < 1)
  throw new Error(`N must be a positive integer, not ${process.argv[2]}`);
// Longer than an idle resync takes (about 70 ms per user at 10,000): the one measured must end
// before the next begins, or the operator is never quiet.
const resyncIntervalMs = Math.max(30_000, count * 100);

const fixture = await operatorFixture('bench-users');
const { kafka, namespace } = fixture;
const users = kafkaUserClient(fixture.custom, fixture.core, namespace);
// Kafka users are named for the namespace: the broker is shared.
const suffix = namespace.slice(namespace.lastIndexOf('-') + 1);
const names = Array.from({ length: count }, (_, i) => `u${i}-${suffix}`);

console.log(`N=${count} SCRAM users with 3 ACLs each, Kafka ${kafka.version}, namespace ${namespace}`);

const { operator, port, pid } = await startBenchOperator(namespace, fixture.env, resyncIntervalMs);

const readiness = await watchReadiness<KafkaUser>({
  kubeConfig: fixture.kc,
  api: kafkaUserApi,
  namespace,
  count,
  isReady,
});

const start = performance.now();
await inParallel(names, 32, (name) => users.create(name, benchUserSpec(name)));
const createdSeconds = (performance.now() - start) / 1000;
console.log(`${count} KafkaUsers created in the apiserver in ${createdSeconds.toFixed(2)} s`);

await readiness.allReady;
readiness.stop();
const readySeconds = (performance.now() - start) / 1000;
const usersPerSecond = count / readySeconds;
console.log(`all ${count} Ready after ${readySeconds.toFixed(2)} s: ${usersPerSecond.toFixed(1)} users/s`);

const idle = await measureIdleResync(port, pid, 'KafkaUser', count, [
  'alterUserScramCredentials',
  'createAcls',
  'deleteAcls',
  'alterClientQuotas',
]);
const rss = rssMiB(pid, 'VmRSS');
const peakRss = rssMiB(pid, 'VmHWM');
console.log(
  `idle resync of ${count} users: ${idle.seconds.toFixed(2)} s, ${idle.statusWrites} status writes, ` +
    `${idle.kafkaWrites} Kafka write requests`,
);
console.log(
  `operator CPU while idle before it: ${idle.idleCpuPercent.toFixed(2)}% of a core over ${idle.idleSeconds.toFixed(0)} s`,
);
console.log(`operator memory: ${rss} MiB RSS now, ${peakRss} MiB peak`);

// Clean up through the operator, so the shared broker keeps no credential or ACL of the run.
const deleteStart = performance.now();
await inParallel(names, 32, (name) => users.delete(name));
await waitFor(
  'every KafkaUser to be gone',
  async () => ((await users.list()).length === 0 ? true : undefined),
  count * 1_000,
);
console.log(
  `all ${count} deleted (credentials and ACLs removed) in ${((performance.now() - deleteStart) / 1000).toFixed(2)} s`,
);
await operator.stop();
await fixture.cleanup({ untilGone: true });

console.log(`users_per_s=${usersPerSecond.toFixed(1)} rss_mib=${peakRss}`);
