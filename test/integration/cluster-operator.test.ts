// Real services: kube-apiserver, kube-controller-manager (garbage collector, hostpath provisioner),
// kube-scheduler and kwok's three fake nodes (pods turn Ready without a container runtime), Redis;
// the operator as a separate process. Each test has a namespace of its own.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ApiException,
  NetworkingV1Api,
  PatchStrategy,
  StorageV1Api,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Ingress,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1Secret,
  type V1Service,
  Watch,
} from '@kubernetes/client-node';
import { readCertificate } from '../../src/actors/certificates/certificates.ts';
import { serverCertificateHash } from '../../src/actors/cluster/desired-objects/node-certificates.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import { serverCertificateHashAnnotation } from '../../src/api/labels.ts';
import { kafkaNodePoolType, kafkaType } from '../../src/api/resources.ts';
import { fixturesDirectory } from '../support/cluster-fixtures.ts';
import { conditionOf, kafkaClusterClient, type Manifest, readManifests } from '../support/manifests.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, reconcileSpans, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const clusters = [
  'separate-roles-ephemeral',
  'separate-roles-jbod',
  'separate-roles-persistent',
  'single-node',
  'dual-role',
];
const legacyClusters = ['internal-listeners', 'nodeport-listener', 'nodeport-advertised-host'];
const supportedVersion = '4.2.1';

const fixture = await operatorFixture('cluster-operator');
const { core, custom } = fixture;
// One namespace per test, all watched by one operator.
const namespaces = Array.from({ length: 24 }, (_, index) => `${fixture.namespace}-${index}`);
let nextNamespace = 0;
let operator: OperatorProcess;

function takeNamespace(): string {
  const namespace = namespaces[nextNamespace++];
  if (!namespace) throw new Error('add namespaces to the cluster-operator test: each test needs its own');
  return namespace;
}

before(async () => {
  await Promise.all(namespaces.map((name) => core.createNamespace({ body: { metadata: { name } } })));
  // The legacy fixtures ask for StorageClass "disk", as clusters of that time often had.
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
    // Only events reconcile: the Kafka's, its pools' and its pods'.
    RESYNC_INTERVAL_MS: '3600000',
    OPERATION_TIMEOUT_MS: '60000',
  });
  await operator.httpPort();
});

