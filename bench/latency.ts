// Benchmark: with N resources settled (half KafkaTopics, half KafkaUsers), the time from an edit to
// its effect, one edit at a time: a KafkaTopic's config value, then a KafkaUser's ACL, `BENCH_EDITS`
// times each (200), measured from the apiserver's answer to the change visible in Kafka (polled by the
// benchmark's own admin client) and to Ready for that generation in status. Two phases: an idle
// operator, and one resyncing all N without pause. Between them, a restart of the operator: the time
// until every actor has settled again, and what it wrote meanwhile.
// Usage: npm run bench:latency [-- N]   (N defaults to 10000)
import { loadavg } from 'node:os';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import { pino } from 'pino';
import type { KafkaTopic } from '../src/api/kafka-topic.ts';
import type { KafkaUser } from '../src/api/kafka-user.ts';
import { ResourceInformer } from '../src/supervisor/informer.ts';
import { kafkaTopicApi, isReady as topicIsReady } from '../test/support/kafka-topics.ts';
import { kafkaUserApi, kafkaUserClient, isReady as userIsReady } from '../test/support/kafka-users.ts';
import { readMetric } from '../test/support/metrics.ts';
import { operatorFixture } from '../test/support/operator-fixture.ts';
import { waitFor } from '../test/support/wait.ts';
import {
  benchCount,
  benchTopicSpec,
  benchUserSpec,
  inParallel,
  processCpuMs,
  rssMiB,
  startBenchOperator,
  waitUntilQuiet,
} from './bench-support.ts';

const count = benchCount(10_000, 2);
const edits = Number(process.env.BENCH_EDITS ?? 200);
if (!Number.isInteger(edits) || edits < 1)
  throw new Error(`BENCH_EDITS must be a positive integer, not ${process.env.BENCH_EDITS}`);
const topicCount = Math.ceil(count / 2);
const userCount = count - topicCount;
// No periodic resync while the idle operator and the restart are measured.
const quietResyncMs = 3_600_000;
// Shorter than a full resync of N takes, so that one pass follows the other without pause.
const busyResyncMs = Math.max(1_000, count);
// An edit not visible after this long is a failure of the run, not a figure.
const editTimeoutMs = 300_000;
const targets = { idleP99Ms: 1_000, resyncP99Ms: 3_000, restartSeconds: 30 };

const topicWrites = ['createTopics', 'incrementalAlterConfigs', 'createPartitions', 'deleteTopics'];
const userWrites = ['alterUserScramCredentials', 'createAcls', 'deleteAcls', 'alterClientQuotas'];

const fixture = await operatorFixture('bench-latency');
const { kafka, namespace, kafkaTopics: topics } = fixture;
const users = kafkaUserClient(fixture.custom, fixture.core, namespace);
const suffix = namespace.slice(namespace.lastIndexOf('-') + 1);
const topicNames = Array.from({ length: topicCount }, (_, i) => `t-${i}`);
const kafkaTopicName = (name: string) => `op-${namespace}-${name}`;
const userNames = Array.from({ length: userCount }, (_, i) => `u${i}-${suffix}`);
const observer = new Admin({ clientId: 'bench-latency-observer', bootstrapBrokers: [kafka.bootstrap] });

// One kind's resources as the benchmark's own watch sees them: which are Ready, when a generation
// turns Ready, and how many times the apiserver changed any of them.
class WatchedKind<R extends KubernetesObject & { status?: { observedGeneration?: number } }> {
  readonly informer: ResourceInformer<R>;
  readonly ready = new Set<string>();
  modifications = 0;
  readonly #isReady: (resource: R) => boolean;
  readonly #waiters = new Map<string, { generation: number; resolve: (at: number) => void }>();

  constructor(
    api: { group: string; version: string; plural: string },
    isReady: (resource: R) => boolean,
    metadataOnly = false,
  ) {
    this.#isReady = isReady;
    this.informer = new ResourceInformer<R>({
      kubeConfig: fixture.kc,
      ...api,
      namespaces: [namespace],
      metadataOnly,
      logger: pino({ level: 'warn' }),
    });
    this.informer.on('add', (resource) => this.#seen(resource));
    this.informer.on('update', (resource, old) => {
      if (resource.metadata?.resourceVersion !== old.metadata?.resourceVersion) this.modifications++;
      this.#seen(resource);
    });
  }

  #readyAt(resource: R, generation: number): boolean {
    return (resource.status?.observedGeneration ?? 0) >= generation && this.#isReady(resource);
  }

