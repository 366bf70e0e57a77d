// Real services: a three-node KRaft cluster (dual-role nodes) booted from what the operator generates
// (test/support/generated-kafka-cluster.ts), reached as the operator reaches it: the replication listener
// with the operator's certificate. One broker is held down (its process stopped) to see the restart gate
// refuse a restart that would take partitions below min.insync.replicas, and allow it once it is back;
// and a configuration Kafka takes at runtime, written to the cluster-wide default entity, reaching
// every broker with no process restarted (kafkajs reads each broker's own view).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { Kafka as KafkaClient, logLevel } from 'kafkajs';
import {
  clusterDefaultChanges,
  dynamicUserConfig,
} from '../../src/actors/cluster/broker-config/dynamic-config.ts';
import { buildClusterModel } from '../../src/actors/cluster/cluster-model.ts';
import { KafkaRestartGate, readClusterHealth } from '../../src/actors/cluster/restart-gate.ts';
import type { RestartCandidate } from '../../src/actors/cluster/restart-safety.ts';
import { PlatformaticClusterHealthAdmin } from '../../src/actors/kafka/cluster-health-admin.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import type { ClusterModel, NodeModel } from '../../src/machines/cluster-model.ts';
import { ReconcileFailure } from '../../src/machines/reconcile-failure.ts';
import { runDirectory } from '../support/environment.ts';
import { bootGeneratedCluster, type GeneratedKafkaCluster } from '../support/generated-kafka-cluster.ts';
import { testEnvironmentKafkaVersion } from '../support/local-kafka-nodes.ts';
import { waitFor } from '../support/wait.ts';

const suffix = randomUUID().slice(0, 8);
const namespace = `restart-${suffix}`;
// The broker default applies to `strict`; `lenient` sets its own min.insync.replicas of 1.
const strict = 'strict';
const lenient = 'lenient';

const kafka: Kafka = {
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'Kafka',
  metadata: { name: 'rolled', namespace, uid: randomUUID() },
  spec: {
    kafka: {
      version: testEnvironmentKafkaVersion(),
      listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }],
      config: {
        'min.insync.replicas': 2,
        'offsets.topic.replication.factor': 3,
        'transaction.state.log.replication.factor': 3,
      },
    },
  },
};
const pool: KafkaNodePool = {
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaNodePool',
  // Ids of their own (addresses 127.0.3.21-23), apart from other tests' generated clusters.
  metadata: {
    name: 'dual',
    namespace,
    labels: { 'strimzi.io/cluster': 'rolled' },
    annotations: { 'strimzi.io/next-node-ids': '[20-22]' },
  },
  spec: {
    replicas: 3,
    roles: ['controller', 'broker'],
    storage: { type: 'ephemeral' },
    jvmOptions: { '-Xms': '128m', '-Xmx': '384m' },
  },
};

const model: ClusterModel = buildClusterModel(kafka, [pool], { podNodeIds: {} });
const root = join(runDirectory, `restart-safety-${suffix}`);
let booted: GeneratedKafkaCluster;
let admin: PlatformaticClusterHealthAdmin;
let gate: KafkaRestartGate;

function candidate(index: number): RestartCandidate {
  const node: NodeModel | undefined = model.nodes[index];
  assert.ok(node, `the model has node ${index}`);
  return { id: node.id, roles: node.roles };
}

const [first, second, held] = [candidate(0), candidate(1), candidate(2)];

before(async () => {
  assert.deepEqual(
    model.nodes.map((node) => node.id),
    [20, 21, 22],
  );
  booted = await bootGeneratedCluster(model, root);
  const bootstrap = model.nodes.map((node) => `${booted.hostOf(node)}:9091`);
  admin = new PlatformaticClusterHealthAdmin({ bootstrap, tls: booted.operatorTls, timeoutMs: 5_000 });
  gate = new KafkaRestartGate(admin, model);
  const topics = new Admin({
    clientId: `restart-${suffix}`,
    bootstrapBrokers: bootstrap,
    tls: booted.operatorTls,
  });
  try {
    await booted.nodes.waitWhileRunning(
      'the topics to be created on three brokers',
      async () =>
        topics
          .createTopics({ topics: [strict], partitions: 2, replicas: 3 })
          .then(() => true)
          .catch(() => undefined),
      180_000,
    );
    await topics.createTopics({
      topics: [lenient],
      partitions: 2,
      replicas: 3,
      configs: [{ name: 'min.insync.replicas', value: '1' }],
    });
  } finally {
    await topics.close();
  }
});

after(async () => {
  await gate?.close();
  await booted?.nodes.stop();
  rmSync(root, { recursive: true, force: true });
});