after(async () => {
  await operator.stop();
  await Promise.all(namespaces.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  await fixture.cleanup();
});

const { createAll, read: readKafka, readPool, settled, ready: readyKafka } = kafkaClusterClient(custom);

function manifests(file: string): Manifest[] {
  return readManifests(join(fixturesDirectory, file));
}

function withVersion(manifest: Manifest, version: string): Manifest {
  if (manifest.kind !== 'Kafka') return manifest;
  const kafka = structuredClone(manifest) as Kafka;
  kafka.spec.kafka.version = version;
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
  await createAll(namespace, manifests('clusters/single-node.yaml'));
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

// Claims of a node: one per persistent-claim volume of its pool.
function expectedClaims(objects: Manifest[]): number {
  const persistentVolumes = (
    storage: { type?: string; volumes?: { type?: string }[] } | undefined,
  ): number =>
    storage?.type === 'jbod'
      ? (storage.volumes ?? []).filter((volume) => volume.type === 'persistent-claim').length
      : Number(storage?.type === 'persistent-claim');
  return objects.reduce((sum, object) => {
    if (object.kind === 'KafkaNodePool') {
      const spec = object.spec as { replicas: number; storage: never };
      return sum + spec.replicas * persistentVolumes(spec.storage);
    }
    const legacy = (object as Kafka).spec.kafka;
    return sum + (legacy.replicas ?? 0) * persistentVolumes(legacy.storage as never);
  }, 0);
}

for (const cluster of clusters) {
  test(`the cluster ${cluster} reaches Ready: a Ready pod per node owned by the Kafka, its ConfigMap, certificate and claims`, async () => {
    const namespace = takeNamespace();
    const objects = manifests(`clusters/${cluster}.yaml`);
    await createAll(namespace, objects);
    const kafka = await readyKafka(namespace);
    const parts = await clusterParts(namespace);
    const pools = objects.filter((object) => object.kind === 'KafkaNodePool');
    const podCount = pools.reduce((sum, pool) => sum + (pool.spec as { replicas: number }).replicas, 0);
    assert.equal(parts.pods.length, podCount);
    assertNodes(
      kafka,
      parts,
      parts.pods.map((pod) => pod.metadata?.name ?? ''),
    );
    for (const pool of pools) {
      const prefix = `my-cluster-${pool.metadata?.name}-`;
      assert.equal(
        parts.podNames.filter((name) => name.startsWith(prefix)).length,
        (pool.spec as { replicas: number }).replicas,
        `pods of pool ${pool.metadata?.name}`,
      );
    }
    assert.equal(parts.claims.length, expectedClaims(objects));
    for (const claim of parts.claims) {
      assert.equal(claim.metadata?.annotations?.['strimzi.io/delete-claim'], 'false');
      assert.equal(
        claim.metadata?.ownerReferences,
        undefined,
        'a claim without deleteClaim outlives the Kafka',
      );
      assert.equal(claim.status?.phase, 'Bound');
    }
    assert.deepEqual(
      kafka.status?.kafkaNodePools?.map((pool) => pool.name).sort(),
      pools.map((pool) => pool.metadata?.name).sort(),
    );
  });
}

for (const legacyCluster of legacyClusters) {
  test(`the legacy ${legacyCluster} with a supported version reaches Ready on an implicit dual-role pool, ZooKeeper ignored with a Warning`, async (t) => {
    const namespace = takeNamespace();
    const objects = manifests(`legacy/${legacyCluster}.yaml`).map((manifest) =>
      withVersion(manifest, supportedVersion),
    );
    await createAll(namespace, objects);
    const kafka = await readyKafka(namespace);
    const parts = await clusterParts(namespace);
    assertNodes(kafka, parts, ['my-cluster-kafka-0', 'my-cluster-kafka-1']);
    assert.deepEqual(parts.claimNames, ['data-0-my-cluster-kafka-0', 'data-0-my-cluster-kafka-1']);
    for (const claim of parts.claims) {
      assert.equal(claim.spec?.storageClassName, 'disk');
      assert.equal(claim.metadata?.annotations?.['strimzi.io/delete-claim'], 'true');
    }
    const warnings = kafka.status?.conditions?.filter((c) => c.type === 'Warning') ?? [];
    assert.ok(
      warnings.some((w) => /zookeeper/i.test(w.message ?? '')),
      `a Warning says spec.zookeeper is ignored: ${JSON.stringify(warnings)}`,
    );
    assert.equal(kafka.status?.kafkaVersion, supportedVersion);
    assert.deepEqual(kafka.status?.kafkaNodePools, []);
    if (legacyCluster === 'internal-listeners') return;
    // Node port 32094 is the whole Kubernetes cluster's: the next legacy cluster needs it.
    t.after(async () => {
      await custom.deleteNamespacedCustomObject({ ...kafkaType, namespace, name: 'my-cluster' });
      await gone(namespace);
    });
    const external = kafka.status?.listeners?.find((listener) => listener.name === 'external');
    const nodeOf = (pod: string) => parts.pods.find((p) => p.metadata?.name === pod)?.spec?.nodeName ?? '';
    const externalIp = (pod: string) => `127.0.20.${nodeOf(pod).replace('kwok-node-', '')}`;
    const broker0 =
      legacyCluster === 'nodeport-advertised-host' ? '203.0.113.10' : externalIp('my-cluster-kafka-0');
    const expected = [...new Set([broker0, externalIp('my-cluster-kafka-1')])].map((host) => ({
      host,
      port: 32094,
    }));
    assert.deepEqual(external?.addresses, expected);
    assert.equal(external?.bootstrapServers, expected.map((a) => `${a.host}:${a.port}`).join(','));
    const bootstrap = parts.services.find((s) => s.metadata?.name === 'my-cluster-kafka-external-bootstrap');
    assert.equal(bootstrap?.spec?.type, 'NodePort');
    assert.equal(bootstrap?.spec?.ports?.[0]?.nodePort, 32094);
  });
}

function withTlsExternalListener(manifest: Manifest): Manifest {
  if (manifest.kind !== 'Kafka') return manifest;
  const kafka = structuredClone(manifest) as Kafka;
  for (const listener of kafka.spec.kafka.listeners ?? []) {
    if (listener.name === 'external') listener.tls = true;
  }
  return kafka;
}

test("a broker behind a TLS nodeport listener runs with a certificate that names its Kubernetes node's addresses", async (t) => {
  const namespace = takeNamespace();
  const objects = manifests('legacy/nodeport-listener.yaml').map((manifest) =>
    withTlsExternalListener(withVersion(manifest, supportedVersion)),
  );
  await createAll(namespace, objects);
  t.after(async () => {
    await custom.deleteNamespacedCustomObject({ ...kafkaType, namespace, name: 'my-cluster' });
    await gone(namespace);
  });
  const brokers = ['my-cluster-kafka-0', 'my-cluster-kafka-1'];
  // The pods' first certificates were issued before they had a node; the next reconcile would roll them,
  // but on kwok no broker answers whether they may restart, so the roll waits (the cluster may be seen
  // Ready in between, or not at all: the roll can follow its creation at once). Deleting the pods by hand
  // (what an administrator who knows the cluster is down may do) has them created with the new certificate.
  await waitFor(
    'the roll onto the new certificates to wait for Kafka',
    async () =>
      conditionOf(await readKafka(namespace), 'NotReady')?.reason === 'RestartCheckFailed' || undefined,
    120_000,
    500,
  );
  for (const name of brokers) await core.deleteNamespacedPod({ namespace, name });
  const names = await waitFor(
    'each broker to run Ready with a certificate naming its node',
    async () => {
      const parts = await clusterParts(namespace);
      const covered = brokers.map((name) => {
        const pod = parts.pods.find((candidate) => candidate.metadata?.name === name);
        const secret = parts.secrets.find((candidate) => candidate.metadata?.name === name);
        const certificatePem = Buffer.from(secret?.data?.[`${name}.crt`] ?? '', 'base64').toString();
        if (!pod || !isReady(pod) || !certificatePem) return undefined;
        const node = (pod.spec?.nodeName ?? '').replace('kwok-node-', '');
        const { ipAddresses } = readCertificate(certificatePem);
        const rolled =
          pod.metadata?.annotations?.[serverCertificateHashAnnotation] ===
          serverCertificateHash({ certificatePem, privateKeyPem: '' });
        return rolled && ipAddresses.includes(`127.0.10.${node}`) && ipAddresses.includes(`127.0.20.${node}`)
          ? ipAddresses
          : undefined;
      });
      return covered.every((addresses) => addresses !== undefined) ? covered : undefined;
    },
    180_000,
    1_000,
  );
  // Every node is named, so the certificate holds wherever the pod is scheduled next.
  for (const addresses of names) {
    for (const node of [1, 2, 3]) assert.ok(addresses.includes(`127.0.20.${node}`), `${addresses}`);
  }
  // The status still says RestartCheckFailed until a reconcile finds the pods on the new certificates.
  await waitFor(
    'the Kafka to be Ready on the new certificates',
    async () => conditionOf(await readKafka(namespace), 'Ready')?.status === 'True' || undefined,
    120_000,
    500,
  );
});

test('a legacy cluster as written (Kafka 3.4.0) is NotReady with UnsupportedKafkaVersion naming the supported versions, and nothing is created', async () => {
  const namespace = takeNamespace();
  await createAll(namespace, manifests('legacy/internal-listeners.yaml'));
  const kafka = await settled(namespace);
  const notReady = conditionOf(kafka, 'NotReady');
  assert.equal(notReady?.status, 'True');
  assert.equal(notReady?.reason, 'UnsupportedKafkaVersion');
  assert.match(notReady?.message ?? '', /3\.4\.0/);
  assert.match(notReady?.message ?? '', /4\.2\.1/);
  const parts = await clusterParts(namespace);
  assert.deepEqual(
    [parts.podNames, parts.serviceNames, parts.configMapNames, parts.secretNames, parts.claimNames],
    [[], [], [], [], []],
  );
});

async function patchPool(namespace: string, name: string, spec: object): Promise<void> {
  await custom.patchNamespacedCustomObject(
    { ...kafkaNodePoolType, namespace, name, body: { spec } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

async function patchKafka(namespace: string, body: object): Promise<void> {
  await custom.patchNamespacedCustomObject(
    { ...kafkaType, namespace, name: 'my-cluster', body },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

// Waits for the Kafka to be NotReady with `reason`, and for the Warning Event that says so.
async function refusedWith(namespace: string, reason: string) {
  const refused = await waitFor(
    `the Kafka to be NotReady with ${reason}`,
    async () => {
      const notReady = conditionOf(await readKafka(namespace), 'NotReady');
      return notReady?.reason === reason ? notReady : undefined;
    },
    120_000,
    500,
  );
  const warning = await waitFor(`a Warning Event ${reason}`, async () => {
    const events = await core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.kind=Kafka,involvedObject.name=my-cluster',
    });
    return events.items.find((event) => event.reason === reason);
  });
  assert.equal(warning.type, 'Warning');
  return { refused, warning };
}

// The persistent example with the broker pool's claims deleted with their nodes.
function brokerClaimsDeletedWithNodes(): Manifest[] {
  return manifests('clusters/separate-roles-persistent.yaml').map((manifest) => {
    if (manifest.kind !== 'KafkaNodePool' || manifest.metadata?.name !== 'broker') return manifest;
    const pool = structuredClone(manifest) as KafkaNodePool;
    if (pool.spec.storage.type === 'jbod') {
      for (const volume of pool.spec.storage.volumes ?? []) Object.assign(volume, { deleteClaim: true });
    }
    return pool;
  });
}

test('scaling a pool up adds a Ready pod with its certificate; a scale-down Kafka cannot be asked about is refused, and goes ahead with the skip annotation', async () => {
  const namespace = takeNamespace();
  await createAll(namespace, brokerClaimsDeletedWithNodes());
  await readyKafka(namespace);
  const before = (await readPool(namespace, 'broker')).status?.nodeIds ?? [];
  assert.equal(before.length, 3);

  await patchPool(namespace, 'broker', { replicas: 4 });
  const grown = await waitFor(
    'the broker pool to have 4 nodes',
    async () => {
      const pool = await readPool(namespace, 'broker');
      return pool.status?.replicas === 4 ? pool : undefined;
    },
    120_000,
    500,
  );
  const added = (grown.status?.nodeIds ?? []).filter((id) => !before.includes(id));
  assert.equal(added.length, 1);
  const newPod = `my-cluster-broker-${added[0]}`;
  const newClaim = `data-0-${newPod}`;
  const parts = await clusterParts(namespace);
  const pod = parts.pods.find((p) => p.metadata?.name === newPod);
  assert.ok(pod && isReady(pod), `${newPod} is Ready`);
  assert.ok(parts.secretNames.includes(newPod), `${newPod} has its certificate Secret`);
  assert.ok(parts.configMapNames.includes(newPod), `${newPod} has its ConfigMap`);
  assert.ok(parts.claimNames.includes(newClaim), `${newPod} has its claim`);

  // On kwok no broker runs: whether the node holds replicas cannot be asked, so nothing may go.
  const podsBeforeScaleDown = await clusterPods(namespace);
  const recorder = await recordPodEvents(namespace);
  try {
    await patchPool(namespace, 'broker', { replicas: 3 });
    const { refused, warning } = await refusedWith(namespace, 'ScaleDownCheckFailed');
    assert.match(refused.message ?? '', new RegExp(`broker nodes ${added[0]} .*could not be checked`));
    assert.equal(warning.message, refused.message);
    await assertNoPodDeleted(namespace, recorder.events, podsBeforeScaleDown);
  } finally {
    recorder.stop();
  }
  const kept = await clusterParts(namespace);
  const keptPod = kept.pods.find((p) => p.metadata?.name === newPod);
  assert.ok(keptPod && isReady(keptPod) && !keptPod.metadata?.deletionTimestamp, `${newPod} still runs`);
  assert.equal(keptPod.metadata?.uid, pod.metadata?.uid, `${newPod} is the same pod`);
  for (const names of [kept.secretNames, kept.configMapNames, kept.claimNames]) {
    assert.ok(
      names.some((name) => name.endsWith(newPod)),
      `${newPod}'s parts are kept: ${names}`,
    );
  }
  assert.deepEqual((await readPool(namespace, 'broker')).status?.nodeIds, grown.status?.nodeIds);

  await patchKafka(namespace, {
    metadata: { annotations: { 'strimzi.io/skip-broker-scaledown-check': 'true' } },
  });
  await waitFor(
    `${newPod} and its parts to be removed`,
    async () => {
      const pool = await readPool(namespace, 'broker');
      const now = await clusterParts(namespace);
      const names = [...now.podNames, ...now.secretNames, ...now.configMapNames, ...now.claimNames];
      const gone = !names.some((name) => name.endsWith(newPod));
      return pool.status?.replicas === 3 && gone ? now : undefined;
    },
    120_000,
    500,
  );
  assert.deepEqual((await readPool(namespace, 'broker')).status?.nodeIds, before);
  assert.equal(conditionOf(await readKafka(namespace), 'Ready')?.status, 'True');
});

interface PodEvent {
  type: string;
  name: string;
  deleting: boolean;
}

// Every change of the cluster's pods, in the order the apiserver reports them.
async function recordPodEvents(namespace: string) {
  const events: PodEvent[] = [];
  const request = await new Watch(fixture.kc).watch(
    `/api/v1/namespaces/${namespace}/pods`,
    { labelSelector: selector() },
    (type, pod: V1Pod) =>
      events.push({
        type,
        name: pod.metadata?.name ?? '',
        deleting: Boolean(pod.metadata?.deletionTimestamp),
      }),
    () => undefined,
  );
  return { events, stop: () => request.abort() };
}

// A roll or a scale-down asks Kafka before it deletes: by the time its refusal is in the status, a
// deletion would show.
async function assertNoPodDeleted(namespace: string, events: PodEvent[], before: V1Pod[]): Promise<V1Pod[]> {
  assert.deepEqual(
    events.filter((event) => event.deleting || event.type === 'DELETED'),
    [],
  );
  const now = await clusterPods(namespace);
  assert.deepEqual(
    now.map((pod) => pod.metadata?.uid).sort(),
    before.map((pod) => pod.metadata?.uid).sort(),
    'every pod is the one that ran before',
  );
  return now;
}

test('a configuration change Kafka cannot be asked about restarts no pod: NotReady with ConfigurationUpdateFailed (taken at runtime) or RestartCheckFailed (needs a restart) and a Warning Event', async () => {
  const namespace = takeNamespace();
  await createAll(namespace, manifests('clusters/separate-roles-ephemeral.yaml'));
  await readyKafka(namespace);
  const pods = await clusterPods(namespace);
  const recorder = await recordPodEvents(namespace);
  try {
    // Kafka takes these at runtime: written to Kafka, which cannot be reached on kwok; no restart either way.
    await patchKafka(namespace, {
      spec: { kafka: { config: { 'num.io.threads': 12, 'num.network.threads': 5 } } },
    });
    const { refused: unwritten } = await refusedWith(namespace, 'ConfigurationUpdateFailed');
    assert.match(unwritten.message ?? '', /the configuration Kafka takes at runtime could not be written/);
    // A node must restart for this one.
    await patchKafka(namespace, { spec: { kafka: { config: { 'auto.create.topics.enable': false } } } });
    // On kwok no broker runs: whether a node may restart cannot be asked, so none may go.
    const { refused } = await refusedWith(namespace, 'RestartCheckFailed');
    assert.match(
      refused.message ?? '',
      /the roll waits because Kafka could not be asked which controller is active, to restart nodes [\d, ]+ in order/,
    );
    await assertNoPodDeleted(namespace, recorder.events, pods);
  } finally {
    recorder.stop();
  }
});

test('strimzi.io/manual-rolling-update on a pod, then on a pool (handed to its pods), asks Kafka before restarting those nodes; unanswered, nothing restarts and the pods keep the request', async () => {
  const namespace = takeNamespace();
  await createAll(namespace, manifests('clusters/separate-roles-ephemeral.yaml'));
  await readyKafka(namespace);
  const pods = await clusterPods(namespace);
  const nodeOf = (pod: V1Pod) => Number(/-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1]);
  const brokers = pods.filter((pod) => pod.metadata?.labels?.['strimzi.io/pool-name'] === 'broker');
  const controllers = pods.filter((pod) => pod.metadata?.labels?.['strimzi.io/pool-name'] === 'controller');
  const [broker] = brokers;
  assert.ok(broker && controllers.length === 3, 'three controllers and a broker');
  const request = { metadata: { annotations: { 'strimzi.io/manual-rolling-update': 'true' } } };
  const recorder = await recordPodEvents(namespace);
  try {
    // The periodic resync is an hour here: the annotation itself is what reconciles the Kafka.
    await core.patchNamespacedPod(
      { namespace, name: broker.metadata?.name ?? '', body: request },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    // On kwok no broker runs: whether the node may restart cannot be asked, so it does not go.
    const { refused } = await refusedWith(namespace, 'RestartCheckFailed');
    assert.match(refused.message ?? '', new RegExp(`to restart nodes ${nodeOf(broker)} in order`));

    await custom.patchNamespacedCustomObject(
      { ...kafkaNodePoolType, namespace, name: 'controller', body: request },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const waiting = [...controllers, broker].map(nodeOf).sort((a, b) => a - b);
    await waitFor(
      `the roll to wait on Kafka for nodes ${waiting.join(', ')}`,
      async () => {
        const notReady = conditionOf(await readKafka(namespace), 'NotReady');
        const named = /to restart nodes ([\d, ]+) in order/.exec(notReady?.message ?? '')?.[1];
        const ids = named
          ?.split(', ')
          .map(Number)
          .sort((a, b) => a - b);
        return notReady?.reason === 'RestartCheckFailed' && ids?.join() === waiting.join() ? true : undefined;
      },
      120_000,
      500,
    );
    const now = await assertNoPodDeleted(namespace, recorder.events, pods);
    // The pool's request is on each of its pods now, which keep it until they have rolled.
    for (const asked of [broker, ...controllers]) {
      const pod = now.find((candidate) => candidate.metadata?.name === asked.metadata?.name);
      assert.equal(
        pod?.metadata?.annotations?.['strimzi.io/manual-rolling-update'],
        'true',
        pod?.metadata?.name,
      );
    }
    assert.equal(
      (await readPool(namespace, 'controller')).metadata?.annotations?.['strimzi.io/manual-rolling-update'],
      undefined,
      'the pool handed its request to its pods',
    );
  } finally {
    recorder.stop();
  }
});

// The periodic resync is an hour here: a change of the pool dual-role's metadata is what reconciles its
// Kafka. Returns the pool as changed, once a reconcile that started after the change has finished.
async function touchPoolForReconcile(namespace: string): Promise<KafkaNodePool> {
  const since = Date.now();
  const touched = (await custom.patchNamespacedCustomObject(
    {
      ...kafkaNodePoolType,
      namespace,
      name: 'dual-role',
      body: { metadata: { annotations: { touched: String(since) } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  )) as KafkaNodePool;
  await waitFor('a reconcile of the Kafka after the pool changed', async () =>
    reconcileSpans([operator], namespace, 'my-cluster').some((span) => span.start >= since && span.end)
      ? true
      : undefined,
  );
  return touched;
}

test('a change of a pool reconciles its Kafka, an idle reconcile writes nothing, and a deleted pod is recreated', async () => {
  const namespace = takeNamespace();
  await createAll(namespace, manifests('clusters/single-node.yaml'));
  const kafka = await readyKafka(namespace);
  const versions = async () => {
    const parts = await clusterParts(namespace);
    const all = [...parts.pods, ...parts.services, ...parts.configMaps, ...parts.secrets, ...parts.claims];
    return Object.fromEntries(all.map((o) => [`${o.metadata?.name}`, o.metadata?.resourceVersion]));
  };
  const before = await versions();
  const touched = await touchPoolForReconcile(namespace);
  assert.deepEqual(await versions(), before);
  assert.equal((await readKafka(namespace)).metadata?.resourceVersion, kafka.metadata?.resourceVersion);
  assert.equal(
    (await readPool(namespace, 'dual-role')).metadata?.resourceVersion,
    touched.metadata?.resourceVersion,
    "the pool's status is not written again either",
  );

  const [pod] = await clusterPods(namespace);
  await core.deleteNamespacedPod({ namespace, name: pod?.metadata?.name ?? '' });
  const recreated = await waitFor(
    'the pod to be recreated and Ready',
    async () => {
      const [now] = await clusterPods(namespace);
      return now && now.metadata?.uid !== pod?.metadata?.uid && isReady(now) ? now : undefined;
    },
    60_000,
    500,
  );
  assert.equal(recreated.metadata?.name, pod?.metadata?.name);
});

// The UnsupportedFields Events of the Kafka my-cluster: their messages.
async function unsupportedFieldsEvents(namespace: string): Promise<string[]> {
  const events = await core.listNamespacedEvent({
    namespace,
    fieldSelector: 'involvedObject.kind=Kafka,involvedObject.name=my-cluster,reason=UnsupportedFields',
  });
  return events.items.map((event) => `${event.type}: ${event.message}`);
}

const unsupportedFields = (resource: Kafka | KafkaNodePool) =>
  resource.status?.conditions?.find((c) => c.type === 'Warning' && c.reason === 'UnsupportedFields');

test("fields the operator does not act on (a Kafka's spec.cruiseControl, a pool's spec.template.initContainer) give Warning conditions naming them and one Warning Event per generation, none at later reconciles; once removed, the conditions go", async () => {
  const namespace = takeNamespace();
  await createAll(
    namespace,
    singleNode((kafka, pool) => {
      kafka.spec.cruiseControl = {};
      pool.spec.template = { initContainer: { env: [{ name: 'UNUSED', value: 'yes' }] } };
    }),
  );
  const kafka = await readyKafka(namespace);
  const warning = unsupportedFields(kafka);
  assert.equal(warning?.status, 'True');
  assert.match(
    warning?.message ?? '',
    /so they change nothing: spec\.cruiseControl, KafkaNodePool dual-role spec\.template\.initContainer\./,
  );
  // The pool's status is written once its pods are Ready, before the Kafka's says Ready.
  assert.match(
    unsupportedFields(await readPool(namespace, 'dual-role'))?.message ?? '',
    /so they change nothing: spec\.template\.initContainer\./,
  );

  // Another reconcile of the same generation records no Event.
  await touchPoolForReconcile(namespace);
  assert.deepEqual(await unsupportedFieldsEvents(namespace), [`Warning: ${warning?.message}`]);

  // A new generation of the Kafka, with other fields unsupported: one more Event, naming them.
  await patchKafka(namespace, { spec: { cruiseControl: null } });
  const withoutCruiseControl = await readyKafka(namespace);
  assert.ok((withoutCruiseControl.metadata?.generation ?? 0) > (kafka.metadata?.generation ?? 0));
  const poolOnly = unsupportedFields(withoutCruiseControl);
  assert.match(
    poolOnly?.message ?? '',
    /so they change nothing: KafkaNodePool dual-role spec\.template\.initContainer\./,
  );
  assert.deepEqual(
    (await unsupportedFieldsEvents(namespace)).sort(),
    [`Warning: ${warning?.message}`, `Warning: ${poolOnly?.message}`].sort(),
  );

  await patchPool(namespace, 'dual-role', { template: null });
  await waitFor(
    'the Warnings to go from the Kafka and its pool',
    async () => {
      const [now, pool] = await Promise.all([readKafka(namespace), readPool(namespace, 'dual-role')]);
      const ready = conditionOf(now, 'Ready')?.status === 'True';
      return ready && !unsupportedFields(now) && !unsupportedFields(pool) ? true : undefined;
    },
    120_000,
    500,
  );
  assert.equal((await unsupportedFieldsEvents(namespace)).length, 2);
});

async function gone(namespace: string) {
  return waitFor(
    'the garbage collector to delete the cluster',
    async () => {
      const parts = await clusterParts(namespace);
      const left = [...parts.podNames, ...parts.serviceNames, ...parts.configMapNames, ...parts.secretNames];
      return left.length === 0 ? parts : undefined;
    },
    120_000,
    500,
  );
}

test('deleting the Kafka removes its pods, services, config maps and secrets; claims go only where deleteClaim is true', async () => {
  const kept = takeNamespace();
  const deleted = takeNamespace();
  await createAll(kept, manifests('clusters/single-node.yaml'));
  await createAll(
    deleted,
    manifests('legacy/internal-listeners.yaml').map((m) => withVersion(m, supportedVersion)),
  );
  await Promise.all([readyKafka(kept), readyKafka(deleted)]);
  for (const namespace of [kept, deleted]) {
    await custom.deleteNamespacedCustomObject({ ...kafkaType, namespace, name: 'my-cluster' });
  }
  const [keptParts, deletedParts] = await Promise.all([gone(kept), gone(deleted)]);
  assert.deepEqual(
    keptParts.claimNames,
    ['data-0-my-cluster-dual-role-0'],
    'deleteClaim: false keeps the claim',
  );
  await waitFor(
    'the claims with deleteClaim: true to be deleted',
    async () => ((await clusterParts(deleted)).claimNames.length === 0 ? true : undefined),
    60_000,
  );
  assert.ok(deletedParts);
});

async function refusal(namespace: string, objects: Manifest[]): Promise<string> {
  try {
    await createAll(namespace, objects);
  } catch (error) {
    if (error instanceof ApiException) return String(error.body);
    throw error;
  }
  assert.fail('the apiserver accepted the resource');
}

function singleNode(change: (kafka: Kafka, pool: KafkaNodePool) => void): Manifest[] {
  const objects = manifests('clusters/single-node.yaml').map((o) => structuredClone(o));
  change(
    objects.find((o) => o.kind === 'Kafka') as Kafka,
    objects.find((o) => o.kind === 'KafkaNodePool') as KafkaNodePool,
  );
  return objects;
}

test('an ingress listener gets an Ingress for its bootstrap and one per broker, passing TLS through to the services of the same names; the brokers advertise their hosts on 443, the status the bootstrap host; removing the listener removes them', async () => {
  const namespace = takeNamespace();
  await createAll(
    namespace,
    singleNode((kafka) => {
      kafka.spec.kafka.listeners.push({
        name: 'external',
        port: 9094,
        type: 'ingress',
        tls: true,
        configuration: {
          class: 'nginx',
          bootstrap: { host: 'bootstrap.kafka.example.com', annotations: { 'example.com/team': 'data' } },
          brokers: [{ broker: 0, host: 'broker-0.kafka.example.com' }],
        },
      });
      kafka.spec.kafka.template = {
        externalBootstrapIngress: { metadata: { labels: { 'example.com/exposed': 'bootstrap' } } },
        perPodIngress: { metadata: { labels: { 'example.com/exposed': 'broker' } } },
      };
    }),
  );
  const kafka = await readyKafka(namespace);
  const networking = fixture.kc.makeApiClient(NetworkingV1Api);
  const ingresses = async () =>
    (await networking.listNamespacedIngress({ namespace, labelSelector: selector() })).items;
  // As plain JSON: the client returns its model classes.
  const byName = new Map(
    (await ingresses()).map((ingress) => [
      ingress.metadata?.name ?? '',
      JSON.parse(JSON.stringify(ingress)) as V1Ingress,
    ]),
  );
  const parts = await clusterParts(namespace);
  const expected = [
    ['my-cluster-kafka-external-bootstrap', 'bootstrap.kafka.example.com', 'bootstrap'],
    ['my-cluster-dual-role-external-0', 'broker-0.kafka.example.com', 'broker'],
  ];
  assert.deepEqual([...byName.keys()].sort(), expected.map(([name]) => name).sort());
  for (const [name, host, exposed] of expected) {
    const ingress = byName.get(name ?? '');
    assert.equal(ingress?.spec?.ingressClassName, 'nginx');
    assert.deepEqual(ingress?.spec?.tls, [{ hosts: [host] }]);
    assert.deepEqual(ingress?.spec?.rules, [
      {
        host,
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 9094 } } } }],
        },
      },
    ]);
    assert.equal(ingress?.metadata?.annotations?.['nginx.ingress.kubernetes.io/ssl-passthrough'], 'true');
    assert.equal(ingress?.metadata?.labels?.['example.com/exposed'], exposed);
    assert.equal(ingress?.metadata?.ownerReferences?.[0]?.uid, kafka.metadata?.uid);
    assert.ok(parts.serviceNames.includes(name ?? ''), `the Ingress ${name} routes to a Service that exists`);
  }
  assert.equal(
    byName.get('my-cluster-kafka-external-bootstrap')?.metadata?.annotations?.['example.com/team'],
    'data',
  );
  const serverConfig = parts.configMaps.find((c) => c.metadata?.name === 'my-cluster-dual-role-0')?.data?.[
    'server.config'
  ];
  assert.match(
    serverConfig ?? '',
    /^advertised\.listeners=.*EXTERNAL-9094:\/\/broker-0\.kafka\.example\.com:443/m,
  );
  const external = kafka.status?.listeners?.find((listener) => listener.name === 'external');
  assert.equal(external?.bootstrapServers, 'bootstrap.kafka.example.com:443');

  await custom.patchNamespacedCustomObject(
    {
      ...kafkaType,
      namespace,
      name: 'my-cluster',
      body: [{ op: 'remove', path: '/spec/kafka/listeners/2' }],
    },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
  await waitFor('the Ingresses of the removed listener to be deleted', async () =>
    (await ingresses()).length === 0 ? true : undefined,
  );
});

test('a listener name with capitals and two listeners on one port are refused by the apiserver with a clear message', async () => {
  const namespace = takeNamespace();
  const capitals = await refusal(
    namespace,
    singleNode((kafka) => {
      kafka.spec.kafka.listeners = [{ name: 'Plain', port: 9092, type: 'internal', tls: false }];
    }).filter((o) => o.kind === 'Kafka'),
  );
  assert.match(capitals, /a listener name must be 1 to 11 lowercase letters or digits/);
  const samePort = await refusal(
    namespace,
    singleNode((kafka) => {
      kafka.spec.kafka.listeners = [
        { name: 'plain', port: 9092, type: 'internal', tls: false },
        { name: 'tls', port: 9092, type: 'internal', tls: true },
      ];
    }).filter((o) => o.kind === 'Kafka'),
  );
  assert.match(samePort, /each listener needs its own port/);
});

for (const [what, change, message] of [
  [
    'a forbidden config key',
    (kafka: Kafka) => {
      kafka.spec.kafka.config = { ...kafka.spec.kafka.config, 'advertised.listeners': 'PLAINTEXT://x:9092' };
    },
    /spec\.kafka\.config key "advertised\.listeners" is managed by the operator/,
  ],
  [
    'a pool without roles',
    (_kafka: Kafka, pool: KafkaNodePool) => {
      pool.spec.roles = [];
    },
    /KafkaNodePool dual-role has no role defined/,
  ],
  [
    'an ingress listener without TLS nor a bootstrap host',
    (kafka: Kafka) => {
      kafka.spec.kafka.listeners.push({ name: 'external', port: 9094, type: 'ingress', tls: false });
    },
    /listener "external": listeners of type ingress need tls: true; listener "external": an ingress listener needs configuration\.bootstrap\.host/,
  ],
] as const) {
  test(`${what} gives NotReady with InvalidResource and nothing is created`, async () => {
    const namespace = takeNamespace();
    await createAll(namespace, singleNode(change));
    const kafka = await settled(namespace);
    const notReady = conditionOf(kafka, 'NotReady');
    assert.equal(notReady?.reason, 'InvalidResource');
    assert.match(notReady?.message ?? '', message);
    const parts = await clusterParts(namespace);
    assert.deepEqual(
      [parts.podNames, parts.serviceNames, parts.configMapNames, parts.secretNames, parts.claimNames],
      [[], [], [], [], []],
    );
  });
}
