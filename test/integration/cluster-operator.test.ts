// Real services: kube-apiserver, kube-controller-manager (garbage collector, hostpath provisioner),
// kube-scheduler and kwok's three fake nodes (pods turn Ready without a container runtime), Redis;
// the operator as a separate process. Each test has a namespace of its own.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ApiException,
  type KubernetesObject,
  StorageV1Api,
  type V1ConfigMap,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1Secret,
  type V1Service,
  Watch,
} from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import type { Condition } from '../../src/api/conditions.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import { apiGroup, kafkaNodePoolType, kafkaType } from '../../src/api/resources.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixturesDirectory = '/work/shared/fixtures';
const examples = [
  'kafka-ephemeral',
  'kafka-jbod',
  'kafka-persistent',
  'kafka-single-node',
  'kafka-with-dual-role-nodes',
];
const seeds = ['kafka-internal', 'kafka-nodeport', 'kafka-nodeport-advertised-host'];
const supportedVersion = '4.2.1';

const fixture = await operatorFixture('cluster-operator');
const { core, custom } = fixture;
// One namespace per test, all watched by one operator.
const namespaces = Array.from({ length: 20 }, (_, index) => `${fixture.namespace}-${index}`);
let nextNamespace = 0;
let operator: OperatorProcess;

function takeNamespace(): string {
  const namespace = namespaces[nextNamespace++];
  if (!namespace) throw new Error('add namespaces to the cluster-operator test: each test needs its own');
  return namespace;
}

before(async () => {
  await Promise.all(namespaces.map((name) => core.createNamespace({ body: { metadata: { name } } })));
  // The seed manifests ask for StorageClass "disk", as the cluster they were written for had.
  await fixture.kc
    .makeApiClient(StorageV1Api)
    .createStorageClass({
      body: {
        metadata: { name: 'disk' },
        provisioner: 'kubernetes.io/host-path',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      },
    })
    .catch((error: unknown) => {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    });
  operator = startOperatorProcess('cluster-operator', {
    ...fixture.env,
    WATCH_NAMESPACES: namespaces.join(','),
    RESYNC_INTERVAL_MS: '10000',
    OPERATION_TIMEOUT_MS: '60000',
  });
  await operator.httpPort();
});

after(async () => {
  await operator.stop();
  await Promise.all(namespaces.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  await fixture.cleanup();
});

type Manifest = KubernetesObject & { spec?: Record<string, unknown> };

function manifests(file: string): Manifest[] {
  return (loadAll(readFileSync(join(fixturesDirectory, file), 'utf8')) as (Manifest | null)[]).filter(
    (manifest): manifest is Manifest => manifest !== null,
  );
}

function withVersion(manifest: Manifest, version: string): Manifest {
  if (manifest.kind !== 'Kafka') return manifest;
  const kafka = structuredClone(manifest) as Kafka;
  kafka.spec.kafka.version = version;
  return kafka;
}

async function createAll(namespace: string, objects: Manifest[]): Promise<void> {
  // Pools first: a Kafka reconciled before its pools exist would plan without them.
  const ordered = [...objects].sort((a, b) => Number(a.kind === 'Kafka') - Number(b.kind === 'Kafka'));
  for (const object of ordered) {
    const [group, version] = (object.apiVersion ?? '').split('/');
    await custom.createNamespacedCustomObject({
      group: group ?? apiGroup,
      version: version ?? 'v1',
      namespace,
      plural: object.kind === 'Kafka' ? kafkaType.plural : kafkaNodePoolType.plural,
      body: object,
    });
  }
}

async function readKafka(namespace: string, name = 'my-cluster'): Promise<Kafka> {
  return (await custom.getNamespacedCustomObject({
    group: kafkaType.group,
    version: kafkaType.version,
    namespace,
    plural: kafkaType.plural,
    name,
  })) as Kafka;
}

async function readPool(namespace: string, name: string): Promise<KafkaNodePool> {
  return (await custom.getNamespacedCustomObject({
    group: kafkaNodePoolType.group,
    version: kafkaNodePoolType.version,
    namespace,
    plural: kafkaNodePoolType.plural,
    name,
  })) as KafkaNodePool;
}

function condition(kafka: Kafka, type: string): Condition | undefined {
  return kafka.status?.conditions?.find((c) => c.type === type);
}

// The Kafka once a reconcile of its current generation settled Ready or NotReady.
async function settled(namespace: string, name = 'my-cluster', timeoutMs = 120_000): Promise<Kafka> {
  return waitFor(
    `Kafka ${namespace}/${name} to settle`,
    async () => {
      const kafka = await readKafka(namespace, name);
      const done = condition(kafka, 'Ready') ?? condition(kafka, 'NotReady');
      return done && kafka.status?.observedGeneration === kafka.metadata?.generation ? kafka : undefined;
    },
    timeoutMs,
    500,
  );
}

async function readyKafka(namespace: string, name = 'my-cluster'): Promise<Kafka> {
  const kafka = await settled(namespace, name);
  const notReady = condition(kafka, 'NotReady');
  assert.equal(notReady, undefined, `NotReady: ${notReady?.reason}: ${notReady?.message}`);
  assert.equal(condition(kafka, 'Ready')?.status, 'True');
  return kafka;
}

const selector = (cluster = 'my-cluster') => `strimzi.io/cluster=${cluster},strimzi.io/kind=Kafka`;

async function clusterPods(namespace: string): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace, labelSelector: selector() })).items;
}

