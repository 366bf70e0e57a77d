import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildClusterModel } from '../../../src/actors/cluster/cluster-model.ts';
import { forbiddenConfigKeys } from '../../../src/actors/cluster/kafka-config-rules.ts';
import type { Kafka, KafkaListener } from '../../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../../src/api/kafka-node-pool.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';
import { kafkaResource, nodePoolResource } from '../../support/cluster-resources.ts';

const plain: KafkaListener = { name: 'plain', port: 9092, type: 'internal', tls: false };

// v1beta2: the operator-side checks matter most where the CRD's own rules did not run.
const kafkaOf = (kafka: Partial<Kafka['spec']['kafka']> = {}) =>
  kafkaResource({ listeners: [plain], ...kafka }, { apiVersion: 'kafka.strimzi.io/v1beta2' });
const poolOf = nodePoolResource;

/** The failure the model refuses the spec with; asserts it is InvalidResource, not retried, naming the Kafka. */
function refusal(kafka: Kafka, pools: KafkaNodePool[] = [poolOf('dual')]): string {
  try {
    buildClusterModel(kafka, pools, { podNodeIds: {} });
  } catch (error) {
    assert.ok(error instanceof ReconcileFailure);
    assert.equal(error.reason, 'InvalidResource');
    assert.equal(error.retryable, false);
    assert.match(error.message, /^Kafka kafka\/my-cluster is invalid: /);
    return error.message;
  }
  assert.fail('expected the spec to be refused');
}

describe('cluster validation refuses specs that cannot run, before anything is created', () => {
  test('a listener name with capitals', () => {
    assert.match(
      refusal(kafkaOf({ listeners: [{ ...plain, name: 'Plain' }] })),
      /listener "Plain": a listener name must be 1 to 11 lowercase letters or digits/,
    );
  });

  test('two listeners on one port', () => {
    const message = refusal(kafkaOf({ listeners: [plain, { ...plain, name: 'other' }] }));
    assert.match(message, /listeners "plain" and "other" use the same port 9092; give each its own port/);
  });

  test('two listeners with one name', () => {
    assert.match(
      refusal(kafkaOf({ listeners: [plain, { ...plain, port: 9093 }] })),
      /2 listeners are named "plain"/,
    );
  });

  test('a port below 9092 or reserved for metrics and JMX', () => {
    assert.match(refusal(kafkaOf({ listeners: [{ ...plain, port: 9091 }] })), /port 9091 is reserved/);
    assert.match(refusal(kafkaOf({ listeners: [{ ...plain, port: 9404 }] })), /port 9404 is reserved/);
  });

  test('tls authentication on a listener without tls', () => {
    assert.match(
      refusal(kafkaOf({ listeners: [{ ...plain, authentication: { type: 'tls' } }] })),
      /listener "plain": tls authentication needs tls: true/,
    );
  });

  test("a keystore setting in a custom listener's authentication", () => {
    const custom: KafkaListener = {
      ...plain,
      tls: true,
      authentication: {
        type: 'custom',
        sasl: false,
        listenerConfig: { 'ssl.keystore.location': '/x', 'ssl.client.auth': 'required' },
      },
    };
    const message = refusal(kafkaOf({ listeners: [custom] }));
    assert.match(
      message,
      /listener "plain": authentication\.listenerConfig key "ssl\.keystore\.location" is managed by the operator/,
    );
    assert.doesNotMatch(message, /ssl\.client\.auth/);
  });

  test('a forbidden config key, naming every one', () => {
    const message = refusal(
      kafkaOf({
        config: { listeners: 'PLAINTEXT://:9092', 'ssl.keystore.location': '/x', 'log.retention.hours': 1 },
      }),
    );
    assert.match(
      message,
      /spec\.kafka\.config key "listeners" is managed by the operator and may not be set/,
    );
    assert.match(message, /spec\.kafka\.config key "ssl\.keystore\.location"/);
    assert.doesNotMatch(message, /log\.retention\.hours/);
  });

  test('a pool without roles', () => {
    assert.match(
      refusal(kafkaOf(), [poolOf('dual'), poolOf('nothing', { roles: [] })]),
      /KafkaNodePool nothing has no role defined in \.spec\.roles/,
    );
  });

  test('no controller, or no broker, with replicas in the cluster', () => {
    assert.match(
      refusal(kafkaOf(), [
        poolOf('brokers', { roles: ['broker'] }),
        poolOf('idle', { roles: ['controller'], replicas: 0 }),
      ]),
      /at least one KafkaNodePool with the controller role and at least one replica is required/,
    );
    assert.match(
      refusal(kafkaOf(), [poolOf('controllers', { roles: ['controller'] })]),
      /at least one KafkaNodePool with the broker role and at least one replica is required/,
    );
  });

  test('a pool without storage, or with storage it cannot use', () => {
    const withoutStorage = poolOf('dual');
    delete (withoutStorage.spec as Partial<KafkaNodePool['spec']>).storage;
    assert.match(refusal(kafkaOf(), [withoutStorage]), /KafkaNodePool dual has no storage/);
    assert.match(
      refusal(kafkaOf(), [poolOf('dual', { storage: { type: 'persistent-claim' } })]),
      /KafkaNodePool dual: persistent-claim storage needs a size/,
    );
    assert.match(
      refusal(kafkaOf(), [
        poolOf('dual', {
          storage: {
            type: 'jbod',
            volumes: [
              { id: 0, type: 'ephemeral', kraftMetadata: 'shared' },
              { id: 0, type: 'ephemeral', kraftMetadata: 'shared' },
            ],
          },
        }),
      ]),
      /jbod volume id 0 is used 2 times.*only one jbod volume may hold the KRaft metadata/,
    );
  });

  test('a v1beta2 Kafka with replicas but no storage, or with neither and no pools', () => {
    assert.match(refusal(kafkaOf({ replicas: 3 }), []), /spec\.kafka has no storage/);
    try {
      buildClusterModel(kafkaOf(), [], { podNodeIds: {} });
      assert.fail('expected a refusal');
    } catch (error) {
      assert.ok(error instanceof ReconcileFailure);
      assert.equal(error.reason, 'InvalidResource');
      assert.match(
        error.message,
        /has no nodes: no KafkaNodePool is labelled strimzi\.io\/cluster=my-cluster/,
      );
    }
  });

  test('reports every problem at once', () => {
    const message = refusal(kafkaOf({ listeners: [{ ...plain, name: 'Plain' }], config: { 'node.id': 3 } }), [
      poolOf('dual'),
      poolOf('nothing', { roles: [] }),
    ]);
    assert.match(message, /listener "Plain".*"node\.id".*KafkaNodePool nothing/);
  });
});

