// What the writes a new resource needs cost this machine, measured without the operator: the CPU
// the apiserver, etcd, the controller-manager and Kafka spend on each step (including what Kafka
// does after it has answered), and the writing client's own CPU, with each process's idle load
// subtracted. Their sum bounds resources/s on this machine's cores whatever the operator does.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { CustomResources } from '../src/actors/kubernetes/custom-resources.ts';
import { EventRecorder } from '../src/actors/kubernetes/event-recorder.ts';
import { runDirectory } from '../test/support/environment.ts';
import { namespaceGone, type operatorFixture } from '../test/support/operator-fixture.ts';
import { inParallel, processCpuMs } from './bench-support.ts';

const services = ['kube-apiserver', 'etcd', 'kube-controller-manager', 'kafka-1'] as const;
type Service = (typeof services)[number];
export type CpuMs = Record<Service | 'client', number>;

function serviceCpuMs(service: Service | 'redis'): number {
  return processCpuMs(readFileSync(join(runDirectory, 'pids', `${service}.pid`), 'utf8').trim());
}

function cpuNow(): CpuMs {
  const own = process.cpuUsage();
  const sample = Object.fromEntries(services.map((s) => [s, serviceCpuMs(s)]));
  return { ...sample, client: (own.user + own.system) / 1000 } as CpuMs;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const perMs = <T extends Record<string, number>>(from: T, to: T, ms: number) =>
  Object.fromEntries(Object.keys(to).map((k) => [k, ((to[k] ?? 0) - (from[k] ?? 0)) / ms])) as T;

// Each process's CPU per ms at rest: once no service has used more than a tenth of a core for a
// second (Kafka may still be deleting an earlier run's topics: it removes their files a minute later),
// its average over the next 5 s. One second is too short a sample: /proc counts in 10 ms ticks, and a
// process at 0.09 of a core for that second would have 1.8 s subtracted from a 20 s step. If no quiet
// second comes within 90 s, the quietest second seen stands, and `quiet` says so.
async function idleRates(): Promise<{ rates: CpuMs; quiet: boolean }> {
  let last = cpuNow();
  let quietest: CpuMs | undefined;
  const total = (rates: CpuMs) => services.reduce((sum, s) => sum + rates[s], 0);
  for (const start = performance.now(); performance.now() - start < 90_000; ) {
    await sleep(1_000);
    const now = cpuNow();
    const rates = perMs(last, now, 1_000);
    if (services.every((s) => rates[s] < 0.1)) {
      const windowStart = performance.now();
      await sleep(5_000);
      return { rates: perMs(now, cpuNow(), performance.now() - windowStart), quiet: true };
    }
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

export type Fixture = Awaited<ReturnType<typeof operatorFixture>>;

// Where the costs are measured: a namespace of their own, so that no operator sees the resources made
// there, and the operator's own writers of finalizers, status and Events. `remove` waits until the
// namespace is gone.
export async function costNamespace(fixture: Fixture) {
  const namespace = `${fixture.namespace}-costs`;
  await fixture.core.createNamespace({ body: { metadata: { name: namespace } } });
  return {
    namespace,
    resources: new CustomResources(fixture.kc),
    events: new EventRecorder(fixture.kc, 'kafka-actor-operator', 'bench'),
    remove: async () => {
      await fixture.core.deleteNamespace({ name: namespace });
      await namespaceGone(fixture.core, namespace);
    },
  };
}

// The steps one resource needs, each done for every resource of the sample.
export type Steps = Record<string, () => Promise<unknown>>;

// One round's resources: their names (added to `all`, for the clean-up) and a step that makes one
// write for each of them, 32 at a time.
export function sampleRound(all: string[], names: string[]) {
  all.push(...names);
  return {
    names,
    each: (write: (name: string) => Promise<unknown>) => () => inParallel(names, 32, write),
  };
}

export interface StepCosts {
  // CPU ms per resource, by step and by process, of the round whose sum is the median.
  steps: Record<string, CpuMs>;
  perResourceMs: number;
  // resources/s this machine's cores could give if the processes above did nothing else than
  // this and their idle work (which the run cannot use either).
  boundPerSecond: number;
  // Every round's sum, in the order measured: how far the bound moves between rounds.
  roundsMs: number[];
}

export interface MachineCosts {
  // By group of steps (e.g. "a new user", "a deleted user"), measured in the order given.
  groups: Record<string, StepCosts>;
  // false: the services never went quiet before the measurement, so its figures are rough.
  quiet: boolean;
  // Of the machine's cores, what the services use while idle.
  idleCores: number;
}

// The apiserver's collections and etcd's compactions land in one step or the next and move a single
// round's sum by ±10%, so the groups are measured in three rounds, each on resources of its own
// (`groupsOfRound` makes them), and each group keeps its median round.
const rounds = 3;

export async function measureStepCosts(
  groupsOfRound: (round: number) => Record<string, Steps>,
  sample: number,
): Promise<MachineCosts> {
  const { rates: idlePerMs, quiet } = await idleRates();
  const idleCores = services.reduce((sum, service) => sum + idlePerMs[service], 0);
  const freeCores = availableParallelism() - idleCores;
  const measured: Record<string, Pick<StepCosts, 'steps' | 'perResourceMs'>[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [group, steps] of Object.entries(groupsOfRound(round))) {
      const perStep: Record<string, CpuMs> = {};
      for (const [step, work] of Object.entries(steps)) {
        const spent = await cpuOf(work, idlePerMs);
        perStep[step] = Object.fromEntries(Object.entries(spent).map(([k, ms]) => [k, ms / sample])) as CpuMs;
      }
      const perResourceMs = Object.values(perStep)
        .flatMap((cpu) => Object.values(cpu))
        .reduce((a, b) => a + b, 0);
      measured[group] ??= [];
      measured[group].push({ steps: perStep, perResourceMs });
    }
  }
  const groups = Object.fromEntries(
    Object.entries(measured).map(([group, measuredRounds]): [string, StepCosts] => {
      const bySum = [...measuredRounds].sort((a, b) => a.perResourceMs - b.perResourceMs);
      const median = bySum[Math.floor((bySum.length - 1) / 2)] as (typeof measuredRounds)[number];
      return [
        group,
        {
          ...median,
          boundPerSecond: (freeCores * 1000) / median.perResourceMs,
          roundsMs: measuredRounds.map((r) => r.perResourceMs),
        },
      ];
    }),
  );
  return { groups, quiet, idleCores };
}

export function describeStepCosts(costs: MachineCosts, sample: number, noun: string): string {
  const lines = Object.entries(costs.groups).flatMap(([group, cost]) => [
    `  ${group}:`,
    ...Object.entries(cost.steps).map(
      ([step, cpu]) =>
        `    ${step.padEnd(24)} ${Object.entries(cpu)
          .filter(([, ms]) => ms >= 0.05)
          .map(([process, ms]) => `${process} ${ms.toFixed(2)}`)
          .join(', ')}`,
    ),
    `    sum ${cost.perResourceMs.toFixed(1)} ms per ${noun} on ${availableParallelism()} cores less ` +
      `${costs.idleCores.toFixed(2)} of idle load: at most ` +
      `${cost.boundPerSecond.toFixed(0)} ${noun}s/s (the median of ${cost.roundsMs.length} rounds: ` +
      `${cost.roundsMs.map((ms) => ms.toFixed(1)).join(', ')} ms)`,
  ]);
  return [
    `CPU ms the writes of a ${noun} cost this machine without the operator (${sample} ${noun}s, idle load subtracted):`,
    ...lines,
    ...(costs.quiet ? [] : ['  (rough: the services never went quiet for a second before it began)']),
  ].join('\n');
}

// Where a run's CPU goes: each service's, Redis's, the operator's and this benchmark's own (`client`),
// from the call until the returned function is called, per resource. Read beside the bound's costs,
// it shows what the run spends that the bound does not count.
export type RunCpuMs = CpuMs & { redis: number; operator: number };

export function startRunCpu(operatorPid: number): (resources: number) => RunCpuMs {
  const sample = (): RunCpuMs => ({
    ...cpuNow(),
    redis: serviceCpuMs('redis'),
    operator: processCpuMs(operatorPid),
  });
  const before = sample();
  return (resources) => perMs(before, sample(), resources);
}

// The run's CPU per resource by process, beside what the bound counts of each (its steps added up;
// the bound's writing client stands for the operator and the benchmark together).
export function describeRunCpu(run: RunCpuMs, bound: StepCosts | undefined, noun: string): string {
  const boundOf = (process: string) =>
    bound === undefined
      ? undefined
      : Object.values(bound.steps).reduce((sum, cpu) => sum + (cpu[process as keyof CpuMs] ?? 0), 0);
  const rows = Object.entries(run).map(([process, ms]) => {
    // The bound's client made the writes the operator makes in the run.
    if (process === 'client') return `  ${'benchmark'.padEnd(24)} ${ms.toFixed(2)}`;
    const counted = boundOf(process === 'operator' ? 'client' : process);
    return `  ${process.padEnd(24)} ${ms.toFixed(2)}${counted === undefined ? '' : ` (bound ${counted.toFixed(2)})`}`;
  });
  const total = Object.values(run).reduce((a, b) => a + b, 0);
  return [
    `CPU ms per ${noun} of the run, by process (the bound's figure beside it; its client stands for the operator):`,
    ...rows,
    `  sum ${total.toFixed(1)} ms per ${noun} (bound ${bound?.perResourceMs.toFixed(1) ?? '?'})`,
  ].join('\n');
}
