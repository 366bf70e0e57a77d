// Real services: Kafka processes (the test environment's Kafka 4.x jars) formatted and started by the start-up
// scripts the operator generates, each from its generated server.properties, with certificates from the
// operator's own certificate authority. Host names and paths are mapped to this machine
// (test/support/local-kafka-nodes.ts); node logs are kept in the test environment's run directory on failure.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Admin, Connection } from '@platformatic/kafka';
import { issueCertificate } from '../../src/actors/certificates/certificates.ts';
import type { AssignedAddresses } from '../../src/actors/cluster/broker-config/advertised-addresses.ts';
import { buildClusterModel } from '../../src/actors/cluster/cluster-model.ts';
import { alterScramCredentials, buildScramUpsertion } from '../../src/actors/kafka/scram-credentials.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import type { ClusterModel, NodeModel } from '../../src/machines/cluster-model.ts';
import { runDirectory } from '../support/environment.ts';
import { bootGeneratedCluster, type GeneratedKafkaCluster } from '../support/generated-kafka-cluster.ts';
import { nodeAddress, testEnvironmentKafkaVersion } from '../support/local-kafka-nodes.ts';
import { waitFor } from '../support/wait.ts';

const suffix = randomUUID().slice(0, 8);
const namespace = `boot-${suffix}`;

function kafkaOf(name: string, replication: number): Kafka {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    metadata: { name, namespace, uid: randomUUID() },
    spec: {
      kafka: {
        version: testEnvironmentKafkaVersion(),
        listeners: [
          { name: 'plain', port: 9092, type: 'internal', tls: false },
          { name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'tls' } },
          {
            name: 'scram',
            port: 9094,
            type: 'internal',
            tls: false,
            authentication: { type: 'scram-sha-512' },
          },
        ],
        authorization: { type: 'simple' },
        config: {
          'offsets.topic.replication.factor': replication,
          'transaction.state.log.replication.factor': replication,
          'transaction.state.log.min.isr': replication - 1,
          'default.replication.factor': replication,
          'min.insync.replicas': replication - 1,
          'group.initial.rebalance.delay.ms': 0,
          'num.network.threads': 2,
          'num.io.threads': 4,
        },
      },
    },
  };
}

function poolOf(cluster: string, name: string, spec: KafkaNodePool['spec']): KafkaNodePool {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaNodePool',
    metadata: { name, namespace, labels: { 'strimzi.io/cluster': cluster } },
    spec: { jvmOptions: { '-Xms': '128m', '-Xmx': '512m' }, ...spec },
  };
}

type KeepingLogs = (body: () => Promise<void>) => () => Promise<void>;

/** Boots the model for the tests of a describe block; stops it after them, keeping the logs if one failed. */
function bootedCluster(
  model: ClusterModel,
  assigned: AssignedAddresses = {},
): { cluster: () => GeneratedKafkaCluster; keepingLogs: KeepingLogs } {
  const root = join(runDirectory, `broker-config-boot-${model.name}-${suffix}`);
  let booted: GeneratedKafkaCluster | undefined;
  let failed = false;
  before(async () => {
    booted = await bootGeneratedCluster(model, root, assigned);
  });
  after(async () => {
    await booted?.nodes.stop();
    if (!failed) {
      rmSync(root, { recursive: true, force: true });
      return;
    }
    console.error(`broker-config-boot: node logs kept in ${booted?.logDirectory ?? root}`);
    for (const local of booted?.nodes.nodes ?? []) {
      const tail = readFileSync(local.logFile, 'utf8').split('\n').slice(-40).join('\n');
      console.error(`--- ${local.logFile} (last lines)\n${tail}`);
    }
  });
  // Marks the block failed when a test throws: the node logs say why a cluster did not form.
  const keepingLogs: KeepingLogs = (body) => {
    return async () => {
      try {
        await body();
      } catch (error) {
        failed = true;
        throw error;
      }
    };
  };
  return { cluster: () => booted ?? assert.fail('the cluster did not boot'), keepingLogs };
}

function nodeAt(model: ClusterModel, index: number): NodeModel {
  return model.nodes[index] ?? assert.fail(`the model has no node at ${index}`);
}

/** The operator's admin client on the replication listener of the first broker. */
function operatorAdmin(model: ClusterModel, booted: GeneratedKafkaCluster): Admin {
  const broker = model.nodes.find((node) => node.roles.includes('broker')) ?? assert.fail('no broker');
  return new Admin({
    clientId: `boot-operator-${suffix}`,
    bootstrapBrokers: [`${booted.hostOf(broker)}:9091`],
    tls: booted.operatorTls,
    retries: 2,
  });
}

