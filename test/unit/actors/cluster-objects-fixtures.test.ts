// The desired objects of every cluster and legacy fixture: names, ports, selectors, volumes,
// probes and owner references as Strimzi users expect them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { supportingObjects } from '../../../src/actors/cluster/desired-objects/desired-objects.ts';
import { nodeCertificateNames } from '../../../src/actors/cluster/desired-objects/node-certificates.ts';
import {
  clusterFixtures,
  fixtureObjects,
  legacyDirectory,
  readClusterFixture,
} from '../../support/cluster-fixtures.ts';

const kafkaUid = '6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7';

function kafkaContainer(pod: V1Pod) {
  const container = pod.spec?.containers.find((candidate) => candidate.name === 'kafka');
  assert.ok(container, `${pod.metadata?.name} has a kafka container`);
  return container;
}

function ownedByKafka(object: KubernetesObject): boolean {
  const [owner, ...others] = object.metadata?.ownerReferences ?? [];
  return (
    others.length === 0 &&
    owner?.kind === 'Kafka' &&
    owner.name === 'my-cluster' &&
    owner.uid === kafkaUid &&
    owner.controller === true &&
    owner.apiVersion.startsWith('kafka.strimzi.io/')
  );
}

for (const fixture of clusterFixtures()) {
  // Every fixture's internal listeners are plain on 9092 and tls on 9093, or one of them.
  const internalPorts = fixture.kafka.spec.kafka.listeners
    .filter((listener) => listener.type === 'internal')
    .map((listener) => listener.port);
  const internalPortNames: Record<number, string> = { 9092: 'tcp-clients', 9093: 'tcp-clientstls' };

  test(`${fixture.file}: one pod per node named <cluster>-<pool>-<id>, with its ConfigMap and certificate Secret of the same name`, () => {
    const { model, desired } = fixtureObjects(fixture);
    assert.ok(model.nodes.length > 0);
    for (const { node, pod, configMap, certificateSecret } of desired.nodes) {
      assert.equal(pod.metadata?.name, `my-cluster-${node.pool}-${node.id}`);
      assert.equal(configMap.metadata?.name, pod.metadata?.name);
      assert.equal(certificateSecret.metadata?.name, pod.metadata?.name);
      assert.ok(configMap.data?.['server.config']?.includes(`node.id=${node.id}`));
      assert.ok(pod.spec?.volumes?.some((volume) => volume.configMap?.name === configMap.metadata?.name));
      assert.ok(
        pod.spec?.volumes?.some((volume) => volume.secret?.secretName === certificateSecret.metadata?.name),
      );
      assert.ok(
        pod.spec?.volumes?.some((volume) => volume.secret?.secretName === 'my-cluster-cluster-ca-cert'),
      );
    }
  });

  test(`${fixture.file}: everything but claims with deleteClaim false is controlled by the Kafka`, () => {
    const { desired } = fixtureObjects(fixture);
    for (const object of [...supportingObjects(desired), ...desired.nodes.map((node) => node.pod)]) {
      const keepsData =
        object.kind === 'PersistentVolumeClaim' &&
        object.metadata?.annotations?.['strimzi.io/delete-claim'] === 'false';
      assert.equal(ownedByKafka(object), !keepsData, `${object.kind}/${object.metadata?.name}`);
      assert.equal(object.metadata?.namespace, 'kafka');
      assert.equal(object.metadata?.labels?.['strimzi.io/cluster'], 'my-cluster');
      assert.equal(object.metadata?.labels?.['strimzi.io/kind'], 'Kafka');
    }
  });

  test(`${fixture.file}: pods carry Strimzi's labels, resolve under the brokers service and are probed on their own port or agent`, () => {
    const { desired } = fixtureObjects(fixture);
    for (const { node, pod } of desired.nodes) {
      const broker = node.roles.includes('broker');
      const controller = node.roles.includes('controller');
      assert.deepEqual(
        {
          name: pod.metadata?.labels?.['strimzi.io/name'],
          pool: pod.metadata?.labels?.['strimzi.io/pool-name'],
          brokerRole: pod.metadata?.labels?.['strimzi.io/broker-role'],
          controllerRole: pod.metadata?.labels?.['strimzi.io/controller-role'],
          hostname: pod.spec?.hostname,
          subdomain: pod.spec?.subdomain,
          serviceAccount: pod.spec?.serviceAccountName,
        },
        {
          name: 'my-cluster-kafka',
          pool: node.pool,
          brokerRole: String(broker),
          controllerRole: String(controller),
          hostname: pod.metadata?.name,
          subdomain: 'my-cluster-kafka-brokers',
          serviceAccount: 'my-cluster-kafka',
        },
      );
      const container = kafkaContainer(pod);
      const ports = (container.ports ?? []).map((port) => port.containerPort);
      assert.equal(ports.includes(9090), controller);
      assert.equal(ports.includes(9091), broker);
      assert.equal(
        internalPorts.every((port) => ports.includes(port)),
        broker,
      );
      const probePort = broker ? 9091 : 9090;
      // A broker is ready when the agent in its JVM says RUNNING.
      assert.equal(
        broker ? container.readinessProbe?.httpGet?.port : container.readinessProbe?.tcpSocket?.port,
        broker ? 8082 : 9090,
      );
      assert.equal(container.livenessProbe?.tcpSocket?.port, probePort);
      assert.match(container.image ?? '', /^apache\/kafka:4\./);
      assert.deepEqual(container.command, ['/bin/sh', '/opt/kafka/custom-config/kafka-start.sh']);
      for (const annotation of [
        'strimzi.io/revision',
        'strimzi.io/configuration-hash',
        'strimzi.io/server-cert-hash',
      ]) {
        assert.match(pod.metadata?.annotations?.[annotation] ?? '', /^[0-9a-f]{8}$/, annotation);
      }
    }
  });

  test(`${fixture.file}: each data volume is an emptyDir or the node's claim data[-<id>]-<pod>, mounted under /var/lib/kafka`, () => {
    const { model, desired } = fixtureObjects(fixture);
    for (const { node, pod, persistentVolumeClaims } of desired.nodes) {
      const pool = model.pools.find((candidate) => candidate.name === node.pool);
      const volumes = pool?.storage.type === 'jbod' ? pool.storage.volumes : pool ? [pool.storage] : [];
      const dataVolumes = (pod.spec?.volumes ?? []).filter((volume) => volume.name.startsWith('data'));
      assert.equal(dataVolumes.length, volumes.length);
      const claims = persistentVolumeClaims.map((claim) => claim.metadata?.name);
      for (const volume of volumes) {
        const name = pool?.storage.type === 'jbod' ? `data-${volume.id}` : 'data';
        const podVolume = dataVolumes.find((candidate) => candidate.name === name);
        if (volume.type === 'ephemeral') {
          assert.ok(podVolume?.emptyDir, `${name} of ${pod.metadata?.name} is an emptyDir`);
        } else {
          assert.equal(podVolume?.persistentVolumeClaim?.claimName, `${name}-${node.podName}`);
          assert.ok(claims.includes(`${name}-${node.podName}`));
        }
        assert.ok(
          kafkaContainer(pod).volumeMounts?.some(
            (mount) => mount.name === name && mount.mountPath === `/var/lib/kafka/${name}`,
          ),
        );
      }
    }
  });

  test(`${fixture.file}: the bootstrap service reaches brokers only, the headless brokers service every node`, () => {
    const { desired } = fixtureObjects(fixture);
    const bootstrap = desired.services.find(
      (service) => service.metadata?.name === 'my-cluster-kafka-bootstrap',
    );
    const brokers = desired.services.find((service) => service.metadata?.name === 'my-cluster-kafka-brokers');
    assert.deepEqual(bootstrap?.spec?.selector, {
      'strimzi.io/cluster': 'my-cluster',
      'strimzi.io/name': 'my-cluster-kafka',
      'strimzi.io/kind': 'Kafka',
      'strimzi.io/broker-role': 'true',
    });
    assert.deepEqual(
      bootstrap?.spec?.ports?.map((port) => [port.name, port.port]),
      [['tcp-replication', 9091], ...internalPorts.map((port) => [internalPortNames[port], port])],
    );
    assert.equal(brokers?.spec?.clusterIP, 'None');
    assert.equal(brokers?.spec?.publishNotReadyAddresses, true);
    assert.equal(brokers?.spec?.selector?.['strimzi.io/broker-role'], undefined);
    assert.deepEqual(
      brokers?.spec?.ports?.map((port) => port.port),
      [9090, 9091, ...internalPorts],
    );
    assert.equal(desired.serviceAccount.metadata?.name, 'my-cluster-kafka');
    assert.equal(desired.podDisruptionBudget.metadata?.name, 'my-cluster-kafka');
    assert.equal(desired.podDisruptionBudget.spec?.minAvailable, desired.nodes.length - 1);
    assert.equal(desired.networkPolicy.metadata?.name, 'my-cluster-network-policy-kafka');
  });
}

