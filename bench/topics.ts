// Benchmark: N KafkaTopics through the operator against the real apiserver, Kafka and Redis,
// compared with creating the same number of topics directly with one admin client (the floor),
// in the same run. Usage: npm run bench:topics [-- N]   (N defaults to 1000)

import { readFileSync } from 'node:fs';
import { Admin } from '@platformatic/kafka';
import { pino } from 'pino';
import type { KafkaTopic } from '../src/api/kafka-topic.ts';
import { ResourceInformer } from '../src/supervisor/informer.ts';
import { isReady, kafkaTopicApi } from '../test/support/kafka-topics.ts';
import { readMetric } from '../test/support/metrics.ts';
import { operatorFixture } from '../test/support/operator-fixture.ts';
import { startOperatorProcess } from '../test/support/operator-process.ts';

const count = Number(process.argv[2] ?? process.env.N ?? 1000);
if (!Number.isInteger(count) || count < 1)
  throw new Error(`N must be a positive integer, not ${process.argv[2]}`);
const resyncIntervalMs = Math.max(30_000, count * 10);
const batch = 500;

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

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
for (let i = 0; i < count; i += batch) {
  await admin.createTopics({
    topics: floorNames.slice(i, i + batch),
    partitions: 1,
    replicas: 1,
    configs: config,
  });
}
const floorSeconds = (performance.now() - floorStart) / 1000;
console.log(`floor: ${count} topics created directly in ${floorSeconds.toFixed(2)} s`);
// Gone before the operator's run: a broker holds about one open file per partition, and this
// machine allows 20,000.
for (let i = 0; i < count; i += batch) await admin.deleteTopics({ topics: floorNames.slice(i, i + batch) });

const operator = startOperatorProcess(namespace, {
  ...fixture.env,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  RECONCILE_CONCURRENCY: '64',
  // e.g. --cpu-prof to profile the operator, or --max-old-space-size=256 to bound its heap.
  ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  RESYNC_INTERVAL_MS: String(resyncIntervalMs),
});
const port = await operator.httpPort();
const pid = operator.process.pid ?? 0;

// Readiness is watched, not polled: listing thousands of KafkaTopics every few hundred
// milliseconds would load the apiserver the operator is measured against.
const readiness = new ResourceInformer<KafkaTopic>({
  kubeConfig: fixture.kc,
  ...kafkaTopicApi,
  namespaces: [namespace],
  logger: pino({ level: 'warn' }),
});
const readyTopics = new Set<string>();
const allReady = new Promise<void>((resolve) => {
  const countReady = (topic: KafkaTopic) => {
    if (isReady(topic)) readyTopics.add(topic.metadata?.name ?? '');
    if (readyTopics.size >= count) resolve();
  };
  readiness.on('add', countReady);
  readiness.on('update', countReady);
});
await readiness.start();

const names = Array.from({ length: count }, (_, i) => `t-${i}`);
const start = performance.now();
await inParallel(names, 32, (name) =>
  topics.create(name, {
    topicName: `op-${namespace}-${name}`,
    partitions: 1,
    replicas: 1,
    config: { 'retention.ms': 7200000, 'segment.bytes': 1073741824 },
  }),
);
const createdSeconds = (performance.now() - start) / 1000;
console.log(`${count} KafkaTopics created in the apiserver in ${createdSeconds.toFixed(2)} s`);

await allReady;
readiness.stop();
const readySeconds = (performance.now() - start) / 1000;
const topicsPerSecond = count / readySeconds;
console.log(`all ${count} Ready after ${readySeconds.toFixed(2)} s: ${topicsPerSecond.toFixed(1)} topics/s`);

// One idle full resync: every topic is reconciled again and nothing should be written.
const writeOperations = ['createTopics', 'incrementalAlterConfigs', 'createPartitions', 'deleteTopics'];
const kafkaWrites = async () =>
  (
    await Promise.all(
      writeOperations.map((operation) => readMetric(port, 'kao_kafka_requests_total', { operation })),
    )
  ).reduce((a, b) => a + b, 0);
const readyReconciles = () =>
  readMetric(port, 'kao_reconciles_total', { kind: 'KafkaTopic', result: 'ready' });
// A periodic resync may have started while the topics were still being created: wait until the
// operator is quiet, so the resync measured below is the next one, whole.
let reconcilesBefore = await readyReconciles();
for (let quietSince = performance.now(); performance.now() - quietSince < 3_000; ) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const now = await readyReconciles();
  if (now !== reconcilesBefore) {
    reconcilesBefore = now;
    quietSince = performance.now();
  }
}
const statusWritesBefore = await readMetric(port, 'kao_status_writes_total', { kind: 'KafkaTopic' });
const kafkaWritesBefore = await kafkaWrites();
let resyncStart = 0;
for (;;) {
  const done = (await readyReconciles()) - reconcilesBefore;
  if (done > 0 && resyncStart === 0) resyncStart = performance.now();
  if (done >= count) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const resyncSeconds = (performance.now() - resyncStart) / 1000;
const statusWrites =
  (await readMetric(port, 'kao_status_writes_total', { kind: 'KafkaTopic' })) - statusWritesBefore;
const kafkaWriteRequests = (await kafkaWrites()) - kafkaWritesBefore;
const rss = rssMiB(pid, 'VmRSS');
const peakRss = rssMiB(pid, 'VmHWM');
console.log(
  `idle resync of ${count} topics: ${resyncSeconds.toFixed(2)} s, ${statusWrites} status writes, ` +
    `${kafkaWriteRequests} Kafka write requests`,
);
console.log(`operator memory: ${rss} MiB RSS now, ${peakRss} MiB peak`);

await operator.stop();
// Clean up without the operator: finalizers off, the topics deleted, the namespace gone.
await inParallel(names, 32, (name) => topics.patch(name, { metadata: { finalizers: null } }));
for (let i = 0; i < count; i += batch) {
  await admin.deleteTopics({ topics: names.slice(i, i + batch).map((n) => `op-${namespace}-${n}`) });
}
await admin.close();
await fixture.cleanup();

const ratio = readySeconds / floorSeconds;
console.log(
  `topics_per_s=${topicsPerSecond.toFixed(1)} ratio_to_floor=${ratio.toFixed(2)} rss_mib=${peakRss} ` +
    `idle_resync_writes=${statusWrites + kafkaWriteRequests}`,
);
