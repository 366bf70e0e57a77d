// Real services: three Kafka processes (the test environment's Kafka 4.x jars) formatted and started by the
// start-up scripts the operator generates, each from its generated server.properties, with certificates from the
// operator's own certificate authority. Host names and paths are mapped to this machine (test/support/local-kafka-nodes.ts).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Admin, Connection } from '@platformatic/kafka';
import {
  generateCertificateAuthority,
  issueCertificate,
  type KeyAndCertificate,
} from '../../src/actors/certificates/certificates.ts';
import {
  clientsCaCertsDir,
  clusterCaCertsDir,
  configDir,
  kafkaHome,
  nodeCertsDir,
  serverConfigKey,
  startupScriptKey,
} from '../../src/actors/cluster/broker-config/broker-paths.ts';
import { buildNodeConfiguration } from '../../src/actors/cluster/broker-config/node-configuration.ts';
import { buildStartupScript } from '../../src/actors/cluster/broker-config/startup-script.ts';
import { buildClusterModel, type ClusterModel } from '../../src/actors/cluster/cluster-model.ts';
import { nodeHostName } from '../../src/actors/cluster/cluster-names.ts';
import { jvmEnvironment } from '../../src/actors/cluster/desired-objects/jvm-environment.ts';
import { alterScramCredentials, buildScramUpsertion } from '../../src/actors/kafka/scram-credentials.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import { runDirectory } from '../support/environment.ts';
import {
  kafkaLibrary,
  LocalKafkaNodes,
  nodeAddress,
  testEnvironmentKafkaVersion,
} from '../support/local-kafka-nodes.ts';
import { waitFor } from '../support/wait.ts';

const suffix = randomUUID().slice(0, 8);
const namespace = `boot-${suffix}`;
const root = join(runDirectory, `broker-config-boot-${suffix}`);
const logDirectory = join(root, 'logs');

const kafka: Kafka = {
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'Kafka',
  metadata: { name: 'boot', namespace, uid: randomUUID() },
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
        'offsets.topic.replication.factor': 3,
        'transaction.state.log.replication.factor': 3,
        'transaction.state.log.min.isr': 2,
        'default.replication.factor': 3,
        'min.insync.replicas': 2,
        'group.initial.rebalance.delay.ms': 0,
        'num.network.threads': 2,
        'num.io.threads': 4,
      },
    },
    entityOperator: { topicOperator: {}, userOperator: {} },
  },
};

const pool: KafkaNodePool = {
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaNodePool',
  metadata: { name: 'dual', namespace, labels: { 'strimzi.io/cluster': 'boot' } },
  spec: {
    replicas: 3,
    roles: ['controller', 'broker'],
    storage: {
      type: 'jbod',
      volumes: [
        { id: 0, type: 'persistent-claim', size: '1Gi', kraftMetadata: 'shared' },
        { id: 1, type: 'persistent-claim', size: '1Gi' },
      ],
    },
    jvmOptions: { '-Xms': '256m', '-Xmx': '512m' },
  },
};

const model: ClusterModel = buildClusterModel(kafka, [pool], { podNodeIds: {} });
const dualPool = model.pools[0] ?? assert.fail('the model has no pool');
const cluster = new LocalKafkaNodes(model, root);
let clusterCa: KeyAndCertificate;
let clientsCa: KeyAndCertificate;
let operatorCertificate: KeyAndCertificate;
let failed = false;

// The operator reaches the cluster as Strimzi's cluster operator does: on the replication listener, with a
// certificate from the cluster CA whose subject is a super user.
function operatorTls(): TlsOptions {
  return {
    ca: clusterCa.certificatePem,
    cert: operatorCertificate.certificatePem,
    key: operatorCertificate.privateKeyPem,
    lookup: cluster.lookup,
  };
}

function hostOf(nodeIndex: number): string {
  const node = model.nodes[nodeIndex];
  assert.ok(node);
  return nodeHostName(model.name, model.namespace, node.podName);
}

before(async () => {
  mkdirSync(logDirectory, { recursive: true });
  const library = kafkaLibrary();
  clusterCa = await generateCertificateAuthority({
    commonName: 'cluster-ca v0',
    organization: 'io.strimzi',
    validityDays: 2,
  });
  clientsCa = await generateCertificateAuthority({
    commonName: 'clients-ca v0',
    organization: 'io.strimzi',
    validityDays: 2,
  });
  operatorCertificate = await issueCertificate(clusterCa, {
    commonName: 'cluster-operator',
    organization: 'io.strimzi',
    validityDays: 2,
  });
  for (const node of model.nodes) {
    const certificate = await issueCertificate(clusterCa, {
      commonName: `${model.name}-kafka`,
      organization: 'io.strimzi',
      dnsNames: [nodeHostName(model.name, model.namespace, node.podName)],
      validityDays: 2,
    });
    const mounted = (directory: string, file: string) => `${directory.slice(kafkaHome.length + 1)}/${file}`;
    cluster.start(
      node,
      {
        [mounted(configDir, serverConfigKey)]: buildNodeConfiguration(model, node),
        [mounted(configDir, startupScriptKey)]: buildStartupScript(model, node),
        [mounted(nodeCertsDir, `${node.podName}.crt`)]: certificate.certificatePem,
        [mounted(nodeCertsDir, `${node.podName}.key`)]: certificate.privateKeyPem,
        [mounted(clusterCaCertsDir, 'ca.crt')]: clusterCa.certificatePem,
        [mounted(clientsCaCertsDir, 'ca.crt')]: clientsCa.certificatePem,
      },
      buildStartupScript(model, node),
      // The container's environment as the pod builder sets it (heap, -XX, system properties).
      Object.fromEntries(
        jvmEnvironment(dualPool.jvmOptions, dualPool.resources).map((env) => [env.name, env.value ?? '']),
      ),
      { library, logDirectory },
    );
  }
});

