import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildClusterModel } from '../../../src/actors/cluster/cluster-model.ts';
import { supportedKafkaVersions } from '../../../src/actors/cluster/kafka-versions.ts';
import type { Kafka } from '../../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../../src/api/kafka-node-pool.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';
import { clusterFixtures, legacyDirectory, readClusterFixture } from '../../support/cluster-fixtures.ts';
import { kafkaResource, nodePoolResource } from '../../support/cluster-resources.ts';

const kafkaOf = (kafka: Partial<Kafka['spec']['kafka']> = {}) => kafkaResource(kafka);
const poolOf = (name: string, roles: KafkaNodePool['spec']['roles'], replicas = 3) =>
  nodePoolResource(name, { roles, replicas });

const none = { podNodeIds: {} };

function failureOf(build: () => unknown): ReconcileFailure {
  try {
    build();
  } catch (error) {
    assert.ok(error instanceof ReconcileFailure, `expected a ReconcileFailure, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the model to refuse the spec');
}

describe('cluster model of the cluster and legacy fixtures', () => {
  for (const fixture of clusterFixtures()) {
    test(`${fixture.file} builds a model with controllers, brokers and its listeners`, () => {
      const model = buildClusterModel(fixture.kafka, fixture.pools, none);
      assert.ok(model.nodes.some((node) => node.roles.includes('controller')));
      assert.ok(model.nodes.some((node) => node.roles.includes('broker')));
      assert.deepEqual(
        model.listeners.map((listener) => listener.name),
        (fixture.kafka.spec.kafka.listeners ?? []).map((listener) => listener.name),
      );
      assert.equal(new Set(model.nodes.map((node) => node.id)).size, model.nodes.length);
      assert.equal(model.image, `apache/kafka:${model.kafkaVersion}`);
    });
  }

  for (const file of ['internal-listeners.yaml', 'nodeport-listener.yaml', 'nodeport-advertised-host.yaml']) {
    test(`the legacy fixture ${file} as written (Kafka 3.4.0) is refused with UnsupportedKafkaVersion naming the supported versions`, () => {
      assert.match(readFileSync(join(legacyDirectory, file), 'utf8'), /version: 3\.4\.0/);
      const fixture = readClusterFixture(join(legacyDirectory, file), { version: '3.4.0' });
      const failure = failureOf(() => buildClusterModel(fixture.kafka, fixture.pools, none));
      assert.equal(failure.reason, 'UnsupportedKafkaVersion');
      assert.equal(failure.retryable, false);
      assert.match(failure.message, /Kafka kafka\/my-cluster/);
      assert.match(failure.message, /3\.4\.0 is not supported/);
      for (const { version } of supportedKafkaVersions) assert.ok(failure.message.includes(version));
    });
  }

  test('a legacy fixture with a supported version runs as an implicit dual-role pool "kafka", with Warnings for what KRaft ignores', () => {
    const fixture = readClusterFixture(join(legacyDirectory, 'nodeport-advertised-host.yaml'));
    const model = buildClusterModel(fixture.kafka, fixture.pools, none);
    assert.deepEqual(
      model.pools.map((pool) => [pool.name, pool.implicit, pool.roles, pool.nodeIds]),
      [['kafka', true, ['controller', 'broker'], [0, 1]]],
    );
    assert.deepEqual(
      model.nodes.map((node) => node.podName),
      ['my-cluster-kafka-0', 'my-cluster-kafka-1'],
    );
    assert.deepEqual(model.warnings.map((warning) => warning.reason).sort(), [
      'ImplicitNodePool',
      'KafkaInterBrokerProtocolVersionInKRaft',
      'KafkaKRaftControllerNodeCount',
      'ZooKeeperIgnored',
    ]);
    const message = (reason: string) =>
      model.warnings.find((warning) => warning.reason === reason)?.message ?? '';
    assert.match(message('ZooKeeperIgnored'), /spec\.zookeeper is ignored/);
    assert.match(
      message('KafkaInterBrokerProtocolVersionInKRaft'),
      /inter\.broker\.protocol\.version is not used .* ignored/,
    );
    assert.match(message('KafkaKRaftControllerNodeCount'), /two nodes is not advisable/);
    assert.equal(model.brokerConfig['inter.broker.protocol.version'], undefined);
    assert.equal(model.brokerConfig['min.insync.replicas'], '1');
    assert.deepEqual(model.pools[0]?.storage, {
      type: 'jbod',
      volumes: [
        {
          type: 'persistent-claim',
          id: 0,
          size: '10Gi',
          class: 'disk',
          selector: undefined,
          deleteClaim: true,
        },
      ],
    });
    const external = model.listeners.find((listener) => listener.name === 'external');
    assert.equal(external?.kafkaName, 'EXTERNAL-9094');
    assert.equal(external?.bootstrap.nodePort, 32094);
    assert.deepEqual(
      external?.brokers.map((broker) => [broker.nodeId, broker.advertisedHost]),
      [[0, '203.0.113.10']],
    );
    assert.deepEqual(model.entityOperator, { topicOperator: true, userOperator: true });
  });
});

describe('cluster model of a Kafka with node pools', () => {
  test('takes the pools labelled for the cluster in its namespace, sorted by name, with ids unique across pools', () => {
    const other = {
      ...poolOf('elsewhere', ['broker']),
      metadata: { name: 'elsewhere', namespace: 'kafka', labels: { 'strimzi.io/cluster': 'other' } },
    };
    const model = buildClusterModel(
      kafkaOf(),
      [poolOf('controllers', ['controller']), poolOf('brokers', ['broker']), other],
      none,
    );
    assert.deepEqual(
      model.pools.map((pool) => [pool.name, pool.nodeIds]),
      [
        ['brokers', [0, 1, 2]],
        ['controllers', [3, 4, 5]],
      ],
    );
    assert.deepEqual(
      model.nodes.map((node) => [node.id, node.podName, node.roles]),
      [
        [0, 'my-cluster-brokers-0', ['broker']],
        [1, 'my-cluster-brokers-1', ['broker']],
        [2, 'my-cluster-brokers-2', ['broker']],
        [3, 'my-cluster-controllers-3', ['controller']],
        [4, 'my-cluster-controllers-4', ['controller']],
        [5, 'my-cluster-controllers-5', ['controller']],
      ],
    );
    assert.deepEqual(model.warnings, []);
  });

  test('keeps the ids of existing pods and of the pool status', () => {
    const pool = { ...poolOf('dual', ['broker', 'controller']), status: { nodeIds: [7, 8] } };
    const model = buildClusterModel(kafkaOf(), [pool], { podNodeIds: { dual: [8, 9] } });
    assert.deepEqual(model.pools[0]?.nodeIds, [7, 8, 9]);
    assert.deepEqual(model.pools[0]?.roles, ['controller', 'broker']);
  });

  test('warns that spec.kafka.replicas and storage are unused when pools exist', () => {
    const model = buildClusterModel(
      kafkaOf({ replicas: 3, storage: { type: 'ephemeral' } }),
      [poolOf('dual', ['controller', 'broker'])],
      none,
    );
    assert.deepEqual(
      model.warnings.map((warning) => warning.reason),
      ['UnusedKafkaFields'],
    );
  });

  test('ignores strimzi.io/kraft and strimzi.io/node-pools "enabled" silently and warns when they say otherwise', () => {
    const enabled = kafkaOf();
    enabled.metadata.annotations = { 'strimzi.io/kraft': 'enabled', 'strimzi.io/node-pools': 'enabled' };
    assert.deepEqual(
      buildClusterModel(enabled, [poolOf('dual', ['controller', 'broker'])], none).warnings,
      [],
    );
    const disabled = kafkaOf();
    disabled.metadata.annotations = { 'strimzi.io/kraft': 'disabled' };
    const warnings = buildClusterModel(disabled, [poolOf('dual', ['controller', 'broker'])], none).warnings;
    assert.deepEqual(
      warnings.map((warning) => warning.reason),
      ['AnnotationIgnored'],
    );
    assert.match(warnings[0]?.message ?? '', /strimzi\.io\/kraft: disabled is ignored/);
  });

  test('merges the pod template of the Kafka and the pool field by field, the pool winning', () => {
    const kafka = kafkaOf({
      template: {
        pod: {
          metadata: { labels: { team: 'a', tier: 'kafka' } },
          tolerations: [{ key: 'kafka' }],
          priorityClassName: 'kafka-high',
          securityContext: { runAsNonRoot: true },
        },
        kafkaContainer: { env: [{ name: 'FROM_KAFKA', value: '1' }] },
        perPodService: { metadata: { labels: { exposed: 'kafka' } } },
        perPodIngress: { metadata: { labels: { routed: 'kafka' } } },
      },
    });
    const pool = poolOf('dual', ['controller', 'broker']);
    pool.spec.template = {
      pod: {
        metadata: { labels: { team: 'b' } },
        affinity: { nodeAffinity: {} },
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
        terminationGracePeriodSeconds: 120,
      },
      kafkaContainer: { securityContext: { readOnlyRootFilesystem: true } },
      perPodIngress: { metadata: { annotations: { routed: 'pool' } } },
    };
    const template = buildClusterModel(kafka, [pool], none).pools[0]?.template;
    assert.deepEqual(template, {
      labels: { team: 'b', tier: 'kafka' },
      annotations: {},
      affinity: { nodeAffinity: {} },
      tolerations: [{ key: 'kafka' }],
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
      priorityClassName: 'kafka-high',
      securityContext: { runAsNonRoot: true },
      terminationGracePeriodSeconds: 120,
      containerEnv: [{ name: 'FROM_KAFKA', value: '1' }],
      containerSecurityContext: { readOnlyRootFilesystem: true },
      perPodService: { labels: { exposed: 'kafka' }, annotations: {} },
      // A template the pool sets replaces the Kafka's whole, as Strimzi's do.
      perPodIngress: { labels: {}, annotations: { routed: 'pool' } },
      persistentVolumeClaim: { labels: {}, annotations: {} },
    });
  });

  test("reads the templates of the cluster's services and disruption budget from the Kafka", () => {
    const kafka = kafkaOf({
      template: {
        bootstrapService: {
          metadata: { annotations: { lb: 'internal' } },
          ipFamilyPolicy: 'PreferDualStack',
        },
        podDisruptionBudget: { metadata: { labels: { budget: 'kafka' } }, maxUnavailable: 0 },
        externalBootstrapIngress: { metadata: { labels: { routed: 'bootstrap' } } },
      },
    });
    const templates = buildClusterModel(kafka, [poolOf('dual', ['controller', 'broker'])], none).templates;
    assert.deepEqual(templates, {
      serviceAccount: { labels: {}, annotations: {} },
      bootstrapService: { labels: {}, annotations: { lb: 'internal' }, ipFamilyPolicy: 'PreferDualStack' },
      brokersService: { labels: {}, annotations: {} },
      externalBootstrapService: { labels: {}, annotations: {} },
      externalBootstrapIngress: { labels: { routed: 'bootstrap' }, annotations: {} },
      podDisruptionBudget: { labels: { budget: 'kafka' }, annotations: {}, maxUnavailable: 0 },
    });
    const defaults = buildClusterModel(kafkaOf(), [poolOf('dual', ['controller', 'broker'])], none);
    assert.equal(defaults.templates.podDisruptionBudget.maxUnavailable, 1);
  });

  test('reads simple and custom authorization with their super users', () => {
    const simple = buildClusterModel(
      kafkaOf({ authorization: { type: 'simple', superUsers: ['CN=admin'] } }),
      [poolOf('dual', ['controller', 'broker'])],
      none,
    );
    assert.deepEqual(simple.authorization, { type: 'simple', superUsers: ['CN=admin'] });
    const custom = buildClusterModel(
      kafkaOf({
        authorization: { type: 'custom', authorizerClass: 'org.example.Authorizer', supportsAdminApi: true },
      }),
      [poolOf('dual', ['controller', 'broker'])],
      none,
    );
    assert.deepEqual(custom.authorization, {
      type: 'custom',
      authorizerClass: 'org.example.Authorizer',
      superUsers: [],
      supportsAdminApi: true,
    });
  });
});

describe('cluster model: versions and cluster id', () => {
  const pools = [poolOf('dual', ['controller', 'broker'])];

  test('defaults to the newest supported version, its metadata version and the official image', () => {
    const model = buildClusterModel(kafkaOf({ version: undefined }), pools, none);
    const newest = supportedKafkaVersions.at(-1);
    assert.equal(model.kafkaVersion, newest?.version);
    assert.equal(model.metadataVersion, newest?.metadataVersion);
    assert.equal(model.image, `apache/kafka:${newest?.version}`);
  });

  test('takes spec.kafka.image and spec.kafka.metadataVersion when set', () => {
    const model = buildClusterModel(
      kafkaOf({ image: 'registry.example/kafka:4.2.1', metadataVersion: '4.1-IV1' }),
      pools,
      none,
    );
    assert.equal(model.image, 'registry.example/kafka:4.2.1');
    assert.equal(model.metadataVersion, '4.1-IV1');
  });

  test('refuses a metadata version newer than the Kafka version', () => {
    const failure = failureOf(() => buildClusterModel(kafkaOf({ metadataVersion: '4.3-IV0' }), pools, none));
    assert.equal(failure.reason, 'InvalidResource');
    assert.match(failure.message, /metadata version 4\.3-IV0 cannot be used with Kafka 4\.2\.1/);
  });

  test('keeps the cluster id from the status', () => {
    const kafka = kafkaOf();
    kafka.status = { clusterId: 'existing-cluster-id-01' };
    assert.equal(buildClusterModel(kafka, pools, none).clusterId, 'existing-cluster-id-01');
  });

  test('derives a stable 22-character cluster id from the uid that never starts with "-"', () => {
    const ids = ['f8ffffff-0000-4000-8000-000000000000', '0f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7'].map(
      (uid) => {
        const kafka = kafkaOf();
        kafka.metadata.uid = uid;
        return buildClusterModel(kafka, pools, none).clusterId;
      },
    );
    for (const id of ids) {
      assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
    assert.notEqual(ids[0], ids[1]);
    assert.equal(buildClusterModel(kafkaOf(), pools, none).clusterId, ids[1]);
  });
});