async function waitForBrokers(admin: Admin, booted: GeneratedKafkaCluster, count: number): Promise<number[]> {
  return booted.nodes.waitWhileRunning(
    `${count} brokers in the metadata`,
    async () => {
      const metadata = await admin.metadata({ topics: [], forceUpdate: true });
      return metadata.brokers.size === count ? [...metadata.brokers.keys()].sort((a, b) => a - b) : undefined;
    },
    180_000,
  );
}

/** Creates a topic and waits until every partition has `replicas` in-sync replicas; returns the partitions. */
async function createReplicatedTopic(admin: Admin, topic: string, replicas: number) {
  await admin.createTopics({ topics: [topic], partitions: 3, replicas });
  return waitFor(
    `every partition of ${topic} with ${replicas} in-sync replicas`,
    async () => {
      const described = await admin.metadata({ topics: [topic], forceUpdate: true });
      const found = described.topics.get(topic)?.partitions ?? [];
      return found.length === 3 && found.every((partition) => partition.isr.length === replicas)
        ? found
        : undefined;
    },
    60_000,
    500,
  );
}

describe('three dual-role nodes with plain, mutual-TLS and SCRAM-SHA-512 listeners and JBOD storage', () => {
  const model = buildClusterModel(
    kafkaOf('boot', 3),
    [
      poolOf('boot', 'dual', {
        replicas: 3,
        roles: ['controller', 'broker'],
        storage: {
          type: 'jbod',
          volumes: [
            { id: 0, type: 'persistent-claim', size: '1Gi', kraftMetadata: 'shared' },
            { id: 1, type: 'persistent-claim', size: '1Gi' },
          ],
        },
      }),
    ],
    { podNodeIds: {} },
  );
  const { cluster, keepingLogs } = bootedCluster(model);

  test(
    'form one cluster from the generated configuration and replicate a topic three times, all in sync',
    keepingLogs(async () => {
      const admin = operatorAdmin(model, cluster());
      try {
        assert.deepEqual(await waitForBrokers(admin, cluster(), 3), [0, 1, 2]);
        for (const partition of await createReplicatedTopic(admin, `replicated-${suffix}`, 3)) {
          assert.deepEqual([...partition.isr].sort(), [0, 1, 2]);
          assert.deepEqual([...partition.replicas].sort(), [0, 1, 2]);
        }
      } finally {
        await admin.close();
      }
    }),
  );

  test(
    'accept on each listener the clients it is configured for and refuse the others',
    keepingLogs(async () => {
      const booted = cluster();
      const node = nodeAt(model, 1);
      const address = nodeAddress(node);

      // SCRAM credentials are created through the replication listener, as the user operator does.
      const username = `boot-user-${suffix}`;
      const password = randomUUID();
      const connection = new Connection(`boot-scram-${suffix}`, { tls: booted.operatorTls });
      try {
        await connection.connect(booted.hostOf(nodeAt(model, 0)), 9091);
        const results = await alterScramCredentials(
          connection,
          [],
          [await buildScramUpsertion(username, password)],
        );
        assert.deepEqual(
          results.map((result) => result.errorCode),
          [0],
        );
      } finally {
        await connection.close();
      }
      const clientCertificate = await issueCertificate(booted.clientsCa, {
        commonName: `boot-client-${suffix}`,
        validityDays: 2,
      });

      const clients = {
        plain: new Admin({
          clientId: `boot-plain-${suffix}`,
          bootstrapBrokers: [`${address}:9092`],
          retries: 2,
        }),
        scram: new Admin({
          clientId: `boot-scram-${suffix}`,
          bootstrapBrokers: [`${address}:9094`],
          sasl: { mechanism: 'SCRAM-SHA-512', username, password },
          retries: 2,
        }),
        wrongPassword: new Admin({
          clientId: `boot-wrong-${suffix}`,
          bootstrapBrokers: [`${address}:9094`],
          sasl: { mechanism: 'SCRAM-SHA-512', username, password: 'not-the-password' },
          retries: false,
        }),
        mutualTls: new Admin({
          clientId: `boot-mtls-${suffix}`,
          bootstrapBrokers: [`${booted.hostOf(node)}:9093`],
          tls: {
            ca: booted.clusterCa.certificatePem,
            cert: clientCertificate.certificatePem,
            key: clientCertificate.privateKeyPem,
            lookup: booted.nodes.lookup,
          },
          retries: 2,
        }),
        // The TLS listener wants a certificate of the clients CA; the operator's, from the cluster CA, is not one.
        wrongCa: new Admin({
          clientId: `boot-wrong-ca-${suffix}`,
          bootstrapBrokers: [`${booted.hostOf(node)}:9093`],
          tls: booted.operatorTls,
          retries: false,
        }),
      };
      try {
        assert.equal((await clients.plain.metadata({ topics: [] })).brokers.size, 3);
        // Credentials reach every broker through the metadata log; until then the login is refused.
        await waitFor(
          'a SCRAM login',
          async () => (await clients.scram.metadata({ topics: [], forceUpdate: true })).brokers.size,
          30_000,
        );
        await assert.rejects(clients.wrongPassword.metadata({ topics: [] }));
        assert.equal((await clients.mutualTls.metadata({ topics: [] })).brokers.size, 3);
        await assert.rejects(clients.wrongCa.metadata({ topics: [] }));

        // Authorization is on: a user without ACLs may not create topics (the operator, a super user, did).
        await assert.rejects(
          clients.scram.createTopics({ topics: [`refused-${suffix}`], partitions: 1, replicas: 3 }),
          /authoriz/i,
        );
      } finally {
        await Promise.all(Object.values(clients).map((client) => client.close()));
      }
    }),
  );

  test(
    'keep the KRaft metadata log on the volume marked kraftMetadata and format every volume with the cluster id',
    keepingLogs(async () => {
      for (const local of cluster().nodes.nodes) {
        const logDir = (volume: number) =>
          join(local.directory, 'var-lib-kafka', `data-${volume}`, `kafka-log${local.node.id}`);
        for (const volume of [0, 1]) {
          const meta = readFileSync(join(logDir(volume), 'meta.properties'), 'utf8');
          assert.match(meta, new RegExp(`cluster.id=${model.clusterId}`));
          assert.match(meta, new RegExp(`node.id=${local.node.id}`));
        }
        assert.ok(existsSync(join(logDir(0), '__cluster_metadata-0')));
        assert.ok(!existsSync(join(logDir(1), '__cluster_metadata-0')));
      }
    }),
  );
});