  #seen(resource: R): void {
    const name = resource.metadata?.name ?? '';
    if (this.#isReady(resource)) this.ready.add(name);
    else this.ready.delete(name);
    const waiter = this.#waiters.get(name);
    if (waiter && this.#readyAt(resource, waiter.generation)) {
      this.#waiters.delete(name);
      waiter.resolve(performance.now());
    }
  }

  // When the resource is Ready with its status observing `generation`.
  readyAtGeneration(name: string, generation: number): Promise<number> {
    const { promise, resolve } = Promise.withResolvers<number>();
    this.#waiters.set(name, { generation, resolve });
    const cached = this.informer.get(namespace, name);
    if (cached) this.#seen(cached);
    return promise;
  }
}

const watchedTopics = new WatchedKind<KafkaTopic>(kafkaTopicApi, topicIsReady);
const watchedUsers = new WatchedKind<KafkaUser>(kafkaUserApi, userIsReady);
const watchedSecrets = new WatchedKind<KubernetesObject>(
  { group: '', version: 'v1', plural: 'secrets' },
  () => false,
  true,
);
await Promise.all([watchedTopics, watchedUsers, watchedSecrets].map((watched) => watched.informer.start()));

async function pollUntil(what: string, check: () => Promise<boolean>): Promise<number> {
  const deadline = performance.now() + editTimeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline)
      throw new Error(`${what}: not visible in Kafka after ${editTimeoutMs} ms`);
  }
  return performance.now();
}

async function topicRetentionIs(topicName: string, value: string): Promise<boolean> {
  const [description] = await observer.describeConfigs({
    resources: [{ resourceType: 2, resourceName: topicName }],
  });
  return description?.configs.find((config) => config.name === 'retention.ms')?.value === value;
}

// The operations the user's group ACL allows in Kafka, sorted.
async function groupOperations(user: string): Promise<number[]> {
  const resources = await observer.describeAcls({
    filter: {
      resourceType: ResourceTypes.GROUP,
      resourceName: user,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: `User:${user}`,
      host: null,
      operation: AclOperations.ANY,
      permissionType: AclPermissionTypes.ANY,
    },
  });
  return resources.flatMap((resource) => resource.acls.map((acl) => acl.operation)).sort((a, b) => a - b);
}

interface EditLatency {
  kafkaMs: number;
  readyMs: number;
  // Reconciles of other resources that ended while the edit was on its way.
  othersReconciled: number;
  // When the edit was answered, in seconds since the operator's process started.
  operatorSeconds: number;
}

let operatorPort = 0;
let operatorStartedAt = 0;
const readyReconciles = async (port: number) =>
  (await readMetric(port, 'kao_reconciles_total', { kind: 'KafkaTopic', result: 'ready' })) +
  (await readMetric(port, 'kao_reconciles_total', { kind: 'KafkaUser', result: 'ready' }));

async function measureEdit<R extends KubernetesObject>(
  watched: WatchedKind<R & { status?: { observedGeneration?: number } }>,
  name: string,
  edit: () => Promise<R>,
  visibleInKafka: () => Promise<boolean>,
): Promise<EditLatency> {
  const reconcilesBefore = await readyReconciles(operatorPort);
  const edited = await edit();
  const answeredAt = performance.now();
  const generation = edited.metadata?.generation ?? 0;
  const ready = watched.readyAtGeneration(name, generation);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`${name} generation ${generation}: not Ready after ${editTimeoutMs} ms`)),
      editTimeoutMs,
    ).unref(),
  );
  const kafkaAt = await pollUntil(`${name} generation ${generation}`, visibleInKafka);
  const readyAt = await Promise.race([ready, timeout]);
  return {
    kafkaMs: kafkaAt - answeredAt,
    readyMs: readyAt - answeredAt,
    othersReconciled: (await readyReconciles(operatorPort)) - reconcilesBefore - 1,
    operatorSeconds: (answeredAt - operatorStartedAt) / 1000,
  };
}

// The group ACL of each user edited so far: Read only (as created) or Read and Describe.
const describesGroup = new Set<string>();
let round = 0;