async function clusterParts(namespace: string) {
  const [pods, services, configMaps, secrets, claims] = await Promise.all([
    core.listNamespacedPod({ namespace, labelSelector: selector() }),
    core.listNamespacedService({ namespace, labelSelector: selector() }),
    core.listNamespacedConfigMap({ namespace, labelSelector: selector() }),
    core.listNamespacedSecret({ namespace, labelSelector: selector() }),
    core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: selector() }),
  ]);
  const names = <T extends { metadata?: { name?: string } }>(list: { items: T[] }) =>
    list.items.map((item) => item.metadata?.name ?? '').sort();
  return {
    pods: pods.items as V1Pod[],
    services: services.items as V1Service[],
    configMaps: configMaps.items as V1ConfigMap[],
    secrets: secrets.items as V1Secret[],
    claims: claims.items as V1PersistentVolumeClaim[],
    podNames: names(pods),
    serviceNames: names(services),
    configMapNames: names(configMaps),
    secretNames: names(secrets),
    claimNames: names(claims),
  };
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

// Asserts what every node of a Ready cluster has: a Ready pod owned by the Kafka with its hashes, a
// ConfigMap with its server configuration, a certificate Secret.
function assertNodes(kafka: Kafka, parts: Awaited<ReturnType<typeof clusterParts>>, podNames: string[]) {
  assert.deepEqual(parts.podNames, [...podNames].sort());
  for (const pod of parts.pods) {
    const name = pod.metadata?.name ?? '';
    assert.ok(isReady(pod), `${name} is Ready`);
    assert.match(pod.spec?.nodeName ?? '', /^kwok-node-[123]$/);
    const owner = pod.metadata?.ownerReferences?.[0];
    assert.equal(owner?.kind, 'Kafka');
    assert.equal(owner?.uid, kafka.metadata?.uid);
    assert.equal(owner?.controller, true);
    assert.ok(pod.metadata?.annotations?.['strimzi.io/revision'], `${name} has a revision`);
    assert.ok(
      pod.metadata?.annotations?.['strimzi.io/configuration-hash'],
      `${name} has a configuration hash`,
    );
    const configMap = parts.configMaps.find((c) => c.metadata?.name === name);
    assert.ok(configMap, `${name} has a ConfigMap`);
    const config = Object.entries(configMap.data ?? {}).find(([key]) => key.startsWith('server.'))?.[1] ?? '';
    assert.match(config, /node\.id=\d+/);
    assert.match(config, /process\.roles=/);
    const certificate = parts.secrets.find((s) => s.metadata?.name === name);
    assert.ok(
      certificate?.data?.[`${name}.crt`] && certificate.data[`${name}.key`],
      `${name} has its certificate`,
    );
  }
}

test('the single-node example reaches Ready with its pod, services, config map, certificates and claim', async () => {
  const namespace = takeNamespace();
  await createAll(namespace, manifests('strimzi-1.2-examples/kafka/kafka-single-node.yaml'));
  const kafka = await readyKafka(namespace);
  const parts = await clusterParts(namespace);
  assertNodes(kafka, parts, ['my-cluster-dual-role-0']);
  assert.ok(parts.serviceNames.includes('my-cluster-kafka-bootstrap'));
  assert.ok(parts.serviceNames.includes('my-cluster-kafka-brokers'));
  assert.ok(parts.secretNames.includes('my-cluster-cluster-ca-cert'));
  assert.ok(parts.secretNames.includes('my-cluster-clients-ca-cert'));
  assert.equal(kafka.status?.kafkaVersion, '4.3.1');
  assert.equal(kafka.status?.kafkaMetadataVersion, '4.3-IV0');
  assert.deepEqual(kafka.status?.kafkaNodePools, [{ name: 'dual-role' }]);
  assert.match(kafka.status?.clusterId ?? '', /^[A-Za-z0-9_-]{22}$/);
  assert.equal(kafka.status?.operatorLastSuccessfulVersion, '0.1.0');
  const plain = kafka.status?.listeners?.find((l) => l.name === 'plain');
  assert.equal(plain?.bootstrapServers, `my-cluster-kafka-bootstrap.${namespace}.svc:9092`);
  const tls = kafka.status?.listeners?.find((l) => l.name === 'tls');
  assert.match(tls?.certificates?.[0] ?? '', /BEGIN CERTIFICATE/);
  const pool = await readPool(namespace, 'dual-role');
  assert.deepEqual(pool.status?.nodeIds, [0]);
  assert.deepEqual(pool.status?.roles, ['controller', 'broker']);
  assert.equal(pool.status?.replicas, 1);
  assert.equal(pool.status?.clusterId, kafka.status?.clusterId);
  assert.match(pool.status?.labelSelector ?? '', /strimzi\.io\/pool-name=dual-role/);
});