after(async () => {
  await cluster.stop();
  if (failed) {
    console.error(`broker-config-boot: node logs kept in ${logDirectory}`);
    for (const local of cluster.nodes) {
      console.error(
        `--- ${local.logFile} (last lines)\n${readFileSync(local.logFile, 'utf8').split('\n').slice(-40).join('\n')}`,
      );
    }
  } else {
    rmSync(root, { recursive: true, force: true });
  }
});

// Keeps the logs of a failed test: the node logs say why a cluster did not form.
function keepingLogs(body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (error) {
      failed = true;
      throw error;
    }
  };
}

test(
  'three nodes formatted and started from the generated configuration form one cluster and replicate a topic three times',
  keepingLogs(async () => {
    const admin = new Admin({
      clientId: `boot-admin-${suffix}`,
      bootstrapBrokers: [`${hostOf(0)}:9091`],
      tls: operatorTls(),
      retries: 2,
    });
    try {
      const brokers = await cluster.whileRunning(
        waitFor(
          'three brokers in the metadata',
          async () => {
            const metadata = await admin.metadata({ topics: [], forceUpdate: true });
            return metadata.brokers.size === 3 ? [...metadata.brokers.keys()].sort() : undefined;
          },
          180_000,
          1_000,
        ),
      );
      assert.deepEqual(
        brokers,
        model.nodes.map((node) => node.id),
      );

      const topic = `replicated-${suffix}`;
      await admin.createTopics({ topics: [topic], partitions: 3, replicas: 3 });
      const partitions = await waitFor(
        'every partition with three in-sync replicas',
        async () => {
          const described = await admin.metadata({ topics: [topic], forceUpdate: true });
          const found = described.topics.get(topic)?.partitions ?? [];
          return found.length === 3 && found.every((partition) => partition.isr.length === 3)
            ? found
            : undefined;
        },
        60_000,
        500,
      );
      for (const partition of partitions) {
        assert.deepEqual([...partition.isr].sort(), [0, 1, 2]);
        assert.deepEqual([...partition.replicas].sort(), [0, 1, 2]);
      }
    } finally {
      await admin.close();
    }
  }),
);

test(
  'the plain, mutual-TLS and SCRAM-SHA-512 listeners accept the clients they are configured for and refuse others',
  keepingLogs(async () => {
    const address = nodeAddress(model.nodes[1] ?? assert.fail('no node 1'));

    // SCRAM credentials are created through the replication listener, as the user operator does.
    const username = `boot-user-${suffix}`;
    const password = randomUUID();
    const connection = new Connection(`boot-scram-${suffix}`, { tls: operatorTls() });
    try {
      await connection.connect(hostOf(0), 9091);
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
    const clientCertificate = await issueCertificate(clientsCa, {
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
        bootstrapBrokers: [`${hostOf(1)}:9093`],
        tls: {
          ca: clusterCa.certificatePem,
          cert: clientCertificate.certificatePem,
          key: clientCertificate.privateKeyPem,
          lookup: cluster.lookup,
        },
        retries: 2,
      }),
      // The TLS listener wants a certificate of the clients CA; the cluster CA's operator certificate is not one.
      wrongCa: new Admin({
        clientId: `boot-wrong-ca-${suffix}`,
        bootstrapBrokers: [`${hostOf(1)}:9093`],
        tls: operatorTls(),
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

      // Authorization is on: a user without ACLs may not create topics; the operator (a super user) may.
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
  'each node keeps the KRaft metadata log on the volume marked kraftMetadata and formats every JBOD volume with the cluster id',
  keepingLogs(async () => {
    for (const node of cluster.nodes) {
      const logDir = (volume: number) =>
        join(node.directory, 'var-lib-kafka', `data-${volume}`, `kafka-log${node.node.id}`);
      for (const volume of [0, 1]) {
        const meta = readFileSync(join(logDir(volume), 'meta.properties'), 'utf8');
        assert.match(meta, new RegExp(`cluster.id=${model.clusterId}`));
        assert.match(meta, new RegExp(`node.id=${node.node.id}`));
      }
      assert.ok(existsSync(join(logDir(0), '__cluster_metadata-0')));
      assert.ok(!existsSync(join(logDir(1), '__cluster_metadata-0')));
    }
  }),
);