// `edits` edits of a KafkaTopic's retention and as many of a KafkaUser's group ACL, alternating,
// each over a different resource while there are enough.
async function measureEdits(): Promise<{ topic: EditLatency[]; user: EditLatency[] }> {
  const topic: EditLatency[] = [];
  const user: EditLatency[] = [];
  for (let i = 0; i < edits; i++, round++) {
    const topicName = topicNames[(round * 7919) % topicCount] as string;
    const retention = String(3_600_000 + round);
    topic.push(
      await measureEdit(
        watchedTopics,
        topicName,
        () => topics.patch(topicName, { spec: { config: { 'retention.ms': Number(retention) } } }),
        () => topicRetentionIs(kafkaTopicName(topicName), retention),
      ),
    );
    const userName = userNames[(round * 7919) % userCount] as string;
    const describe = !describesGroup.has(userName);
    if (describe) describesGroup.add(userName);
    else describesGroup.delete(userName);
    const spec = benchUserSpec(userName);
    const groupAcl = spec.authorization.acls[1] as { operations: string[] };
    if (describe) groupAcl.operations = ['Read', 'Describe'];
    const expected = (describe ? [AclOperations.READ, AclOperations.DESCRIBE] : [AclOperations.READ]).join();
    user.push(
      await measureEdit(
        watchedUsers,
        userName,
        () => users.patch(userName, { spec: { authorization: spec.authorization } }),
        async () => (await groupOperations(userName)).join() === expected,
      ),
    );
  }
  return { topic, user };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function describeLatencies(what: string, latencies: number[], targetP99Ms: number): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const p99 = percentile(sorted, 99);
  return (
    `${what}: p50 ${percentile(sorted, 50).toFixed(0)} ms, p90 ${percentile(sorted, 90).toFixed(0)} ms, ` +
    `p99 ${p99.toFixed(0)} ms, ` +
    `max ${(sorted.at(-1) ?? Number.NaN).toFixed(0)} ms (target p99 < ${targetP99Ms} ms: ` +
    `${p99 < targetP99Ms ? 'met' : 'missed'})`
  );
}

