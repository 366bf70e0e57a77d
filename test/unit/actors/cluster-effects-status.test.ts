// The status a cluster shows (conditions, listeners with addresses, versions, pools) and the scale-down
// check's decisions, from the cluster and legacy fixtures.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { V1Node, V1Pod, V1Service } from '@kubernetes/client-node';
import { buildClusterModel } from '../../../src/actors/cluster/cluster-model.ts';
import { buildKafkaStatus, buildPoolStatus } from '../../../src/actors/cluster/cluster-status.ts';
import {
  listenerStatuses,
  nodePortCertificateAddresses,
} from '../../../src/actors/cluster/listener-addresses.ts';
import {
  type PartitionReplicaCheck,
  type ReplicaCheckResult,
  replicationAccess,
} from '../../../src/actors/cluster/partition-replica-check.ts';
import { holdBackScaleDown } from '../../../src/actors/cluster/scale-down-check.ts';
import type { ClusterContext } from '../../../src/machines/cluster-machine.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';
import {
  type ClusterFixture,
  clustersDirectory,
  fixtureModel,
  legacyDirectory,
  readClusterFixture,
} from '../../support/cluster-fixtures.ts';

const legacyWithAdvertisedHost = readClusterFixture(join(legacyDirectory, 'nodeport-advertised-host.yaml'));
const brokerPools = readClusterFixture(join(clustersDirectory, 'separate-roles-ephemeral.yaml'));

function kubeNode(n: number): V1Node {
  return {
    metadata: { name: `kwok-node-${n}` },
    status: {
      addresses: [
        { type: 'InternalIP', address: `127.0.10.${n}` },
        { type: 'ExternalIP', address: `127.0.20.${n}` },
        { type: 'Hostname', address: `kwok-node-${n}` },
      ],
    },
  };
}

const podOn = (name: string, node: number): V1Pod => ({
  metadata: { name },
  spec: { containers: [], nodeName: `kwok-node-${node}` },
});

test("a nodeport listener lists the broker pods' nodes (external address) with the bootstrap node port, or the advertisedHost", () => {
  const model = fixtureModel(legacyWithAdvertisedHost);
  const services: V1Service[] = [
    {
      metadata: { name: 'my-cluster-kafka-external-bootstrap' },
      spec: { ports: [{ port: 9094, nodePort: 32094 }] },
    },
  ];
  const pods = [podOn('my-cluster-kafka-0', 1), podOn('my-cluster-kafka-1', 2)];
  const listeners = listenerStatuses(model, { pods, services, nodes: [kubeNode(1), kubeNode(2)] }, 'CA');
  const external = listeners.find((listener) => listener.name === 'external');
  assert.deepEqual(external?.addresses, [
    { host: '203.0.113.10', port: 32094 },
    { host: '127.0.20.2', port: 32094 },
  ]);
  assert.equal(external?.bootstrapServers, '203.0.113.10:32094,127.0.20.2:32094');
  assert.equal(external?.certificates, undefined, 'a plain listener lists no certificates');
  const tls = listeners.find((listener) => listener.name === 'tls');
  assert.deepEqual(tls?.addresses, [{ host: 'my-cluster-kafka-bootstrap.kafka.svc', port: 9093 }]);
  assert.deepEqual(tls?.certificates, ['CA']);
});

test('a node known only by its internal address is listed by that address', () => {
  const model = fixtureModel(readClusterFixture(join(legacyDirectory, 'nodeport-listener.yaml')));
  const internalOnly: V1Node = {
    metadata: { name: 'kwok-node-3' },
    status: { addresses: [{ type: 'InternalIP', address: '10.1.1.3' }] },
  };
  const services: V1Service[] = [
    {
      metadata: { name: 'my-cluster-kafka-external-bootstrap' },
      spec: { ports: [{ port: 9094, nodePort: 32094 }] },
    },
  ];
  const pods = [podOn('my-cluster-kafka-0', 3), podOn('my-cluster-kafka-1', 3)];
  const [, , external] = listenerStatuses(model, { pods, services, nodes: [internalOnly] }, 'CA');
  assert.deepEqual(
    external?.addresses,
    [{ host: '10.1.1.3', port: 32094 }],
    'two brokers on one node: one address',
  );
});

function context(overrides: Partial<ClusterContext>): ClusterContext {
  const model = fixtureModel(legacyWithAdvertisedHost);
  return {
    key: 'kafka/my-cluster',
    consecutiveFailures: 0,
    reconciledGeneration: 3,
    plan: {
      model,
      warnings: [],
      clusterCaCertificate: 'CA',
      create: [],
      remove: [],
      roll: [],
    },
    listeners: [],
    ...overrides,
  };
}

function withTlsExternalListener(fixture: ClusterFixture): ClusterFixture {
  const tls = structuredClone(fixture);
  for (const listener of tls.kafka.spec.kafka.listeners ?? []) {
    if (listener.name === 'external') listener.tls = true;
  }
  return tls;
}

