// Benchmark: N KafkaTopics through the operator against the real apiserver, Kafka and Redis,
// compared with creating the same number of topics directly with one admin client (the floor),
// in the same run. Usage: npm run bench:topics [-- N]   (N defaults to 1000)

import { Admin } from '@platformatic/kafka';
import type { KafkaTopic } from '../src/api/kafka-topic.ts';
import { isReady, kafkaTopicApi } from '../test/support/kafka-topics.ts';
import { operatorFixture } from '../test/support/operator-fixture.ts';
import {
  benchCount,
  benchTopicSpec,
  describeIdleCpu,
  inBatches,
  inParallel,
  measureIdleResync,
  rssMiB,
  startBenchOperator,
  watchReadiness,
} from './bench-support.ts';
import { describeRunCpu, startRunCpu } from './machine-costs.ts';
import { describeTopicCost, measureNewTopicCost, newTopic } from './topic-costs.ts';

const count = benchCount(1000);
const resyncIntervalMs = Math.max(30_000, count * 10);
const batch = 500;

const fixture = await operatorFixture('bench');
const { kafka, namespace, kafkaTopics: topics } = fixture;
const admin = new Admin({ clientId: 'bench-floor', bootstrapBrokers: [kafka.bootstrap] });
const config = [
  { name: 'retention.ms', value: '7200000' },
  { name: 'segment.bytes', value: '1073741824' },
];

console.log(`N=${count} topics, Kafka ${kafka.version}, namespace ${namespace}`);

// The floor: the same number of topics created directly, in batches of ${batch}.
const floorNames = Array.from({ length: count }, (_, i) => `floor-${namespace}-${i}`);
const floorStart = performance.now();
await inBatches(floorNames, batch, (topics) =>
  admin.createTopics({ topics, partitions: 1, replicas: 1, configs: config }),
);
const floorSeconds = (performance.now() - floorStart) / 1000;
console.log(`floor: ${count} topics created directly in ${floorSeconds.toFixed(2)} s`);
// Gone before the operator's run: a broker holds about one open file per partition, and this
// machine allows 20,000.
await inBatches(floorNames, batch, (topics) => admin.deleteTopics({ topics }));

const { operator, port, pid } = await startBenchOperator(namespace, fixture.env, resyncIntervalMs);

const readiness = await watchReadiness<KafkaTopic>({
  kubeConfig: fixture.kc,
  api: kafkaTopicApi,
  namespace,
  count,
  isReady,
});

const names = Array.from({ length: count }, (_, i) => `t-${i}`);
const creationCpu = startRunCpu(pid);
const start = performance.now();
await inParallel(names, 32, (name) => topics.create(name, benchTopicSpec(`op-${namespace}-${name}`)));
const createdSeconds = (performance.now() - start) / 1000;
console.log(`${count} KafkaTopics created in the apiserver in ${createdSeconds.toFixed(2)} s`);

await readiness.done;
const creationCpuPerTopic = creationCpu(count);
readiness.stop();
const readySeconds = (performance.now() - start) / 1000;
const topicsPerSecond = count / readySeconds;
console.log(`all ${count} Ready after ${readySeconds.toFixed(2)} s: ${topicsPerSecond.toFixed(1)} topics/s`);

const idle = await measureIdleResync(port, pid, 'KafkaTopic', count, [
  'createTopics',
  'incrementalAlterConfigs',
  'createPartitions',
  'deleteTopics',
]);
const rss = rssMiB(pid, 'VmRSS');
const peakRss = rssMiB(pid, 'VmHWM');
console.log(
  `idle resync of ${count} topics: ${idle.seconds.toFixed(2)} s, ${idle.statusWrites} status writes, ` +
    `${idle.kafkaWrites} Kafka write requests, ${idle.cpuSeconds.toFixed(2)} s of the operator's CPU`,
);
console.log(describeIdleCpu(idle));
console.log(`operator memory: ${rss} MiB RSS now, ${peakRss} MiB peak`);

await operator.stop();
// The baseline of this machine: what the writes and the Kafka topics cost without the operator,
// measured once it has stopped and before the clean-up deletes anything.
const costSample = Math.min(count, 1000);
const costs = await measureNewTopicCost(fixture, costSample);
console.log(describeTopicCost(costs, costSample));
const bound = costs.groups[newTopic]?.boundPerSecond ?? Number.NaN;

// Clean up without the operator: finalizers off, the topics deleted, the namespace gone.
await inParallel(names, 32, (name) => topics.patch(name, { metadata: { finalizers: null } }));
await inBatches(
  names.map((name) => `op-${namespace}-${name}`),
  batch,
  (topics) => admin.deleteTopics({ topics }),
);
await admin.close();
await fixture.cleanup({ untilGone: true });

const ratio = readySeconds / floorSeconds;
console.log(describeRunCpu(creationCpuPerTopic, costs.groups[newTopic], 'topic'));
console.log(
  `${topicsPerSecond.toFixed(1)} topics/s is ${((100 * topicsPerSecond) / bound).toFixed(0)}% ` +
    `of the ${bound.toFixed(0)} topics/s this machine could give`,
);
console.log(
  `topics_per_s=${topicsPerSecond.toFixed(1)} ratio_to_floor=${ratio.toFixed(2)} rss_mib=${peakRss} ` +
    `idle_resync_writes=${idle.statusWrites + idle.kafkaWrites}`,
);
