// Services per listener type, the network policy per listener, the disruption budget and the claims.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1NetworkPolicyIngressRule, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import {
  buildDesiredObjects,
  buildServices,
} from '../../../src/actors/cluster/desired-objects/desired-objects.ts';
import { buildNetworkPolicy } from '../../../src/actors/cluster/desired-objects/network-policy.ts';
import { buildNodeClaims } from '../../../src/actors/cluster/desired-objects/persistent-volume-claims.ts';
import type { KafkaListener } from '../../../src/api/kafka.ts';
import {
  clustersDirectory,
  fixtureInputs,
  fixtureModel,
  readClusterFixture,
} from '../../support/cluster-fixtures.ts';

// client-node names the field _from in TypeScript; on the wire (and in these plain objects) it is from.
const peersOf = (rule: V1NetworkPolicyIngressRule | undefined) =>
  (rule as { from?: V1NetworkPolicyPeer[] } | undefined)?.from;

function withListeners(...listeners: KafkaListener[]) {
  const fixture = readClusterFixture(`${clustersDirectory}/separate-roles-persistent.yaml`);
  fixture.kafka.spec.kafka.listeners = [...(fixture.kafka.spec.kafka.listeners ?? []), ...listeners];
  return fixtureModel(fixture);
}

test('a nodeport listener gets the bootstrap and per-broker node ports of its configuration', () => {
  const model = withListeners({
    name: 'ext',
    port: 9094,
    type: 'nodeport',
    tls: true,
    configuration: {
      bootstrap: { nodePort: 32100, annotations: { 'external-dns/hostname': 'kafka.example.com' } },
      brokers: [{ broker: 0, nodePort: 32103, labels: { tier: 'edge' } }],
      externalTrafficPolicy: 'Local',
    },
  });
  const services = new Map(buildServices(model).map((service) => [service.metadata?.name, service]));
  const bootstrap = services.get('my-cluster-kafka-ext-bootstrap');
  assert.equal(bootstrap?.spec?.type, 'NodePort');
  assert.equal(bootstrap?.spec?.externalTrafficPolicy, 'Local');
  assert.equal(bootstrap?.spec?.ports?.[0]?.nodePort, 32100);
  assert.equal(bootstrap?.spec?.ports?.[0]?.name, 'tcp-ext');
  assert.equal(bootstrap?.metadata?.annotations?.['external-dns/hostname'], 'kafka.example.com');
  const broker0 = services.get('my-cluster-broker-ext-0');
  assert.equal(broker0?.spec?.ports?.[0]?.nodePort, 32103);
  assert.equal(broker0?.metadata?.labels?.tier, 'edge');
  assert.equal(broker0?.spec?.selector?.['strimzi.io/pod-name'], 'my-cluster-broker-0');
  assert.equal(services.get('my-cluster-broker-ext-1')?.spec?.ports?.[0]?.nodePort, undefined);
  // Controller-only nodes serve no clients: no per-broker services for them.
  assert.ok(![...services.keys()].some((name) => name?.startsWith('my-cluster-controller-')));
});

test('a loadbalancer listener gets load balancer settings and may skip its bootstrap service', () => {
  const model = withListeners(
    {
      name: 'lb',
      port: 9095,
      type: 'loadbalancer',
      tls: true,
      configuration: {
        loadBalancerSourceRanges: ['10.0.0.0/8'],
        brokers: [{ broker: 1, loadBalancerIP: '198.51.100.4' }],
      },
    },
    {
      name: 'lbonly',
      port: 9096,
      type: 'loadbalancer',
      tls: true,
      configuration: { createBootstrapService: false },
    },
    { name: 'cip', port: 9097, type: 'cluster-ip', tls: false },
  );
  const services = new Map(buildServices(model).map((service) => [service.metadata?.name, service]));
  assert.equal(services.get('my-cluster-kafka-lb-bootstrap')?.spec?.type, 'LoadBalancer');
  assert.deepEqual(services.get('my-cluster-kafka-lb-bootstrap')?.spec?.loadBalancerSourceRanges, [
    '10.0.0.0/8',
  ]);
  assert.equal(services.get('my-cluster-broker-lb-1')?.spec?.loadBalancerIP, '198.51.100.4');
  assert.equal(services.has('my-cluster-kafka-lbonly-bootstrap'), false);
  assert.equal(services.get('my-cluster-broker-lbonly-0')?.spec?.type, 'LoadBalancer');
  assert.equal(services.get('my-cluster-kafka-cip-bootstrap')?.spec?.type, 'ClusterIP');
  assert.equal(services.get('my-cluster-broker-cip-2')?.spec?.type, 'ClusterIP');
  // Exposed listeners stay out of the internal bootstrap service.
  assert.deepEqual(
    services.get('my-cluster-kafka-bootstrap')?.spec?.ports?.map((port) => port.port),
    [9091, 9092, 9093],
  );
});

