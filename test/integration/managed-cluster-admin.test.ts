// Real services: the test environment's apiserver, and a one-node cluster booted from what the operator
// generates (test/support/generated-kafka-cluster.ts) with TLS client authentication and authorization on.
// A KafkaTopic labelled with a Kafka this operator runs reaches it as Strimzi's entity operator does: on the
// replication listener, with the operator's certificate and the cluster CA read from their Secrets.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import { buildCaSecrets } from '../../src/actors/certificates/ca-secrets.ts';
import { buildClusterModel } from '../../src/actors/cluster/cluster-model.ts';
import {
  buildOperatorCertificateSecret,
  ensureOperatorCertificate,
} from '../../src/actors/cluster/operator-certificate.ts';
import type { ClusterAccess } from '../../src/actors/cluster/partition-replica-check.ts';
import { KafkaClusters } from '../../src/actors/kafka/kafka-clusters.ts';
import { PlatformaticKafkaAdmin } from '../../src/actors/kafka/platformatic-admin.ts';
import { PooledKubeConfig } from '../../src/actors/kubernetes/pooled-kube-config.ts';
import { secretDataReader } from '../../src/actors/kubernetes/secret-data.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import type { ClusterModel } from '../../src/machines/cluster-model.ts';
import { kubernetesEnvironment, runDirectory } from '../support/environment.ts';
import { bootGeneratedCluster } from '../support/generated-kafka-cluster.ts';
import { testEnvironmentKafkaVersion } from '../support/local-kafka-nodes.ts';

const suffix = randomUUID().slice(0, 8);
const namespace = `managed-admin-${suffix}`;
const kubeConfig = new PooledKubeConfig();
kubeConfig.loadFromFile(kubernetesEnvironment().kubeconfig);
const core = kubeConfig.makeApiClient(CoreV1Api);

after(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

const kafka: Kafka = {
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'Kafka',
  metadata: { name: 'managed', namespace, uid: randomUUID() },
  spec: {
    kafka: {
      version: testEnvironmentKafkaVersion(),
      listeners: [{ name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'tls' } }],
      authorization: { type: 'simple' },
      config: { 'offsets.topic.replication.factor': 1, 'transaction.state.log.replication.factor': 1 },
    },
    entityOperator: { topicOperator: {}, userOperator: {} },
  },
  // What the cluster operator reports once the pods are Ready (it does not run in this test).
  status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }] },
};

const pool: KafkaNodePool = {
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaNodePool',
  metadata: { name: 'dual', namespace, labels: { 'strimzi.io/cluster': 'managed' } },
  spec: {
    replicas: 1,
    roles: ['controller', 'broker'],
    storage: { type: 'ephemeral' },
    jvmOptions: { '-Xms': '128m', '-Xmx': '512m' },
  },
};

// The Secrets as the cluster operator writes them, without the owner reference to a Kafka the apiserver
// does not hold (its garbage collector would delete them).
function unowned(secret: V1Secret): V1Secret {
  return { ...secret, metadata: { ...secret.metadata, ownerReferences: undefined } };
}

test("a KafkaTopic and a KafkaUser of a Kafka this operator runs reach it through mutual TLS with the operator's certificate: a topic created and described, a SCRAM credential and ACLs written and read", async (t) => {
  const model: ClusterModel = buildClusterModel(kafka, [pool], { podNodeIds: {} });
  const [node] = model.nodes;
  assert.ok(node);
  const root = join(runDirectory, `managed-cluster-admin-${suffix}`);
  const booted = await bootGeneratedCluster(model, root);
  t.after(async () => {
    await booted.nodes.stop();
    rmSync(root, { recursive: true, force: true });
  });

  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const operatorCertificate = await ensureOperatorCertificate(model, booted.clusterCa, [], {
    validityDays: 2,
    renewalDays: 1,
  });
  const { certSecret } = buildCaSecrets({
    namespace,
    clusterName: 'managed',
    role: 'cluster',
    ca: booted.clusterCa,
    certGeneration: 0,
    keyGeneration: 0,
    truststorePassword: 'changeit',
  });
  for (const body of [certSecret, buildOperatorCertificateSecret(model, operatorCertificate)]) {
    await core.createNamespacedSecret({ namespace, body: unowned(body) });
  }

  const reachedWith: ClusterAccess[] = [];
  const clusters = new KafkaClusters({
    clusters: {},
    clientId: `managed-admin-${suffix}`,
    readSecret: secretDataReader(core),
    createAdmin: (settings) => new PlatformaticKafkaAdmin(settings),
    findKafka: (ns, name) => (ns === namespace && name === 'managed' ? kafka : undefined),
    // Outside Kubernetes the bootstrap service does not resolve: the node's own name does, through the
    // hosts map of the booted nodes. The credentials stay the ones read from the Secrets.
    reachManaged: (access) => {
      reachedWith.push(access);
      return {
        bootstrap: [`${booted.hostOf(node)}:9091`],
        tls: { ...access.tls, lookup: booted.nodes.lookup },
      };
    },
  });
  t.after(() => clusters.close());
  const topic = {
    kind: 'KafkaTopic',
    metadata: { name: `orders-${suffix}`, namespace, labels: { 'strimzi.io/cluster': 'managed' } },
  };

  const created = await booted.nodes.waitWhileRunning(
    'the topic to be created through the managed cluster admin',
    async () => {
      const admin = await clusters.adminFor(topic);
      const name = `orders-${suffix}`;
      // An attempt that timed out may still have created it.
      return admin
        .createTopic({ name, partitions: 3, replicas: 1, config: { 'retention.ms': '3600000' } })
        .catch(() => admin.describeTopic(name).catch(() => undefined));
    },
    120_000,
  );
  assert.equal(created.partitions, 3);

  assert.deepEqual(
    reachedWith.map((access) => access.bootstrap),
    reachedWith.map(() => [`managed-kafka-bootstrap.${namespace}.svc:9091`]),
  );
  assert.equal(reachedWith[0]?.tls?.cert, operatorCertificate.certificatePem);
  assert.equal(reachedWith[0]?.tls?.ca, booted.clusterCa.certificatePem);

  const admin = await clusters.adminFor(topic);
  const described = await admin.describeTopic(`orders-${suffix}`);
  assert.equal(described?.name, `orders-${suffix}`);
  assert.equal(described?.partitions, 3);
  assert.equal(described?.replicationFactor, 1);
  assert.equal((await admin.describeTopicConfig(`orders-${suffix}`))['retention.ms'], '3600000');

  const user = {
    kind: 'KafkaUser',
    metadata: { name: `alice-${suffix}`, namespace, labels: { 'strimzi.io/cluster': 'managed' } },
  };
  const userAdmin = await clusters.adminFor(user);
  assert.equal(userAdmin, admin, 'one admin per managed cluster');
  await userAdmin.upsertScramCredential(`alice-${suffix}`, 'alice-password-1234');
  assert.equal(await userAdmin.hasScramCredential(`alice-${suffix}`), true);
  const rule = {
    principal: `User:alice-${suffix}`,
    resourceType: 'topic',
    resourceName: `orders-${suffix}`,
    patternType: 'literal',
    host: '*',
    operation: 'Read',
    permission: 'allow',
  } as const;
  await userAdmin.createAcls([rule]);
  assert.deepEqual(await userAdmin.describeAcls(`User:alice-${suffix}`), [rule]);
});
