// What the benchmarks share: bounded parallel work, the operator's memory, watching resources turn
// Ready, and measuring one idle full resync through the operator's metrics.
import { readFileSync } from 'node:fs';
import type { KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import type { PooledKubeConfig } from '../src/actors/kubernetes/pooled-kube-config.ts';
import { ResourceInformer } from '../src/supervisor/informer.ts';
import { readMetric } from '../test/support/metrics.ts';
import { type OperatorProcess, startOperatorProcess } from '../test/support/operator-process.ts';

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
// to profile it, or --max-old-space-size=256 to bound its heap) pass through.
export async function startBenchOperator(
  name: string,
  env: Record<string, string>,
  resyncIntervalMs: number,
): Promise<{ operator: OperatorProcess; port: number; pid: number }> {
  const operator = startOperatorProcess(name, {
    ...env,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    RECONCILE_CONCURRENCY: '64',
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
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

export interface ReadinessWatch {
  // Resolves once `count` resources have been Ready.
  allReady: Promise<void>;
  stop(): void;
}

// Readiness is watched, not polled: listing thousands of resources every few hundred
// milliseconds would load the apiserver the operator is measured against.
export async function watchReadiness<R extends KubernetesObject>(options: {
  kubeConfig: PooledKubeConfig;
  api: { group: string; version: string; plural: string };
  namespace: string;
  count: number;
  isReady: (resource: R) => boolean;
}): Promise<ReadinessWatch> {
  const informer = new ResourceInformer<R>({
    kubeConfig: options.kubeConfig,
    ...options.api,
    namespaces: [options.namespace],
    logger: pino({ level: 'warn' }),
  });
  const ready = new Set<string>();
  const allReady = new Promise<void>((resolve) => {
    const countReady = (resource: R) => {
      if (options.isReady(resource)) ready.add(resource.metadata?.name ?? '');
      if (ready.size >= options.count) resolve();
    };
    informer.on('add', countReady);
    informer.on('update', countReady);
  });
  await informer.start();
  return { allReady, stop: () => informer.stop() };
}

export interface IdleResync {
  seconds: number;
  statusWrites: number;
  kafkaWrites: number;
}

// One idle full resync: every resource is reconciled again and nothing should be written.
export async function measureIdleResync(
  port: number,
  kind: string,
  count: number,
  writeOperations: string[],
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
  let reconcilesBefore = await readyReconciles();
  for (let quietSince = performance.now(); performance.now() - quietSince < 3_000; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await readyReconciles();
    if (now !== reconcilesBefore) {
      reconcilesBefore = now;
      quietSince = performance.now();
    }
  }
  const statusWritesBefore = await readMetric(port, 'kao_status_writes_total', { kind });
  const kafkaWritesBefore = await kafkaWrites();
  let start = 0;
  for (;;) {
    const done = (await readyReconciles()) - reconcilesBefore;
    if (done > 0 && start === 0) start = performance.now();
    if (done >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    seconds: (performance.now() - start) / 1000,
    statusWrites: (await readMetric(port, 'kao_status_writes_total', { kind })) - statusWritesBefore,
    kafkaWrites: (await kafkaWrites()) - kafkaWritesBefore,
  };
}
