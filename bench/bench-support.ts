// What the benchmarks share: bounded parallel work, the operator's memory, watching resources turn
// Ready, and measuring one idle full resync through the operator's metrics.
import { readFileSync } from 'node:fs';
import type { KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import type { PooledKubeConfig } from '../src/actors/kubernetes/pooled-kube-config.ts';
import { ResourceInformer } from '../src/supervisor/informer.ts';
import { readMetric } from '../test/support/metrics.ts';
import { type OperatorProcess, startOperatorProcess } from '../test/support/operator-process.ts';

// N, the benchmark's resource count: its first argument, else $N, else the default.
export function benchCount(defaultCount: number, least = 1): number {
  const count = Number(process.argv[2] ?? process.env.N ?? defaultCount);
  if (!Number.isInteger(count) || count < least)
    throw new Error(`N must be an integer of at least ${least}, not ${process.argv[2]}`);
  return count;
}

export async function inParallel<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

// The operator as the benchmarks run it. BENCH_LOG_LEVEL and BENCH_NODE_OPTIONS (e.g. --cpu-prof
// to profile it, or --max-old-space-size=256 to bound its heap) pass through; a benchmark adds its
// own node options after them.
export async function startBenchOperator(
  name: string,
  env: Record<string, string>,
  resyncIntervalMs: number,
  nodeOptions: string[] = [],
): Promise<{ operator: OperatorProcess; port: number; pid: number }> {
  const allNodeOptions = [process.env.BENCH_NODE_OPTIONS ?? '', ...nodeOptions].join(' ').trim();
  const operator = startOperatorProcess(name, {
    ...env,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    RECONCILE_CONCURRENCY: '64',
    ...(allNodeOptions ? { NODE_OPTIONS: allNodeOptions } : {}),
    RESYNC_INTERVAL_MS: String(resyncIntervalMs),
  });
  return { operator, port: await operator.httpPort(), pid: operator.process.pid ?? 0 };
}

// Calls `work` with consecutive slices of at most `size` items, one after the other.
export async function inBatches<T>(
  items: T[],
  size: number,
  work: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await work(items.slice(i, i + size));
}

// utime + stime of a process, in ms (Linux counts them in ticks of 10 ms).
export function processCpuMs(pid: number | string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

export interface CountingWatch {
  // Resolves once `count` resources have been counted.
  done: Promise<void>;
  stop(): void;
}

interface WatchedKind {
  kubeConfig: PooledKubeConfig;
  api: { group: string; version: string; plural: string };
  namespace: string;
  count: number;
}

// Counts distinct resources as the informer's events show them: watched, not polled, as listing
// thousands of resources every few hundred milliseconds would load the apiserver the operator is
// measured against.
async function countByWatch<R extends KubernetesObject>(
  options: WatchedKind,
  on: (informer: ResourceInformer<R>, count: (resource: R) => void) => void,
): Promise<CountingWatch> {
  const informer = new ResourceInformer<R>({
    kubeConfig: options.kubeConfig,
    ...options.api,
    namespaces: [options.namespace],
    logger: pino({ level: 'warn' }),
  });
  const counted = new Set<string>();
  const done = new Promise<void>((resolve) => {
    on(informer, (resource) => {
      counted.add(resource.metadata?.name ?? '');
      if (counted.size >= options.count) resolve();
    });
  });
  await informer.start();
  return { done, stop: () => informer.stop() };
}

export function watchReadiness<R extends KubernetesObject>(
  options: WatchedKind & { isReady: (resource: R) => boolean },
): Promise<CountingWatch> {
  return countByWatch<R>(options, (informer, count) => {
    const countReady = (resource: R) => {
      if (options.isReady(resource)) count(resource);
    };
    informer.on('add', countReady);
    informer.on('update', countReady);
  });
}

// Counts the resources the apiserver has deleted (finalizers gone).
export function watchDeletions<R extends KubernetesObject>(options: WatchedKind): Promise<CountingWatch> {
  return countByWatch<R>(options, (informer, count) => informer.on('delete', count));
}

export interface IdleResync {
  seconds: number;
  // The operator's CPU over the resync (from its first reconcile seen to its last).
  cpuSeconds: number;
  statusWrites: number;
  kafkaWrites: number;
  // The operator's CPU over a window after the resync in which this benchmark sends it nothing
  // (it reads /proc only), as a share of one core, and how long that window was; undefined when a
  // reconcile ran within it (the next resync began too soon), as the figure would not be idle.
  idleCpuPercent: number | undefined;
  idleSeconds: number;
}

// Waits until no reconcile of `kind` has ended Ready for 3 s; returns how many have.
export async function waitUntilQuiet(port: number, kind: string): Promise<number> {
  const readyReconciles = () => readMetric(port, 'kao_reconciles_total', { kind, result: 'ready' });
  let reconciles = await readyReconciles();
  for (let quietSince = performance.now(); performance.now() - quietSince < 3_000; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await readyReconciles();
    if (now !== reconciles) {
      reconciles = now;
      quietSince = performance.now();
    }
  }
  return reconciles;
}

// The KafkaUser of the user benchmarks: SCRAM-SHA-512, Read and Write on its own topic prefix,
// Read on its own group (3 ACLs).
export function benchUserSpec(name: string) {
  return {
    authentication: { type: 'scram-sha-512' as const },
    authorization: {
      type: 'simple' as const,
      acls: [
        {
          resource: { type: 'topic' as const, name: `${name}-`, patternType: 'prefix' as const },
          operations: ['Read' as const, 'Write' as const],
        },
        { resource: { type: 'group' as const, name }, operations: ['Read' as const] },
      ],
    },
  };
}

// The KafkaTopic of the topic benchmarks: 1 partition, 1 replica, two config keys.
export function benchTopicSpec(topicName: string) {
  return {
    topicName,
    partitions: 1,
    replicas: 1,
    config: { 'retention.ms': 7200000, 'segment.bytes': 1073741824 },
  };
}

// One idle full resync: every resource is reconciled again and nothing should be written. Then the
// operator's CPU while idle, over `idleWindowMs` that ends before the next resync begins.
export async function measureIdleResync(
  port: number,
  pid: number,
  kind: string,
  count: number,
  writeOperations: string[],
  idleWindowMs = 20_000,
): Promise<IdleResync> {
  const kafkaWrites = async () =>
    (
      await Promise.all(
        writeOperations.map((operation) => readMetric(port, 'kao_kafka_requests_total', { operation })),
      )
    ).reduce((a, b) => a + b, 0);
  const readyReconciles = () => readMetric(port, 'kao_reconciles_total', { kind, result: 'ready' });
  // A periodic resync may have started while the resources were still being created: wait until
  // the operator is quiet, so the resync measured is the next one, whole.
  const reconcilesBefore = await waitUntilQuiet(port, kind);
  const statusWritesBefore = await readMetric(port, 'kao_status_writes_total', { kind });
  const kafkaWritesBefore = await kafkaWrites();
  let start = 0;
  let cpuAtStart = 0;
  for (;;) {
    const done = (await readyReconciles()) - reconcilesBefore;
    if (done > 0 && start === 0) {
      start = performance.now();
      cpuAtStart = processCpuMs(pid);
    }
    if (done >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = (processCpuMs(pid) - cpuAtStart) / 1000;
  const statusWrites = (await readMetric(port, 'kao_status_writes_total', { kind })) - statusWritesBefore;
  const kafkaWritesDuring = (await kafkaWrites()) - kafkaWritesBefore;
  const reconcilesAfter = await waitUntilQuiet(port, kind);
  const idleFrom = performance.now();
  const idleCpuFrom = processCpuMs(pid);
  await new Promise((resolve) => setTimeout(resolve, idleWindowMs));
  const idleCpuMs = processCpuMs(pid) - idleCpuFrom;
  const idleMs = performance.now() - idleFrom;
  const stayedIdle = (await readyReconciles()) === reconcilesAfter;
  return {
    seconds,
    cpuSeconds,
    statusWrites,
    kafkaWrites: kafkaWritesDuring,
    idleCpuPercent: stayedIdle ? (100 * idleCpuMs) / idleMs : undefined,
    idleSeconds: idleMs / 1000,
  };
}

// The idle CPU line of the benchmarks.
export function describeIdleCpu(idle: IdleResync): string {
  const window = `${idle.idleSeconds.toFixed(0)} s after the resync, with no request to it`;
  return idle.idleCpuPercent === undefined
    ? `operator CPU while idle: not measured, a reconcile ran within the ${window}`
    : `operator CPU while idle: ${idle.idleCpuPercent.toFixed(2)}% of a core over the ${window}`;
}