test('the legacy nodeport listener gets a NodePort bootstrap service on 32094 and a NodePort service per broker', () => {
  const { desired } = fixtureObjects(readClusterFixture(`${legacyDirectory}/nodeport-listener.yaml`));
  const bootstrap = desired.services.find(
    (service) => service.metadata?.name === 'my-cluster-kafka-external-bootstrap',
  );
  assert.equal(bootstrap?.spec?.type, 'NodePort');
  assert.deepEqual(bootstrap?.spec?.ports, [
    { name: 'tcp-external', port: 9094, targetPort: 'tcp-external', protocol: 'TCP', nodePort: 32094 },
  ]);
  assert.deepEqual(
    desired.nodes.map(({ services }) =>
      services.map((service) => [service.metadata?.name, service.spec?.type]),
    ),
    [[['my-cluster-kafka-external-0', 'NodePort']], [['my-cluster-kafka-external-1', 'NodePort']]],
  );
  assert.deepEqual(desired.nodes[1]?.services[0]?.spec?.selector, {
    'strimzi.io/cluster': 'my-cluster',
    'strimzi.io/name': 'my-cluster-kafka',
    'strimzi.io/kind': 'Kafka',
    'strimzi.io/pool-name': 'kafka',
    'strimzi.io/pod-name': 'my-cluster-kafka-1',
  });
  const pod = desired.nodes[0]?.pod;
  assert.ok(
    pod &&
      kafkaContainer(pod).ports?.some((port) => port.name === 'tcp-external' && port.containerPort === 9094),
  );
});