// Waits for Kafka to say the nodes are back: registered, unfenced, in sync, caught up.
async function backInKafka(nodes: RestartCandidate[]): Promise<void> {
  let missing: string | undefined;
  await waitFor(
    `nodes ${nodes.map((node) => node.id).join(', ')} to be back in Kafka`,
    async () => {
      missing = await gate.notBack(nodes);
      return missing === undefined ? true : undefined;
    },
    120_000,
    500,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; last: ${missing}`);
  });
}

test('with every partition in sync, a broker may restart; the brokers and the quorum are read from Kafka', async () => {
  await backInKafka([first, second, held]);
  // A new topic reaches the metadata of the broker that answers a little after its creation returns.
  const health = await waitFor('both topics in the metadata Kafka gives', async () => {
    const read = await readClusterHealth(admin, 2_000);
    const described = new Set(read.partitions.map((state) => state.topic));
    return described.has(strict) && described.has(lenient) ? read : undefined;
  });
  assert.deepEqual(health.brokers, [20, 21, 22]);
  assert.deepEqual(health.quorum.voters.map((voter) => voter.id).sort(), [20, 21, 22]);
  assert.ok([20, 21, 22].includes(health.quorum.leaderId), `leader ${health.quorum.leaderId}`);
  const minIsr = new Map(health.partitions.map((state) => [state.topic, state.minInsyncReplicas]));
  assert.equal(minIsr.get(strict), 2, "the broker's default");
  assert.equal(minIsr.get(lenient), 1, "the topic's own value");
  await gate.ensureSafeToRestart(first);
});

test('with one broker held down, restarting another is refused naming the partitions that would fall below min.insync.replicas; once it is back, it is allowed', async () => {
  const heldPod = model.nodes[2]?.podName ?? '';
  await booted.nodes.stopNode(heldPod);
  await booted.nodes.waitWhileRunning(
    'Kafka to say the held broker is not back',
    async () =>
      (await gate.notBack([held]))?.includes('broker 22 is not registered and unfenced') ? true : undefined,
    60_000,
  );
  const refusal = await booted.nodes.waitWhileRunning(
    'the restart of node 20 to be refused for the partitions and the quorum',
    async () => {
      const outcome = await gate.ensureSafeToRestart(first).then(
        () => undefined,
        (error: unknown) => error,
      );
      // Until the stopped broker leaves the ISR and falls behind the leader, the restart is still safe.
      return outcome instanceof ReconcileFailure && /voters behind or unknown: \[22\]/.test(outcome.message)
        ? outcome
        : undefined;
    },
    60_000,
  );
  assert.equal(refusal.reason, 'RestartNotSafe');
  assert.equal(refusal.retryable, true);
  assert.match(refusal.message, /node 20 is not restarted yet/);
  for (const partition of [`${strict}-0`, `${strict}-1`]) {
    assert.match(
      refusal.message,
      new RegExp(`${partition} \\(replicas \\[[\\d, ]+\\], ISR \\[[\\d, ]+\\], min\\.insync\\.replicas 2\\)`),
    );
  }
  assert.doesNotMatch(
    refusal.message,
    new RegExp(`${lenient}-`),
    'a topic with min.insync.replicas 1 keeps its ISR',
  );

  booted.nodes.startAgain(heldPod);
  await backInKafka([held]);
  await gate.ensureSafeToRestart(first);
});

test('a configuration Kafka takes at runtime, written once to the cluster-wide default entity, reaches every broker with no process restarted, and goes when no longer wanted', async () => {
  const processes = booted.nodes.nodes.map((node) => node.process.pid);
  const client = new KafkaClient({
    clientId: `dynamic-${suffix}`,
    brokers: model.nodes.map((node) => `${booted.hostOf(node)}:9092`),
    logLevel: logLevel.NOTHING,
    socketFactory: ({ host, port, onConnect }) =>
      connect({ host, port, lookup: booted.nodes.lookup }, onConnect),
  });
  const kafkajs = client.admin();
  await kafkajs.connect();
  const keys = ['num.io.threads', 'log.cleaner.threads'];
  // Each broker answers for its own configuration: the value in force there and where it comes from.
  const brokerViews = async () => {
    const { resources } = await kafkajs.describeConfigs({
      includeSynonyms: false,
      resources: model.nodes.map((node) => ({
        type: ConfigResourceTypes.BROKER,
        name: String(node.id),
        configNames: keys,
      })),
    });
    return resources.map((resource) =>
      Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
    );
  };
  const defaultsBecome = (expected: Record<string, string>) =>
    waitFor(`the cluster-wide defaults to be ${JSON.stringify(expected)}`, async () =>
      isDeepStrictEqual(await admin.describeClusterDefaults(), expected) ? true : undefined,
    );
  try {
    // The spec's dynamic part (min.insync.replicas 2), which Kafka's controller already holds, and two more.
    const specified = dynamicUserConfig(model.brokerConfig);
    assert.deepEqual(specified, { 'min.insync.replicas': '2' });
    assert.deepEqual(await admin.describeClusterDefaults(), specified);
    const runtime: Record<string, string> = { 'num.io.threads': '5', 'log.cleaner.threads': '2' };
    const wanted = { ...specified, ...runtime };
    const before = await brokerViews();
    for (const view of before) assert.notDeepEqual(view, runtime, 'the brokers start with other values');
    const changes = clusterDefaultChanges(wanted, await admin.describeClusterDefaults());
    assert.deepEqual(changes, { set: runtime, remove: [] });
    await admin.alterClusterDefaults(changes);
    // The controllers publish the change through the metadata log: each broker takes it shortly after.
    await defaultsBecome(wanted);
    await waitFor(
      'every broker to run with the new values',
      async () =>
        (await brokerViews()).every((view) => keys.every((key) => view[key] === runtime[key]))
          ? true
          : undefined,
      60_000,
      500,
    );
    assert.deepEqual(clusterDefaultChanges(wanted, await admin.describeClusterDefaults()), {
      set: {},
      remove: [],
    });

    const dropped = clusterDefaultChanges(specified, await admin.describeClusterDefaults());
    assert.deepEqual(dropped, { set: {}, remove: ['log.cleaner.threads', 'num.io.threads'] });
    await admin.alterClusterDefaults(dropped);
    await defaultsBecome(specified);
    await waitFor(
      'every broker to run with its values from before',
      async () => (isDeepStrictEqual(await brokerViews(), before) ? true : undefined),
      60_000,
      500,
    );
    assert.deepEqual(
      booted.nodes.nodes.map((node) => [node.process.pid, node.process.exitCode]),
      processes.map((pid) => [pid, null]),
      'every Kafka process is the one that ran before',
    );
  } finally {
    await kafkajs.disconnect();
  }
});