function report(phase: string, measured: { topic: EditLatency[]; user: EditLatency[] }, targetP99Ms: number) {
  for (const [kind, latencies] of Object.entries(measured)) {
    console.log(
      describeLatencies(
        `${phase}, ${kind} edit to Kafka`,
        latencies.map((l) => l.kafkaMs),
        targetP99Ms,
      ),
    );
    console.log(
      describeLatencies(
        `${phase}, ${kind} edit to Ready`,
        latencies.map((l) => l.readyMs),
        targetP99Ms,
      ),
    );
    const slowest = [...latencies].sort((a, b) => b.readyMs - a.readyMs).slice(0, 3);
    console.log(
      `  slowest to Ready: ${slowest.map((l) => `${l.readyMs.toFixed(0)} ms (answered ${l.operatorSeconds.toFixed(1)} s into the operator's run)`).join(', ')}`,
    );
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

console.log(
  `N=${count}: ${topicCount} KafkaTopics and ${userCount} KafkaUsers (SCRAM, 3 ACLs), ` +
    `Kafka ${kafka.version}, namespace ${namespace}; ${edits} edits of each kind per phase`,
);

// Settle N resources with an operator that does not resync meanwhile.
operatorStartedAt = performance.now();
let operator = await startBenchOperator(`${namespace}-first`, fixture.env, quietResyncMs);
operatorPort = operator.port;
const createStart = performance.now();
await Promise.all([
  inParallel(topicNames, 16, (name) => topics.create(name, benchTopicSpec(kafkaTopicName(name)))),
  inParallel(userNames, 16, (name) => users.create(name, benchUserSpec(name))),
]);
await waitFor(
  `all ${count} to be Ready`,
  async () => (watchedTopics.ready.size + watchedUsers.ready.size >= count ? true : undefined),
  count * 1_000,
  1_000,
);
console.log(`all ${count} Ready after ${((performance.now() - createStart) / 1000).toFixed(1)} s`);
await waitUntilQuiet(operator.port, 'KafkaUser');
await waitUntilQuiet(operator.port, 'KafkaTopic');

// Phase 1: the idle operator.
console.log(`idle phase: load ${load()}`);
const idle = await measureEdits();
report('idle', idle, targets.idleP99Ms);

// The restart: stop the operator, start another, and count what it writes until it has settled
// every resource again and is quiet.
const kafkaWrites = async (port: number) =>
  (
    await Promise.all(
      [...topicWrites, ...userWrites].map((operation) =>
        readMetric(port, 'kao_kafka_requests_total', { operation }),
      ),
    )
  ).reduce((a, b) => a + b, 0);
await waitUntilQuiet(operator.port, 'KafkaUser');
const modificationsBefore = [watchedTopics, watchedUsers, watchedSecrets].map((w) => w.modifications);
console.log(`restart: load ${load()}`);
await operator.operator.stop();
const restartStart = performance.now();
operatorStartedAt = restartStart;
operator = await startBenchOperator(`${namespace}-restarted`, fixture.env, quietResyncMs);
operatorPort = operator.port;
await waitFor(
  `the restarted operator to settle all ${count}`,
  async () => ((await readyReconciles(operator.port)) >= count ? true : undefined),
  600_000,
  100,
);
const restartSeconds = (performance.now() - restartStart) / 1000;
const restartCpuMs = processCpuMs(operator.pid);
await waitUntilQuiet(operator.port, 'KafkaUser');
await waitUntilQuiet(operator.port, 'KafkaTopic');
const [topicChanges, userChanges, secretChanges] = [watchedTopics, watchedUsers, watchedSecrets].map(
  (w, i) => w.modifications - (modificationsBefore[i] ?? 0),
);
const restartStatusWrites =
  (await readMetric(operator.port, 'kao_status_writes_total', { kind: 'KafkaTopic' })) +
  (await readMetric(operator.port, 'kao_status_writes_total', { kind: 'KafkaUser' }));
const restartKafkaWrites = await kafkaWrites(operator.port);
const restartWrites = (topicChanges ?? 0) + (userChanges ?? 0) + (secretChanges ?? 0) + restartKafkaWrites;
console.log(
  `restart: every actor settled ${restartSeconds.toFixed(1)} s after the new process started ` +
    `(target < ${targets.restartSeconds} s: ${restartSeconds < targets.restartSeconds ? 'met' : 'missed'}), ` +
    `its CPU ${(restartCpuMs / 1000).toFixed(1)} s; writes: ${topicChanges} KafkaTopic, ${userChanges} KafkaUser ` +
    `(${restartStatusWrites} of them status), ${secretChanges} Secret changes, ${restartKafkaWrites} Kafka write ` +
    `requests (target 0: ${restartWrites === 0 ? 'met' : 'missed'})`,
);
await operator.operator.stop();

// Phase 2: an operator whose full resyncs of all N follow one another without pause.
operatorStartedAt = performance.now();
operator = await startBenchOperator(`${namespace}-resyncing`, fixture.env, busyResyncMs);
operatorPort = operator.port;
// An edit made before the operator leads is reconciled by its first full resync, not as a change.
await waitFor(
  'the operator to lead and resync',
  async () => ((await readyReconciles(operator.port)) > 0 ? true : undefined),
  600_000,
  100,
);
console.log(`resync phase (RESYNC_INTERVAL_MS=${busyResyncMs}): load ${load()}`);
const resyncing = await measureEdits();
const duringResync = [...resyncing.topic, ...resyncing.user].filter((l) => l.othersReconciled > 0).length;
report('during resyncs', resyncing, targets.resyncP99Ms);
console.log(
  `${duringResync} of ${2 * edits} edits saw other resources reconciled while on their way ` +
    `(the resync running); operator memory ${rssMiB(operator.pid, 'VmHWM')} MiB peak`,
);
await operator.operator.stop();

// Clean up through an operator, so the shared broker keeps no topic, credential or ACL of the run.
operator = await startBenchOperator(`${namespace}-cleanup`, fixture.env, quietResyncMs);
await Promise.all([
  inParallel(topicNames, 16, (name) => topics.delete(name)),
  inParallel(userNames, 16, (name) => users.delete(name)),
]);
await waitFor(
  'every KafkaTopic and KafkaUser to be gone',
  async () => ((await users.list()).length + (await topics.list()).length === 0 ? true : undefined),
  count * 1_000,
  2_000,
);
await operator.operator.stop();
for (const watched of [watchedTopics, watchedUsers, watchedSecrets]) watched.informer.stop();
await observer.close();
await fixture.cleanup({ untilGone: true });
