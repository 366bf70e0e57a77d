// What a new KafkaTopic costs this machine, measured without the operator: the CPU the apiserver,
// etcd and the controller-manager spend on each write a new topic needs (the user's create, then
// the operator's finalizer, status and Event, made with the operator's own code), the writing
// client's own CPU, and Kafka's CPU per topic created, including the logs the broker makes after it
// has answered. Their sum bounds topics/s on this machine whatever the operator does.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { CustomResources, resourceRef } from '../src/actors/kubernetes/custom-resources.ts';
import { EventRecorder } from '../src/actors/kubernetes/event-recorder.ts';
import { topicFinalizer } from '../src/actors/topic/topic-effects.ts';
import type { KafkaTopic } from '../src/api/kafka-topic.ts';
import { kafkaTopicType } from '../src/api/resources.ts';
import { runDirectory } from '../test/support/environment.ts';
import { kafkaTopicApi, kafkaTopicClient } from '../test/support/kafka-topics.ts';
import { namespaceGone, type operatorFixture } from '../test/support/operator-fixture.ts';
import { inBatches, inParallel, processCpuMs } from './bench-support.ts';

const services = ['kube-apiserver', 'etcd', 'kube-controller-manager', 'kafka-1'] as const;
type Service = (typeof services)[number];
type CpuMs = Record<Service | 'client', number>;

function serviceCpuMs(service: Service): number {
  return processCpuMs(readFileSync(join(runDirectory, 'pids', `${service}.pid`), 'utf8').trim());
}