describe('forbidden config keys (Strimzi 1.x KafkaClusterSpec)', () => {
  test('refuse the prefixes Strimzi forbids, whatever their case', () => {
    const keys = [
      'listeners',
      'advertised.listeners',
      'broker.id',
      'listener.security.protocol.map',
      'host.name',
      'port',
      'inter.broker.listener.name',
      'sasl.enabled.mechanisms',
      'ssl.keystore.type',
      'security.inter.broker.protocol',
      'password.encoder.secret',
      'log.dir',
      'log.dirs',
      'zookeeper.connect',
      'authorizer.class.name',
      'super.users',
      'cruise.control.metrics.topic',
      'node.id',
      'process.roles',
      'controller.quorum.voters',
      'metadata.log.dir',
      'prometheus.metrics.reporter.listener',
      'cordoned.log.dirs',
      'SSL.KEYSTORE.TYPE',
    ];
    assert.deepEqual(
      forbiddenConfigKeys(Object.fromEntries(keys.map((key) => [key, 'x'])), []),
      [...keys].sort(),
    );
  });

  test("allow Strimzi's exceptions and the per-listener settings of the cluster's own listeners", () => {
    const allowed = [
      'ssl.cipher.suites',
      'ssl.protocol',
      'ssl.enabled.protocols',
      'ssl.secure.random.implementation',
      'sasl.server.max.receive.size',
      'cruise.control.metrics.topic.num.partitions',
      'broker.session.timeout.ms',
      'controller.quorum.election.timeout.ms',
      'listener.name.plain-9092.max.connections',
      'log.retention.hours',
      'min.insync.replicas',
    ];
    assert.deepEqual(forbiddenConfigKeys(Object.fromEntries(allowed.map((key) => [key, 'x'])), [plain]), []);
    assert.deepEqual(forbiddenConfigKeys({ 'listener.name.other-9093.max.connections': 1 }, [plain]), [
      'listener.name.other-9093.max.connections',
    ]);
  });
});

describe('cluster validation of node pools', () => {
  test("looks only at the Kafka's own pools: another cluster's pool without roles does not matter", () => {
    const other = poolOf('theirs', { roles: [] });
    other.metadata.labels = { 'strimzi.io/cluster': 'other-cluster' };
    const model = buildClusterModel(kafkaOf(), [poolOf('dual'), other], { podNodeIds: {} });
    assert.deepEqual(
      model.pools.map((pool) => pool.name),
      ['dual'],
    );
  });
});
