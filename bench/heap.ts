// Benchmark: where the operator's heap goes per resource. Runs the operator against the real
// apiserver, Kafka and Redis, takes a heap snapshot of it once its caches have synced (the baseline)
// and again once N KafkaUsers or KafkaTopics are Ready and it is quiet, and prints the live bytes by
// holder (xstate actor, machine snapshot, informer caches, ACL snapshot, queue, ...) in both, and the
// growth per resource. Usage: npm run bench:heap [-- N [users|topics]]   (N defaults to 1000)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { isReady as isTopicReady, kafkaTopicApi } from '../test/support/kafka-topics.ts';
import { isReady as isUserReady, kafkaUserApi, kafkaUserClient } from '../test/support/kafka-users.ts';
import { operatorFixture } from '../test/support/operator-fixture.ts';
import { waitFor } from '../test/support/wait.ts';
import {
  benchCount,
  benchTopicSpec,
  benchUserSpec,
  inBatches,
  inParallel,
  rssMiB,
  startBenchOperator,
  waitUntilQuiet,
  watchReadiness,
} from './bench-support.ts';
import { attributeHeap, type HeapAttribution } from './heap-snapshot.ts';

const count = benchCount(1000);
const resources = process.argv[3] ?? 'users';
if (resources !== 'users' && resources !== 'topics')
  throw new Error(`the resources are users or topics, not ${resources}`);
const kind = resources === 'users' ? 'KafkaUser' : 'KafkaTopic';

const fixture = await operatorFixture(`bench-heap-${resources}`);
const { kafka, namespace } = fixture;
const snapshotDirectory = mkdtempSync(join(tmpdir(), 'kao-heap-'));
console.log(`N=${count} ${kind}s, Kafka ${kafka.version}, namespace ${namespace}`);

const { operator, port, pid } = await startBenchOperator(
  namespace,
  fixture.env,
  Math.max(30_000, count * 100),
  ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDirectory}`],
);

// Node writes the snapshot on the signal, synchronously on the operator's main thread; the file is
// whole once its JSON has closed.
async function heapSnapshot(): Promise<HeapAttribution> {
  const before = new Set(readdirSync(snapshotDirectory));
  process.kill(pid, 'SIGUSR2');
  const file = await waitFor(
    'the operator to write its heap snapshot',
    async () => {
      const written = readdirSync(snapshotDirectory).find((name) => !before.has(name));
      if (written === undefined) return undefined;
      const path = join(snapshotDirectory, written);
      return readFileSync(path).subarray(-16).toString().trimEnd().endsWith(']}') ? path : undefined;
    },
    600_000,
  );
  const attribution = attributeHeap(file);
  // BENCH_HEAP_KEEP=1 keeps the snapshots, to open them in a browser's DevTools.
  if (process.env.BENCH_HEAP_KEEP === '1') console.log(`heap snapshot kept: ${file}`);
  else rmSync(file);
  return attribution;
}

// Baseline: leading with its caches synced, nothing to reconcile yet.
await waitFor('the operator to lead', async () =>
  operator.logs().some((line) => line.msg === 'leading: reconciling') ? true : undefined,
);
await waitUntilQuiet(port, kind);
const baseline = await heapSnapshot();
console.log(`baseline: ${(baseline.totalBytes / 2 ** 20).toFixed(1)} MiB live`);

const names = Array.from(
  { length: count },
  (_, i) => `${resources === 'users' ? 'u' : 't'}${i}-${namespace.slice(namespace.lastIndexOf('-') + 1)}`,
);
const topicName = (name: string) => `op-${namespace}-${name}`;
const users = kafkaUserClient(fixture.custom, fixture.core, namespace);
const readiness =
  resources === 'users'
    ? await watchReadiness({
        kubeConfig: fixture.kc,
        api: kafkaUserApi,
        namespace,
        count,
        isReady: isUserReady,
      })
    : await watchReadiness({
        kubeConfig: fixture.kc,
        api: kafkaTopicApi,
        namespace,
        count,
        isReady: isTopicReady,
      });
const start = performance.now();
await inParallel(names, 32, (name) =>
  resources === 'users'
    ? users.create(name, benchUserSpec(name))
    : fixture.kafkaTopics.create(name, benchTopicSpec(topicName(name))),
);
await readiness.done;
readiness.stop();
console.log(`all ${count} Ready after ${((performance.now() - start) / 1000).toFixed(1)} s`);
await waitUntilQuiet(port, kind);
const loaded = await heapSnapshot();
console.log(
  `with ${count} ${kind}s: ${(loaded.totalBytes / 2 ** 20).toFixed(1)} MiB live, ${rssMiB(pid, 'VmRSS')} MiB RSS`,
);

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const perResource = (atN: number, atBaseline: number) => Math.round((atN - atBaseline) / count);
const holderNames = [...new Set([...loaded.byHolder.keys(), ...baseline.byHolder.keys()])].sort(
  (a, b) =>
    (loaded.byHolder.get(b) ?? 0) -
    (baseline.byHolder.get(b) ?? 0) -
    ((loaded.byHolder.get(a) ?? 0) - (baseline.byHolder.get(a) ?? 0)),
);
console.log(`\n| holder | objects at N | baseline MiB | at N MiB | bytes per ${kind} |`);
console.log('| --- | --- | --- | --- | --- |');
for (const holder of holderNames) {
  const atN = loaded.byHolder.get(holder) ?? 0;
  const atBaseline = baseline.byHolder.get(holder) ?? 0;
  console.log(
    `| ${holder} | ${loaded.holders.get(holder) ?? '-'} | ${mib(atBaseline)} | ${mib(atN)} | ${perResource(atN, atBaseline)} |`,
  );
}
console.log(
  `| all | | ${mib(baseline.totalBytes)} | ${mib(loaded.totalBytes)} | ${perResource(loaded.totalBytes, baseline.totalBytes)} |`,
);

// What inside the holders grows with N: the 25 largest by bytes per resource.
console.log(`\nthe objects that grow most, by holder (bytes per ${kind}):`);
const grown = [...loaded.byHolderAndObject]
  .map(([what, bytes]) => [what, perResource(bytes, baseline.byHolderAndObject.get(what) ?? 0)] as const)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 25);
for (const [what, bytes] of grown) console.log(`  ${String(bytes).padStart(6)}  ${what}`);

// Clean up: users through the operator, so the shared broker keeps no credential or ACL of the run;
// topics without it, as the topic benchmark does.
if (resources === 'users') {
  await inParallel(names, 32, (name) => users.delete(name));
  await waitFor(
    'every KafkaUser to be gone',
    async () => ((await users.list()).length === 0 ? true : undefined),
    count * 1_000,
  );
  await operator.stop();
} else {
  await operator.stop();
  await inParallel(names, 32, (name) => fixture.kafkaTopics.patch(name, { metadata: { finalizers: null } }));
  const admin = new Admin({ clientId: 'bench-heap', bootstrapBrokers: [kafka.bootstrap] });
  await inBatches(names.map(topicName), 500, (topics) => admin.deleteTopics({ topics }));
  await admin.close();
}
await fixture.cleanup({ untilGone: true });
if (process.env.BENCH_HEAP_KEEP !== '1') rmSync(snapshotDirectory, { recursive: true, force: true });
console.log(
  `heap_bytes_per_${kind.toLowerCase()}=${perResource(loaded.totalBytes, baseline.totalBytes)} live_mib=${mib(loaded.totalBytes)}`,
);