describe('a controller-only node and two broker-only nodes with a nodeport listener', () => {
  const kafka = kafkaOf('split', 2);
  // Here the Kubernetes node's address is the broker's loopback address and the node port the listener's port.
  kafka.spec.kafka.listeners.push({ name: 'external', port: 9095, type: 'nodeport', tls: false });
  const model = buildClusterModel(
    kafka,
    [
      poolOf('split', 'controller', { replicas: 1, roles: ['controller'], storage: { type: 'ephemeral' } }),
      poolOf('split', 'broker', { replicas: 2, roles: ['broker'], storage: { type: 'ephemeral' } }),
    ],
    { podNodeIds: {} },
  );
  const brokers = model.nodes.filter((node) => node.roles.includes('broker'));
  const { cluster, keepingLogs } = bootedCluster(model, {
    external: Object.fromEntries(brokers.map((node) => [node.id, { nodePort: 9095 }])),
  });

  test(
    'form one cluster whose brokers are the broker nodes only, and replicate a topic on both',
    keepingLogs(async () => {
      const admin = operatorAdmin(model, cluster());
      try {
        const ids = brokers.map((node) => node.id);
        assert.deepEqual(await waitForBrokers(admin, cluster(), 2), ids);
        for (const partition of await createReplicatedTopic(admin, `split-${suffix}`, 2)) {
          assert.deepEqual([...partition.isr].sort(), ids);
        }
      } finally {
        await admin.close();
      }
    }),
  );

  test(
    "advertise on the nodeport listener the node's address from the container environment and the node port",
    keepingLogs(async () => {
      const first = brokers[0] ?? assert.fail('no broker');
      const client = new Admin({
        clientId: `boot-external-${suffix}`,
        bootstrapBrokers: [`${nodeAddress(first)}:9095`],
        retries: 2,
      });
      try {
        const metadata = await client.metadata({ topics: [] });
        assert.deepEqual(
          [...metadata.brokers].map(([id, broker]) => [id, broker.host, broker.port]).sort(),
          brokers.map((node) => [node.id, nodeAddress(node), 9095]),
        );
      } finally {
        await client.close();
      }
    }),
  );
});
