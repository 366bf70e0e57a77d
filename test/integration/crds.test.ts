// Real services: kube-apiserver with etcd (built from the Go module proxy); no Kafka, no operator.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { installCustomResourceDefinitions } from '../../src/api/install.ts';
import { kafkaNodePoolType, kafkaTopicType, kafkaType, type ResourceType } from '../../src/api/resources.ts';
import { fixturesDirectory, legacyDirectory } from '../support/cluster-fixtures.ts';
import { kubernetesEnvironment } from '../support/environment.ts';
import { dryRunProblems, manifestFilesUnder, readManifests, strimziResources } from '../support/manifests.ts';

const { kubeconfig } = kubernetesEnvironment();
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const custom = kc.makeApiClient(CustomObjectsApi);
const extensions = kc.makeApiClient(ApiextensionsV1Api);

const namespace = `crds-${randomUUID().slice(0, 8)}`;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function target(type: ResourceType, version = type.version) {
  return { group: type.group, version, plural: type.plural, namespace };
}

function create(type: ResourceType, body: object, dryRun?: 'All') {
  return custom.createNamespacedCustomObject({ ...target(type), body, dryRun });
}

function topic(name: string, spec: object) {
  return { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name }, spec };
}

function kafkaWithListeners(name: string, listeners: object[]) {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    metadata: { name },
    spec: { kafka: { listeners } },
  };
}

/**
 * The apiserver's explanation of a refusal (422 for invalid values, 400 for fields that strict field validation
 * finds undeclared), or a failure when the request was accepted.
 */
async function refusal(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    if (error instanceof ApiException && (error.code === 422 || error.code === 400)) {
      return JSON.parse(error.body as string).message as string;
    }
    throw error;
  }
  assert.fail('the apiserver accepted what it should refuse');
}

before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await installCustomResourceDefinitions(kc);
});

after(async () => {
  await core.deleteNamespace({ name: namespace });
});

test('installing the CRDs again is harmless: they stay Established and their generation does not move', async () => {
  const generations = async () =>
    Promise.all(
      ['kafkas', 'kafkanodepools', 'kafkatopics', 'kafkausers'].map(async (plural) => {
        const crd = await extensions.readCustomResourceDefinition({ name: `${plural}.kafka.strimzi.io` });
        const established = crd.status?.conditions?.some(
          (c) => c.type === 'Established' && c.status === 'True',
        );
        return [plural, crd.metadata?.generation, established];
      }),
    );
  const before = await generations();
  await installCustomResourceDefinitions(kc);
  assert.deepEqual(await generations(), before);
  assert.ok(before.every(([, , established]) => established === true));
});

test("every manifest of the project's fixtures passes a server-side dry run with its spec kept whole", async () => {
  const files = manifestFilesUnder(fixturesDirectory);
  const resources = files.flatMap(({ manifests }) => strimziResources(manifests));
  assert.ok(resources.length >= 25, `only ${resources.length} resources found in ${fixturesDirectory}`);
  for (const kind of ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser']) {
    assert.ok(
      resources.some((manifest) => manifest.kind === kind),
      `the fixtures have a ${kind}`,
    );
  }
  assert.ok(resources.some((manifest) => manifest.apiVersion === 'kafka.strimzi.io/v1beta2'));
  assert.deepEqual(await dryRunProblems(custom, namespace, files), []);
});

test('a KafkaTopic with 0 partitions or an impossible replication factor is refused with a message saying why', async () => {
  const partitions = await refusal(create(kafkaTopicType, topic('no-partitions', { partitions: 0 }), 'All'));
  assert.match(partitions, /spec\.partitions must be at least 1; omit it to use the broker default/);
  const tooMany = await refusal(create(kafkaTopicType, topic('too-many', { replicas: 40000 }), 'All'));
  assert.match(tooMany, /spec\.replicas \(the replication factor\) must be between 1 and 32767/);
  const none = await refusal(create(kafkaTopicType, topic('no-replicas', { replicas: 0 }), 'All'));
  assert.match(none, /must be between 1 and 32767/);
});