test("a broker behind a TLS nodeport listener is reached by every address of its pod's node, unless advertisedHost names it", () => {
  const model = fixtureModel(withTlsExternalListener(legacyWithAdvertisedHost));
  const pods = [podOn('my-cluster-kafka-0', 1), podOn('my-cluster-kafka-1', 2)];
  const addresses = nodePortCertificateAddresses(model, { pods, nodes: [kubeNode(1), kubeNode(2)] });
  assert.deepEqual([...addresses.byBroker], [[1, ['127.0.10.2', '127.0.20.2']]]);
  assert.deepEqual(addresses.everyNode, ['127.0.10.1', '127.0.20.1', '127.0.10.2', '127.0.20.2']);
});

test('a broker not scheduled yet, or behind a plain nodeport listener, requires no node address of its certificate', () => {
  const unscheduled: V1Pod = { metadata: { name: 'my-cluster-kafka-1' }, spec: { containers: [] } };
  const tlsModel = fixtureModel(withTlsExternalListener(legacyWithAdvertisedHost));
  assert.equal(
    nodePortCertificateAddresses(tlsModel, { pods: [unscheduled], nodes: [kubeNode(2)] }).byBroker.size,
    0,
  );
  const plainModel = fixtureModel(legacyWithAdvertisedHost);
  const pods = [podOn('my-cluster-kafka-0', 1), podOn('my-cluster-kafka-1', 2)];
  assert.equal(
    nodePortCertificateAddresses(plainModel, { pods, nodes: [kubeNode(1), kubeNode(2)] }).byBroker.size,
    0,
  );
});

test('a ready cluster shows Ready, a Warning per mapped or ignored field, its versions, id and generation', () => {
  const kafka = legacyWithAdvertisedHost.kafka;
  const status = buildKafkaStatus('ready', context({}), kafka, new Date('2026-01-01T00:00:00Z'), '0.1.0');
  assert.equal(status?.conditions?.[0]?.type, 'Ready');
  assert.equal(status?.conditions?.[0]?.status, 'True');
  const warnings = status?.conditions?.filter((c) => c.type === 'Warning') ?? [];
  assert.ok(warnings.length > 0, 'the legacy fixture maps spec.kafka.replicas and ignores spec.zookeeper');
  assert.ok(warnings.every((w) => w.status === 'True' && w.reason && w.message));
  assert.equal(status?.kafkaVersion, '4.2.1');
  assert.equal(status?.kafkaMetadataVersion, '4.2-IV1');
  assert.equal(status?.observedGeneration, 3);
  assert.equal(status?.operatorLastSuccessfulVersion, '0.1.0');
  assert.deepEqual(status?.kafkaNodePools, [], 'the implicit pool of a v1beta2 Kafka is no KafkaNodePool');
});

test('a failed cluster shows NotReady with the reason and keeps what the last good reconcile reported', () => {
  const kafka = {
    ...legacyWithAdvertisedHost.kafka,
    status: { clusterId: 'kept', listeners: [{ name: 'plain' }] },
  };
  const failed = context({
    plan: undefined,
    lastError: {
      reason: 'UnsupportedKafkaVersion',
      message: 'Kafka 3.4.0 is not supported',
      retryable: false,
    },
  });
  const status = buildKafkaStatus('failed', failed, kafka, new Date(), '0.1.0');
  assert.deepEqual(
    status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
    [['NotReady', 'True', 'UnsupportedKafkaVersion', 'Kafka 3.4.0 is not supported']],
  );
  assert.equal(status?.clusterId, 'kept');
  assert.deepEqual(status?.listeners, [{ name: 'plain' }]);
});

test('a condition keeps its transition time while it holds', () => {
  const kafka = legacyWithAdvertisedHost.kafka;
  const first = buildKafkaStatus('ready', context({}), kafka, new Date('2026-01-01T00:00:00Z'), '0.1.0');
  const again = buildKafkaStatus(
    'ready',
    context({}),
    { ...kafka, status: first },
    new Date('2026-02-01T00:00:00Z'),
    '0.1.0',
  );
  assert.deepEqual(again?.conditions, first?.conditions);
});

test("a pool's status lists its node ids, roles, replicas, the cluster id and the scale subresource's selector", () => {
  const model = fixtureModel(brokerPools);
  const broker = model.pools.find((pool) => pool.name === 'broker');
  const resource = brokerPools.pools.find((pool) => pool.metadata?.name === 'broker');
  assert.ok(broker && resource);
  const status = buildPoolStatus(
    model,
    broker,
    { ...resource, metadata: { ...resource.metadata, generation: 2 } },
    new Date(),
  );
  assert.deepEqual(status.nodeIds, broker.nodeIds);
  assert.deepEqual(status.roles, ['broker']);
  assert.equal(status.replicas, 3);
  assert.equal(status.clusterId, model.clusterId);
  assert.equal(status.observedGeneration, 2);
  assert.equal(
    status.labelSelector,
    'strimzi.io/cluster=my-cluster,strimzi.io/name=my-cluster-kafka,strimzi.io/kind=Kafka,strimzi.io/pool-name=broker',
  );
});

const access = { bootstrap: ['my-cluster-kafka-bootstrap.kafka.svc:9091'] };

