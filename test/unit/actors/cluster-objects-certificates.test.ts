// Node certificates cover every address a node is reached by, and sit in Strimzi's Secret layout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildNodeCertificateSecret,
  nodeCertificateNames,
} from '../../../src/actors/cluster/desired-objects/node-certificates.ts';
import {
  clustersDirectory,
  fixtureModel,
  legacyDirectory,
  readClusterFixture,
} from '../../support/cluster-fixtures.ts';

test("a node's certificate names its own DNS name and the cluster's services in every form", () => {
  const model = fixtureModel(readClusterFixture(`${clustersDirectory}/dual-role.yaml`));
  const node = model.nodes[1];
  assert.ok(node);
  const names = nodeCertificateNames(model, node);
  assert.equal(names.commonName, 'my-cluster-kafka');
  for (const name of [
    'my-cluster-dual-role-1.my-cluster-kafka-brokers.kafka.svc',
    'my-cluster-dual-role-1.my-cluster-kafka-brokers.kafka.svc.cluster.local',
    'my-cluster-kafka-bootstrap',
    'my-cluster-kafka-bootstrap.kafka',
    'my-cluster-kafka-bootstrap.kafka.svc',
    'my-cluster-kafka-bootstrap.kafka.svc.cluster.local',
    'my-cluster-kafka-brokers.kafka.svc',
  ]) {
    assert.ok(names.dnsNames.includes(name), name);
  }
  assert.ok(!names.dnsNames.some((name) => name.startsWith('my-cluster-dual-role-0.')));
  assert.deepEqual(names.ipAddresses, []);
});

test('brokers of exposed listeners are also named by the listener services, hosts and known addresses', () => {
  const fixture = readClusterFixture(`${legacyDirectory}/nodeport-listener.yaml`);
  const external = fixture.kafka.spec.kafka.listeners?.find((listener) => listener.name === 'external');
  assert.ok(external);
  external.configuration = {
    bootstrap: { nodePort: 32094, alternativeNames: ['kafka.example.com'] },
    brokers: [{ broker: 1, advertisedHost: 'broker-1.example.com' }],
  };
  const model = fixtureModel(fixture);
  const [node0, node1] = model.nodes;
  assert.ok(node0 && node1);
  const names = nodeCertificateNames(model, node1, ['192.0.2.7', 'node-7.example.com']);
  for (const name of [
    'my-cluster-kafka-external-bootstrap.kafka.svc',
    'my-cluster-kafka-external-1.kafka.svc',
    'kafka.example.com',
    'broker-1.example.com',
    'node-7.example.com',
  ]) {
    assert.ok(names.dnsNames.includes(name), name);
  }
  assert.deepEqual(names.ipAddresses, ['192.0.2.7']);
  assert.ok(!nodeCertificateNames(model, node0).dnsNames.includes('broker-1.example.com'));
  assert.equal(new Set(names.dnsNames).size, names.dnsNames.length);
});

test('controller-only nodes get no external names, so that listener changes never roll them', () => {
  const fixture = readClusterFixture(`${clustersDirectory}/separate-roles-persistent.yaml`);
  fixture.kafka.spec.kafka.listeners?.push({ name: 'external', port: 9094, type: 'nodeport', tls: true });
  const model = fixtureModel(fixture);
  const controller = model.nodes.find((node) => !node.roles.includes('broker'));
  const broker = model.nodes.find((node) => node.roles.includes('broker'));
  assert.ok(controller && broker);
  const external = (names: string[]) => names.filter((name) => name.includes('external'));
  assert.deepEqual(external(nodeCertificateNames(model, controller, ['192.0.2.1']).dnsNames), []);
  assert.deepEqual(nodeCertificateNames(model, controller, ['192.0.2.1']).ipAddresses, []);
  assert.ok(external(nodeCertificateNames(model, broker).dnsNames).length > 0);
});

test('the certificate Secret is named after the pod with <pod>.crt and <pod>.key and the CA generation', () => {
  const model = fixtureModel(readClusterFixture(`${clustersDirectory}/single-node.yaml`));
  const node = model.nodes[0];
  assert.ok(node);
  const secret = buildNodeCertificateSecret(
    model,
    node,
    { certificatePem: '-----BEGIN CERTIFICATE-----', privateKeyPem: '-----BEGIN PRIVATE KEY-----' },
    3,
  );
  assert.equal(secret.metadata?.name, node.podName);
  assert.equal(secret.metadata?.annotations?.['strimzi.io/ca-cert-generation'], '3');
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
    ),
    {
      [`${node.podName}.crt`]: '-----BEGIN CERTIFICATE-----',
      [`${node.podName}.key`]: '-----BEGIN PRIVATE KEY-----',
    },
  );
});