test('the network policy opens each listener to its peers and the internal ports to the cluster and the operator', () => {
  const peers = [{ podSelector: { matchLabels: { app: 'producer' } } }];
  const model = withListeners({
    name: 'guarded',
    port: 9094,
    type: 'internal',
    tls: true,
    networkPolicyPeers: peers,
  });
  const policy = buildNetworkPolicy(model, { namespace: 'kafka', podLabels: { app: 'operator' } });
  const rules = new Map(policy.spec?.ingress?.map((rule) => [rule.ports?.[0]?.port, peersOf(rule)]));
  assert.deepEqual(rules.get(9094), peers);
  assert.equal(rules.get(9092), undefined, 'listeners without peers are open to all');
  assert.ok(rules.has(9092));
  const clusterPeer = { podSelector: { matchLabels: policy.spec?.podSelector?.matchLabels } };
  const operatorPeer = { podSelector: { matchLabels: { app: 'operator' } } };
  assert.deepEqual(rules.get(9090), [clusterPeer, operatorPeer]);
  assert.deepEqual(rules.get(9091)?.slice(0, 2), [clusterPeer, operatorPeer]);
  const elsewhere = buildNetworkPolicy(model, { namespace: 'operators', podLabels: { app: 'operator' } });
  assert.deepEqual(peersOf(elsewhere.spec?.ingress?.[0])?.[1]?.namespaceSelector, {
    matchLabels: { 'kubernetes.io/metadata.name': 'operators' },
  });
});

test('the disruption budget lets one node of the cluster go at a time', () => {
  const model = fixtureModel(readClusterFixture(`${clustersDirectory}/separate-roles-persistent.yaml`));
  const budget = buildDesiredObjects(model, fixtureInputs(model)).podDisruptionBudget;
  assert.equal(budget.spec?.minAvailable, 5);
  assert.deepEqual(budget.spec?.selector?.matchLabels, {
    'strimzi.io/cluster': 'my-cluster',
    'strimzi.io/name': 'my-cluster-kafka',
    'strimzi.io/kind': 'Kafka',
  });
});

test('claims carry size, class and selector; only deleteClaim: true claims are owned by the Kafka', () => {
  const fixture = readClusterFixture(`${clustersDirectory}/separate-roles-jbod.yaml`);
  const broker = fixture.pools.find((pool) => pool.metadata.name === 'broker');
  assert.ok(broker);
  broker.spec.storage = {
    type: 'jbod',
    volumes: [
      {
        id: 0,
        type: 'persistent-claim',
        size: '10Gi',
        class: 'fast',
        deleteClaim: true,
        kraftMetadata: 'shared',
      },
      { id: 1, type: 'persistent-claim', size: '20Gi', selector: { zone: 'a' } },
      { id: 2, type: 'ephemeral', sizeLimit: '1Gi' },
    ],
  };
  const model = fixtureModel(fixture);
  const node = model.nodes.find((candidate) => candidate.pool === 'broker');
  const pool = model.pools.find((candidate) => candidate.name === 'broker');
  assert.ok(node && pool);
  const claims = buildNodeClaims(model, node, pool);
  assert.deepEqual(
    claims.map((claim) => ({
      name: claim.metadata?.name,
      owned: (claim.metadata?.ownerReferences ?? []).length > 0,
      deleteClaim: claim.metadata?.annotations?.['strimzi.io/delete-claim'],
      size: claim.spec?.resources?.requests?.storage,
      class: claim.spec?.storageClassName,
      selector: claim.spec?.selector,
    })),
    [
      {
        name: 'data-0-my-cluster-broker-0',
        owned: true,
        deleteClaim: 'true',
        size: '10Gi',
        class: 'fast',
        selector: undefined,
      },
      {
        name: 'data-1-my-cluster-broker-0',
        owned: false,
        deleteClaim: 'false',
        size: '20Gi',
        class: undefined,
        selector: { matchLabels: { zone: 'a' } },
      },
    ],
  );
  const pod = buildDesiredObjects(model, fixtureInputs(model)).nodes.find(
    (entry) => entry.node.id === node.id,
  )?.pod;
  assert.deepEqual(
    pod?.spec?.volumes?.find((volume) => volume.name === 'data-2'),
    { name: 'data-2', emptyDir: { sizeLimit: '1Gi' } },
  );
});
