// Real services: the three-node KRaft Kafka cluster of the test environment; and a one-node cluster booted
// from what the operator generates (test/support/generated-kafka-cluster.ts), with authorization on. The
// scale-down check asks a cluster which nodes hold partition replicas; an address nobody answers on means
// the check cannot be made.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { buildClusterModel } from '../../src/actors/cluster/cluster-model.ts';
import { ensureOperatorCertificate } from '../../src/actors/cluster/operator-certificate.ts';
import {
  AdminPartitionReplicaCheck,
  type ClusterAccess,
  replicationAccess,
} from '../../src/actors/cluster/partition-replica-check.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import type { ClusterModel } from '../../src/machines/cluster-model.ts';
import { kafkaClusterEnvironment, runDirectory } from '../support/environment.ts';
import { bootGeneratedCluster } from '../support/generated-kafka-cluster.ts';
import { testEnvironmentKafkaVersion } from '../support/local-kafka-nodes.ts';
import { waitFor } from '../support/wait.ts';

const suffix = randomUUID().slice(0, 8);
const check = new AdminPartitionReplicaCheck({ timeoutMs: 5_000 });

// Waits until the check sees a topic just created (it reaches the brokers' metadata a moment later).
async function holdingOnceVisible(access: ClusterAccess, nodeIds: number[], topic: string, wait = waitFor) {
  return wait(`the check to see topic ${topic}`, async () => {
    const answer = await check.nodesHoldingReplicas(access, nodeIds);
    return 'holding' in answer && answer.holding.some(({ topics }) => topics.includes(topic))
      ? answer
      : undefined;
  });
}

test('the nodes that hold replicas of a topic are reported with the topic; a node that holds none is not', async (t) => {
  const bootstrap = kafkaClusterEnvironment().bootstrap.split(',');
  const admin = new Admin({ clientId: 'replica-check-test', bootstrapBrokers: bootstrap });
  const topic = `replica-check-${suffix}`;
  t.after(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close();
  });
  const brokers = [...(await admin.metadata({ topics: [] })).brokers.keys()].sort((a, b) => a - b);
  assert.equal(brokers.length, 3);
  await admin.createTopics({ topics: [topic], partitions: 1, replicas: 3 });
  const absent = Math.max(...brokers) + 100;
  const answer = await holdingOnceVisible({ bootstrap }, [...brokers, absent], topic);
  assert.deepEqual(
    answer.holding.map(({ node }) => node),
    brokers,
  );
  // The shared cluster holds other tests' topics too.
  for (const { node, topics } of answer.holding)
    assert.ok(topics.includes(topic), `node ${node} names ${topic}`);
});

test("a broker's log directory that holds replicas is reported with its topics; one a broker does not have cannot be told empty", async (t) => {
  const bootstrap = kafkaClusterEnvironment().bootstrap.split(',');
  const admin = new Admin({ clientId: 'log-dir-check-test', bootstrapBrokers: bootstrap });
  const topic = `log-dir-check-${suffix}`;
  t.after(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close();
  });
  await admin.createTopics({ topics: [topic], partitions: 1, replicas: 3 });
  // Where each broker keeps its logs, as the brokers themselves say.
  const described = await waitFor('the brokers to describe the new topic', async () => {
    const answer = await admin.describeLogDirs({ topics: [{ name: topic, partitions: [0] }] });
    return answer.length === 3 &&
      answer.every((broker) => broker.results.some((dir) => dir.topics.length > 0))
      ? answer
      : undefined;
  });
  const logDirs = described.map((broker) => ({
    node: broker.broker,
    logDir: broker.results[0]?.logDir ?? '',
  }));
  const answer = await check.logDirsHoldingReplicas({ bootstrap }, logDirs);
  assert.ok('holding' in answer, JSON.stringify(answer));
  assert.deepEqual(answer.holding.map(({ node }) => node).sort(), logDirs.map(({ node }) => node).sort());
  for (const held of answer.holding) assert.ok(held.topics.includes(topic), `${held.logDir} holds ${topic}`);

  const [first] = logDirs;
  assert.ok(first);
  const missing = await check.logDirsHoldingReplicas({ bootstrap }, [
    { node: first.node, logDir: '/nowhere/kafka-log' },
  ]);
  assert.ok('unchecked' in missing);
  assert.match(
    missing.unchecked,
    new RegExp(`broker ${first.node} did not report the log directory /nowhere/kafka-log`),
  );
});

test('a cluster the operator cannot reach cannot be checked, and the result says why', async () => {
  const result = await new AdminPartitionReplicaCheck({ timeoutMs: 2_000 }).nodesHoldingReplicas(
    { bootstrap: ['127.0.0.1:1'] },
    [0],
  );
  assert.ok('unchecked' in result);
  assert.match(result.unchecked, /127\.0\.0\.1:1 did not answer/);
});

test("on a cluster the operator runs, the check logs in on the replication listener with the operator's certificate, a super user", async (t) => {
  const namespace = `check-${suffix}`;
  const kafka: Kafka = {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    metadata: { name: 'checked', namespace, uid: randomUUID() },
    spec: {
      kafka: {
        version: testEnvironmentKafkaVersion(),
        listeners: [
          { name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'tls' } },
        ],
        authorization: { type: 'simple' },
        config: { 'offsets.topic.replication.factor': 1, 'transaction.state.log.replication.factor': 1 },
      },
    },
  };
  const pool: KafkaNodePool = {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaNodePool',
    metadata: { name: 'dual', namespace, labels: { 'strimzi.io/cluster': 'checked' } },
    spec: {
      replicas: 1,
      roles: ['controller', 'broker'],
      storage: { type: 'ephemeral' },
      jvmOptions: { '-Xms': '128m', '-Xmx': '512m' },
    },
  };
  const model: ClusterModel = buildClusterModel(kafka, [pool], { podNodeIds: {} });
  const [node] = model.nodes;
  assert.ok(node);
  const root = join(runDirectory, `partition-replica-check-${suffix}`);
  const booted = await bootGeneratedCluster(model, root);
  t.after(async () => {
    await booted.nodes.stop();
    rmSync(root, { recursive: true, force: true });
  });
  const operatorCertificate = await ensureOperatorCertificate(model, booted.clusterCa, [], {
    validityDays: 2,
    renewalDays: 1,
  });
  const access = replicationAccess(model, booted.clusterCa, operatorCertificate);
  // Outside Kubernetes the bootstrap service does not resolve: the node's own name does, through the hosts map.
  const local: ClusterAccess = {
    bootstrap: [`${booted.hostOf(node)}:9091`],
    tls: { ...access.tls, lookup: booted.nodes.lookup },
  };
  const admin = new Admin({ clientId: `check-${suffix}`, bootstrapBrokers: local.bootstrap, tls: local.tls });
  t.after(() => admin.close());
  await booted.nodes.waitWhileRunning(
    'the topic to be created over the replication listener',
    async () =>
      admin
        .createTopics({ topics: ['held'], partitions: 1, replicas: 1 })
        .then(() => true)
        .catch(() => undefined),
    120_000,
  );
  const waitWhileRunning: typeof waitFor = (what, probe) =>
    booted.nodes.waitWhileRunning(what, probe, 60_000);
  assert.deepEqual(await holdingOnceVisible(local, [node.id, node.id + 1], 'held', waitWhileRunning), {
    holding: [{ node: node.id, topics: ['held'] }],
  });
});