test('the topic name of an existing KafkaTopic cannot be changed, set to another name, or removed', async () => {
  const changeForbidden = /spec\.topicName cannot be changed.*create a new KafkaTopic/;
  const patchSpec = (name: string, spec: object) =>
    custom.patchNamespacedCustomObject({ ...target(kafkaTopicType), name, body: { spec } }, mergePatch);

  await create(kafkaTopicType, topic('orders', { partitions: 1 }));
  const same = await patchSpec('orders', { topicName: 'orders', partitions: 2 });
  assert.equal(same.spec.partitions, 2, 'naming the topic it already has is no change');
  assert.match(await refusal(patchSpec('orders', { topicName: 'payments' })), changeForbidden);
  await patchSpec('orders', { topicName: null });

  await create(kafkaTopicType, topic('legacy-name', { topicName: 'Legacy.Name' }));
  assert.match(await refusal(patchSpec('legacy-name', { topicName: null })), changeForbidden);
  assert.match(await refusal(patchSpec('legacy-name', { topicName: 'Legacy.Other' })), changeForbidden);

  const withStatus = await custom.patchNamespacedCustomObjectStatus(
    { ...target(kafkaTopicType), name: 'legacy-name', body: { status: { topicName: 'Legacy.Name' } } },
    mergePatch,
  );
  assert.equal(withStatus.status.topicName, 'Legacy.Name', 'status writes are not hindered by the rule');
  assert.equal(withStatus.spec.topicName, 'Legacy.Name');
});

test('a typo in a Kafka field is refused with its path under strict field validation, and pruned otherwise', async () => {
  const plain = { name: 'plain', port: 9092, type: 'internal', tls: false };
  const typo = kafkaWithListeners('typo', [plain]);
  const withTypo = { ...typo, spec: { kafka: { ...typo.spec.kafka, listners: [plain], replicas: 3 } } };
  // kubectl apply and create ask for strict field validation by default.
  const strict = await refusal(
    custom.createNamespacedCustomObject({
      ...target(kafkaType),
      body: withTypo,
      dryRun: 'All',
      fieldValidation: 'Strict',
    }),
  );
  assert.match(strict, /unknown field "spec\.kafka\.listners"/);
  const created = await create(kafkaType, withTypo);
  assert.equal(created.spec.kafka.listners, undefined, 'the undeclared field is pruned');
  assert.deepEqual(created.spec.kafka.listeners, [plain]);
  assert.equal(created.spec.kafka.replicas, 3, 'declared fields are kept');
});

test('a wrong type is refused with its path: replicas "three", a listener port as text, an unknown enum value', async () => {
  const pool = await refusal(
    create(
      kafkaNodePoolType,
      {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'KafkaNodePool',
        metadata: { name: 'three', labels: { 'strimzi.io/cluster': 'my-cluster' } },
        spec: { replicas: 'three', roles: ['broker'], storage: { type: 'ephemeral' } },
      },
      'All',
    ),
  );
  assert.match(
    pool,
    /spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer/,
  );
  const kafka = await refusal(
    create(
      kafkaType,
      {
        ...kafkaWithListeners('wrong-types', [{ name: 'plain', port: '9092', type: 'internal', tls: false }]),
        spec: {
          kafka: {
            listeners: [{ name: 'plain', port: '9092', type: 'internal', tls: false }],
            template: { pod: { dnsPolicy: 'Sometimes' } },
          },
          cruiseControl: { brokerCapacity: { overrides: [{ cpu: '2' }] } },
        },
      },
      'All',
    ),
  );
  assert.match(kafka, /spec\.kafka\.listeners\[0\]\.port: Invalid value: "string"/);
  assert.match(kafka, /spec\.kafka\.template\.pod\.dnsPolicy: Unsupported value: "Sometimes"/);
  assert.match(kafka, /spec\.cruiseControl\.brokerCapacity\.overrides\[0\]\.brokers: Required value/);
});

test("Strimzi's validation rules hold: rack needs its topologyKey, a JMX exporter metricsConfig its ConfigMap", async () => {
  const withKafka = (name: string, fields: object) => {
    const kafka = kafkaWithListeners(name, [{ name: 'plain', port: 9092, type: 'internal', tls: false }]);
    return { ...kafka, spec: { kafka: { ...kafka.spec.kafka, ...fields } } };
  };
  const rack = await refusal(create(kafkaType, withKafka('rack', { rack: {} }), 'All'));
  assert.match(rack, /spec\.kafka\.rack: Invalid value: .*rack\.topologyKey is required/);
  const metrics = await refusal(
    create(kafkaType, withKafka('metrics', { metricsConfig: { type: 'jmxPrometheusExporter' } }), 'All'),
  );
  assert.match(metrics, /spec\.kafka\.metricsConfig: Invalid value: .*needs valueFrom/);
  await create(
    kafkaType,
    withKafka('valid', {
      rack: { topologyKey: 'topology.kubernetes.io/zone' },
      metricsConfig: {
        type: 'jmxPrometheusExporter',
        valueFrom: { configMapKeyRef: { name: 'kafka-metrics', key: 'kafka-metrics-config.yml' } },
      },
    }),
    'All',
  );
});

test('a Kafka with two listeners on one port is refused', async () => {
  const message = await refusal(
    create(
      kafkaType,
      kafkaWithListeners('same-port', [
        { name: 'plain', port: 9092, type: 'internal', tls: false },
        { name: 'tls', port: 9092, type: 'internal', tls: true },
      ]),
      'All',
    ),
  );
  assert.match(message, /spec\.kafka\.listeners: Invalid value: .*each listener needs its own port/);
});