function check(result: ReplicaCheckResult): PartitionReplicaCheck & { asked: number[][] } {
  const asked: number[][] = [];
  return {
    asked,
    nodesHoldingReplicas: async (_model, nodeIds) => {
      asked.push([...nodeIds]);
      return result;
    },
    logDirsHoldingReplicas: async () => ({ holding: [] }),
  };
}

// The ephemeral example scaled from 3 brokers to 2, with pods for all three still running.
function scaleDownInput() {
  const kafka = brokerPools.kafka;
  const pools = brokerPools.pools.map((pool) =>
    pool.metadata?.name === 'broker' ? { ...pool, spec: { ...pool.spec, replicas: 2 } } : pool,
  );
  const before = fixtureModel(brokerPools);
  const pods = before.nodes.map((node) => ({
    metadata: {
      name: node.podName,
      labels: {
        'strimzi.io/pool-name': node.pool,
        'strimzi.io/broker-role': String(node.roles.includes('broker')),
      },
    },
  }));
  const existing = {
    podNodeIds: Object.fromEntries(before.pools.map((pool) => [pool.name, pool.nodeIds])),
  };
  return { kafka, pools, existing, pods, before };
}

test('removing a broker that holds partition replicas is reverted with a ScaleDownPreventionCheck warning naming its topics', async () => {
  const input = scaleDownInput();
  const scaled = buildClusterModel(input.kafka, input.pools, input.existing);
  const removed = input.before.nodes.find((node) => !scaled.nodes.some((n) => n.id === node.id));
  assert.ok(removed, 'the scale-down removes one broker');
  const holding = check({ holding: [{ node: removed.id, topics: ['orders', 'payments'] }] });
  const checked = await holdBackScaleDown(holding, access, input, scaled);
  assert.deepEqual(holding.asked, [[removed.id]]);
  assert.ok(
    checked.model.nodes.some((node) => node.id === removed.id),
    'the broker is kept',
  );
  assert.equal(checked.warnings[0]?.reason, 'ScaleDownPreventionCheck');
  assert.match(
    checked.warnings[0]?.message ?? '',
    new RegExp(
      `^Reverting scale-down of KafkaNodePool broker by changing number of replicas to 3: node ${removed.id} ` +
        '\\(topics orders, payments\\) still hold partition replicas',
    ),
  );
});

test('an empty broker is removed', async () => {
  const input = scaleDownInput();
  const scaled = buildClusterModel(input.kafka, input.pools, input.existing);
  const empty = await holdBackScaleDown(check({ holding: [] }), access, input, scaled);
  assert.equal(empty.model, scaled);
  assert.deepEqual(empty.warnings, []);
});

test('when the cluster cannot be asked, the scale-down is refused with a retryable ScaleDownCheckFailed that says why', async () => {
  const input = scaleDownInput();
  const scaled = buildClusterModel(input.kafka, input.pools, input.existing);
  const removed = input.before.nodes.filter((node) => !scaled.nodes.some((n) => n.id === node.id));
  await assert.rejects(
    holdBackScaleDown(check({ unchecked: 'bootstrap did not answer' }), access, input, scaled),
    (error: unknown) => {
      assert.ok(error instanceof ReconcileFailure);
      assert.equal(error.reason, 'ScaleDownCheckFailed');
      assert.equal(error.retryable, true);
      assert.match(error.message, new RegExp(`broker nodes ${removed.map((node) => node.id).join(', ')} `));
      assert.match(error.message, /bootstrap did not answer/);
      assert.match(error.message, /strimzi\.io\/skip-broker-scaledown-check: "true"/);
      return true;
    },
  );
});

test('with strimzi.io/skip-broker-scaledown-check the brokers are removed without asking the cluster', async () => {
  const input = scaleDownInput();
  const kafka = {
    ...input.kafka,
    metadata: { ...input.kafka.metadata, annotations: { 'strimzi.io/skip-broker-scaledown-check': 'true' } },
  };
  const scaled = buildClusterModel(kafka, input.pools, input.existing);
  const asking = check({ unchecked: 'bootstrap did not answer' });
  const checked = await holdBackScaleDown(asking, access, { ...input, kafka }, scaled);
  assert.deepEqual(asking.asked, []);
  assert.equal(checked.model, scaled);
  assert.deepEqual(checked.warnings, []);
});

test('no broker removed: the cluster is not asked', async () => {
  const input = { ...scaleDownInput(), pools: brokerPools.pools };
  const asking = check({ holding: [] });
  const model = fixtureModel(brokerPools);
  const checked = await holdBackScaleDown(asking, access, input, model);
  assert.deepEqual(asking.asked, []);
  assert.equal(checked.model, model);
});

test("the operator reaches a cluster it runs on the bootstrap service's replication port with its certificate", () => {
  const model = fixtureModel(brokerPools);
  const ca = { certificatePem: 'CA', privateKeyPem: 'CA key' };
  const operator = { certificatePem: 'operator', privateKeyPem: 'operator key' };
  assert.deepEqual(replicationAccess(model, ca, operator), {
    bootstrap: ['my-cluster-kafka-bootstrap.kafka.svc:9091'],
    tls: { ca: 'CA', cert: 'operator', key: 'operator key' },
  });
});