function cpuNow(): CpuMs {
  const own = process.cpuUsage();
  const sample = Object.fromEntries(services.map((s) => [s, serviceCpuMs(s)]));
  return { ...sample, client: (own.user + own.system) / 1000 } as CpuMs;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const perMs = (from: CpuMs, to: CpuMs, ms: number) =>
  Object.fromEntries(
    Object.keys(to).map((k) => [k, (to[k as keyof CpuMs] - from[k as keyof CpuMs]) / ms]),
  ) as CpuMs;

// Each process's CPU per ms at rest: measured once no service has used more than a tenth of a core
// for a second (Kafka may still be deleting an earlier run's topics: it removes their files a minute
// later). If that never happens within 90 s, the quietest second seen stands, and `quiet` says so.
async function idleRates(): Promise<{ rates: CpuMs; quiet: boolean }> {
  let last = cpuNow();
  let quietest: CpuMs | undefined;
  const total = (rates: CpuMs) => services.reduce((sum, s) => sum + rates[s], 0);
  for (const start = performance.now(); performance.now() - start < 90_000; ) {
    await sleep(1_000);
    const now = cpuNow();
    const rates = perMs(last, now, 1_000);
    if (services.every((s) => rates[s] < 0.1)) return { rates, quiet: true };
    if (!quietest || total(rates) < total(quietest)) quietest = rates;
    last = now;
  }
  return { rates: quietest ?? perMs(last, cpuNow(), 1), quiet: false };
}

// CPU the services and this process spend on `work`, minus what they spend idle. Work goes on after
// the answers (Kafka creates a topic's logs once the controller has committed it), so the count ends
// when every service is back to its idle rate, or after 30 s.
async function cpuOf(work: () => Promise<unknown>, idlePerMs: CpuMs): Promise<CpuMs> {
  const before = cpuNow();
  const start = performance.now();
  await work();
  for (let last = cpuNow(); performance.now() - start < 30_000; ) {
    await sleep(500);
    const now = cpuNow();
    const rates = perMs(last, now, 500);
    if (services.every((s) => rates[s] <= idlePerMs[s] + 0.05)) break;
    last = now;
  }
  const after = cpuNow();
  const elapsed = performance.now() - start;
  const spent = (key: keyof CpuMs) => Math.max(0, after[key] - before[key] - idlePerMs[key] * elapsed);
  return Object.fromEntries([...services, 'client'].map((k) => [k, spent(k as keyof CpuMs)])) as CpuMs;
}

export interface TopicCost {
  // CPU ms per topic, by step and by process.
  steps: Record<string, CpuMs>;
  perTopicMs: number;
  // topics/s this machine's cores could give if the processes above did nothing else.
  boundTopicsPerSecond: number;
  // false: the services never went quiet before the measurement, so its figures are rough.
  quiet: boolean;
}

type Fixture = Awaited<ReturnType<typeof operatorFixture>>;

export async function measureNewTopicCost(fixture: Fixture, sample: number): Promise<TopicCost> {
  // A namespace of its own, so the operator started later never sees these KafkaTopics.
  const namespace = `${fixture.namespace}-costs`;
  await fixture.core.createNamespace({ body: { metadata: { name: namespace } } });
  const resources = new CustomResources(fixture.kc);
  const events = new EventRecorder(fixture.kc, 'kafka-actor-operator', 'bench');
  const admin = new Admin({ clientId: 'bench-costs', bootstrapBrokers: [fixture.kafka.bootstrap] });
  const names = Array.from({ length: sample }, (_, i) => `cost-${namespace}-${i}`);
  const created = new Map<string, KafkaTopic>();

  const { rates: idlePerMs, quiet } = await idleRates();

  const each = (write: (name: string) => Promise<unknown>) => () => inParallel(names, 32, write);
  // Kafka first: later steps leave it nothing to finish.
  const steps: Record<string, () => Promise<unknown>> = {
    'Kafka topic': async () => {
      await inBatches(names, 500, (topics) => admin.createTopics({ topics, partitions: 1, replicas: 1 }));
    },
    'create (the user)': each(async (name) => {
      const body = {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'KafkaTopic',
        metadata: { name, labels: { 'strimzi.io/cluster': 'test-cluster' } },
        spec: {
          partitions: 1,
          replicas: 1,
          config: { 'retention.ms': 7200000, 'segment.bytes': 1073741824 },
        },
      };
      created.set(
        name,
        (await fixture.custom.createNamespacedCustomObject({
          ...kafkaTopicApi,
          namespace,
          body,
        })) as KafkaTopic,
      );
    }),
    finalizer: each((name) =>
      resources.addFinalizer(kafkaTopicType, created.get(name) as KafkaTopic, topicFinalizer),
    ),
    status: each((name) =>
      resources.patchStatus(kafkaTopicType, resourceRef(created.get(name) as KafkaTopic), {
        topicName: name,
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        observedGeneration: 1,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }],
      }),
    ),
    Event: each((name) =>
      events.record(created.get(name) as KafkaTopic, {
        type: 'Normal',
        reason: 'StateReady',
        message: 'KafkaTopic is ready',
      }),
    ),
  };
  const measured: Record<string, CpuMs> = {};
  try {
    for (const [step, work] of Object.entries(steps)) {
      const spent = await cpuOf(work, idlePerMs);
      measured[step] = Object.fromEntries(Object.entries(spent).map(([k, ms]) => [k, ms / sample])) as CpuMs;
    }
  } finally {
    await inBatches(names, 500, (topics) => admin.deleteTopics({ topics }));
    await admin.close();
    const topics = kafkaTopicClient(fixture.custom, namespace);
    await inParallel([...created.keys()], 32, (name) =>
      topics.patch(name, { metadata: { finalizers: null } }),
    );
    await fixture.core.deleteNamespace({ name: namespace });
    await namespaceGone(fixture.core, namespace);
  }
  const perTopicMs = Object.values(measured)
    .flatMap((cpu) => Object.values(cpu))
    .reduce((a, b) => a + b, 0);
  return {
    steps: measured,
    quiet,
    perTopicMs,
    boundTopicsPerSecond: (availableParallelism() * 1000) / perTopicMs,
  };
}

export function describeTopicCost(cost: TopicCost, sample: number): string {
  const lines = Object.entries(cost.steps).map(
    ([step, cpu]) =>
      `  ${step.padEnd(18)} ${Object.entries(cpu)
        .filter(([, ms]) => ms >= 0.05)
        .map(([process, ms]) => `${process} ${ms.toFixed(2)}`)
        .join(', ')}`,
  );
  return [
    `CPU ms a new topic costs this machine without the operator (${sample} topics, idle load subtracted):`,
    ...lines,
    `  sum ${cost.perTopicMs.toFixed(1)} ms per topic on ${availableParallelism()} cores: at most ` +
      `${cost.boundTopicsPerSecond.toFixed(0)} topics/s with the writes a new topic needs`,
    ...(cost.quiet ? [] : ['  (rough: the services never went quiet for a second before it began)']),
  ].join('\n');
}