test('a Kafka listener named Bad_Name, or two listeners with one name, are refused', async () => {
  const badName = await refusal(
    create(
      kafkaType,
      kafkaWithListeners('bad-name', [{ name: 'Bad_Name', port: 9092, type: 'internal', tls: false }]),
      'All',
    ),
  );
  assert.match(
    badName,
    /listeners\[0\]\.name: .*a listener name must be 1 to 11 lowercase letters or digits/,
  );
  const sameName = await refusal(
    create(
      kafkaType,
      kafkaWithListeners('same-name', [
        { name: 'plain', port: 9092, type: 'internal', tls: false },
        { name: 'plain', port: 9093, type: 'internal', tls: false },
      ]),
      'All',
    ),
  );
  assert.match(sameName, /listeners\[1\]: Duplicate value/);
});

test('listener ports below 9092 and the metrics and JMX ports 9404 and 9999 are refused', async () => {
  for (const [port, reason] of [
    [9091, /must be 9092 or higher/],
    [9404, /ports 9404 and 9999 are reserved for metrics and JMX/],
    [9999, /ports 9404 and 9999 are reserved for metrics and JMX/],
  ] as const) {
    const message = await refusal(
      create(
        kafkaType,
        kafkaWithListeners(`port-${port}`, [{ name: 'plain', port, type: 'internal', tls: false }]),
        'All',
      ),
    );
    assert.match(message, reason, `port ${port}`);
  }
});

test('probe timings are checked: a liveness successThreshold other than 1 and a zero period are refused', async () => {
  const withProbes = (name: string, probes: object) => {
    const kafka = kafkaWithListeners(name, [{ name: 'plain', port: 9092, type: 'internal', tls: false }]);
    return { ...kafka, spec: { kafka: { ...kafka.spec.kafka, ...probes } } };
  };
  const liveness = await refusal(
    create(kafkaType, withProbes('liveness-success', { livenessProbe: { successThreshold: 2 } }), 'All'),
  );
  assert.match(liveness, /livenessProbe\.successThreshold: Invalid value: .*must be 1/);
  const period = await refusal(
    create(kafkaType, withProbes('readiness-period', { readinessProbe: { periodSeconds: 0 } }), 'All'),
  );
  assert.match(period, /readinessProbe\.periodSeconds: Invalid value: 0/);
  await create(
    kafkaType,
    withProbes('slow-start', {
      livenessProbe: { initialDelaySeconds: 120 },
      readinessProbe: { successThreshold: 2 },
    }),
    'All',
  );
});

test('a Kafka written as v1beta2 with legacy fields is read back as v1 with those fields intact', async () => {
  const [legacy] = readManifests(join(legacyDirectory, 'internal-listeners.yaml'));
  assert.ok(legacy, 'the legacy fixture internal-listeners.yaml is missing');
  await create({ ...kafkaType, version: 'v1beta2' }, legacy);
  const read = await custom.getNamespacedCustomObject({ ...target(kafkaType, 'v1'), name: 'my-cluster' });
  assert.equal(read.apiVersion, 'kafka.strimzi.io/v1');
  assert.deepEqual(read.spec, legacy.spec);
  assert.equal(read.spec.kafka.replicas, 2);
  assert.equal(read.spec.zookeeper.replicas, 1);
});

test('the KafkaNodePool scale subresource reads replicas and selector, and a scale patch changes spec.replicas', async () => {
  const name = 'brokers';
  const selector = 'strimzi.io/cluster=my-cluster,strimzi.io/pool-name=brokers';
  await create(kafkaNodePoolType, {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaNodePool',
    metadata: { name, labels: { 'strimzi.io/cluster': 'my-cluster' } },
    spec: { replicas: 3, roles: ['broker'], storage: { type: 'ephemeral' } },
  });
  await custom.patchNamespacedCustomObjectStatus(
    { ...target(kafkaNodePoolType), name, body: { status: { replicas: 3, labelSelector: selector } } },
    mergePatch,
  );
  const scale = await custom.getNamespacedCustomObjectScale({ ...target(kafkaNodePoolType), name });
  assert.equal(scale.kind, 'Scale');
  assert.equal(scale.spec.replicas, 3);
  assert.equal(scale.status.replicas, 3);
  assert.equal(scale.status.selector, selector);

  const scaled = await custom.patchNamespacedCustomObjectScale(
    { ...target(kafkaNodePoolType), name, body: { spec: { replicas: 5 } } },
    mergePatch,
  );
  assert.equal(scaled.spec.replicas, 5);
  const pool = await custom.getNamespacedCustomObject({ ...target(kafkaNodePoolType), name });
  assert.equal(pool.spec.replicas, 5);
});