test("the legacy fixture's advertisedHost for broker 0 is advertised and in broker 0's certificate only", () => {
  const fixture = readClusterFixture(`${legacyDirectory}/nodeport-advertised-host.yaml`);
  const { model, desired } = fixtureObjects(fixture);
  const [node0, node1] = model.nodes;
  assert.ok(node0 && node1);
  assert.match(
    desired.nodes[0]?.configMap.data?.['server.config'] ?? '',
    /EXTERNAL-9094:\/\/203\.0\.113\.10:/,
  );
  assert.ok(nodeCertificateNames(model, node0).ipAddresses.includes('203.0.113.10'));
  assert.ok(!nodeCertificateNames(model, node1).ipAddresses.includes('203.0.113.10'));
  // Broker 1 advertises the address of the Kubernetes node it runs on, from the downward API.
  const env = kafkaContainer(desired.nodes[1]?.pod as V1Pod).env ?? [];
  assert.ok(env.some((variable) => variable.valueFrom?.fieldRef?.fieldPath === 'status.hostIP'));
});

test('the legacy clusters run as the implicit dual-role pool kafka with jbod claims data-0-<pod> that deleteClaim lets go', () => {
  const { desired } = fixtureObjects(readClusterFixture(`${legacyDirectory}/internal-listeners.yaml`));
  assert.deepEqual(
    desired.nodes.map(({ persistentVolumeClaims }) =>
      persistentVolumeClaims.map((claim) => ({
        name: claim.metadata?.name,
        size: claim.spec?.resources?.requests?.storage,
        class: claim.spec?.storageClassName,
        deleteClaim: claim.metadata?.annotations?.['strimzi.io/delete-claim'],
      })),
    ),
    [
      [{ name: 'data-0-my-cluster-kafka-0', size: '10Gi', class: 'disk', deleteClaim: 'true' }],
      [{ name: 'data-0-my-cluster-kafka-1', size: '10Gi', class: 'disk', deleteClaim: 'true' }],
    ],
  );
});
