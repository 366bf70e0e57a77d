import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildNodeConfiguration } from '../../../src/actors/cluster/broker-config/node-configuration.ts';
import { buildStartupScript } from '../../../src/actors/cluster/broker-config/startup-script.ts';
import { buildClusterModel } from '../../../src/actors/cluster/cluster-model.ts';
import type { Kafka } from '../../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../../src/api/kafka-node-pool.ts';
import type { ClusterModel, NodeModel } from '../../../src/machines/cluster-model.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';
import { legacyDirectory, readClusterFixture } from '../../support/cluster-fixtures.ts';
import { kafkaResource, nodePoolResource } from '../../support/cluster-resources.ts';

/** server.properties as a map, keeping the last value of a key as Kafka does. */
function propertiesOf(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    assert.ok(at > 0, `not a property line: ${line}`);
    assert.ok(!properties.has(line.slice(0, at)), `${line.slice(0, at)} is written twice`);
    properties.set(line.slice(0, at), line.slice(at + 1));
  }
  return properties;
}

const poolOf = (name: string, roles: KafkaNodePool['spec']['roles'], replicas: number) =>
  nodePoolResource(name, { roles, replicas, storage: { type: 'persistent-claim', size: '10Gi' } });

const kafka = kafkaResource({
  listeners: [
    { name: 'plain', port: 9092, type: 'internal', tls: false },
    { name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'tls' } },
    {
      name: 'scram',
      port: 9094,
      type: 'cluster-ip',
      tls: true,
      authentication: { type: 'scram-sha-512' },
    },
    {
      name: 'external',
      port: 9095,
      type: 'nodeport',
      tls: false,
      configuration: {
        brokers: [{ broker: 0, advertisedHost: 'kafka-0.example.com', advertisedPort: 443 }],
      },
    },
  ],
  authorization: { type: 'simple', superUsers: ['CN=admin', 'alice'] },
  config: {
    'default.replication.factor': 2,
    'min.insync.replicas': 2,
    'config.providers': 'mine',
    'config.providers.mine.class': 'org.example.P',
  },
});

const model = buildClusterModel(
  kafka,
  [poolOf('controllers', ['controller'], 3), poolOf('brokers', ['broker'], 2)],
  {
    podNodeIds: {},
  },
);
const nodePorts = { external: { 0: { nodePort: 31000 }, 1: { nodePort: 31001 } } };

function node(id: number): NodeModel {
  return model.nodes.find((candidate) => candidate.id === id) ?? assert.fail(`no node ${id}`);
}

function configOf(nodeId: number, from: ClusterModel = model): Map<string, string> {
  return propertiesOf(buildNodeConfiguration(from, node(nodeId), nodePorts));
}

// A value Kafka's DirectoryConfigProvider reads from a mounted file: `${strimzidir:<dir>:<file>}`.
const fromFile = (path: string) => `\${strimzidir:${path}}`;
const host = (pod: string) => `${pod}.my-cluster-kafka-brokers.kafka.svc`;
const voters = [2, 3, 4].map((id) => `${id}@${host(`my-cluster-controllers-${id}`)}:9090`).join(',');

describe('the configuration of a broker node', () => {
  const config = configOf(0);

  test('names its id, its role and the static controller quorum', () => {
    assert.equal(config.get('node.id'), '0');
    assert.equal(config.get('process.roles'), 'broker');
    assert.equal(config.get('controller.listener.names'), 'CONTROLPLANE-9090');
    assert.equal(config.get('controller.quorum.voters'), voters);
  });

  test('listens on replication and every user listener (not the control plane), advertising each by how it is exposed', () => {
    assert.equal(
      config.get('listeners'),
      'REPLICATION-9091://0.0.0.0:9091,PLAIN-9092://0.0.0.0:9092,' +
        'TLS-9093://0.0.0.0:9093,SCRAM-9094://0.0.0.0:9094,EXTERNAL-9095://0.0.0.0:9095',
    );
    const pod = host('my-cluster-brokers-0');
    assert.equal(
      config.get('advertised.listeners'),
      `REPLICATION-9091://${pod}:9091,PLAIN-9092://${pod}:9092,TLS-9093://${pod}:9093,` +
        'SCRAM-9094://my-cluster-brokers-scram-0.kafka.svc:9094,EXTERNAL-9095://kafka-0.example.com:443',
    );
    assert.equal(
      config.get('listener.security.protocol.map'),
      'CONTROLPLANE-9090:SSL,REPLICATION-9091:SSL,PLAIN-9092:PLAINTEXT,TLS-9093:SSL,SCRAM-9094:SASL_SSL,EXTERNAL-9095:PLAINTEXT',
    );
    assert.equal(config.get('inter.broker.listener.name'), 'REPLICATION-9091');
    assert.equal(config.get('sasl.enabled.mechanisms'), '');
    assert.equal(config.get('ssl.endpoint.identification.algorithm'), 'HTTPS');
  });

  test('advertises the node address and the assigned node port on a nodeport listener without overrides', () => {
    assert.match(
      configOf(1).get('advertised.listeners') ?? '',
      /EXTERNAL-9095:\/\/\$\{strimzienv:KAFKA_NODE_ADDRESS\}:31001$/,
    );
  });

  test('refuses, for a retry, a nodeport listener whose node port Kubernetes has not assigned yet', () => {
    assert.throws(
      () => buildNodeConfiguration(model, node(1)),
      (error: unknown) =>
        error instanceof ReconcileFailure && error.reason === 'ListenerAddressNotAssigned' && error.retryable,
    );
  });

  test('refuses, as the spec to change, a route or ingress listener that names no host for a broker: no Route is made to learn one from', () => {
    for (const type of ['route', 'tlsroute', 'ingress'] as const) {
      const routed = buildClusterModel(
        kafkaResource({
          listeners: [
            {
              name: 'external',
              port: 9095,
              type,
              tls: true,
              configuration: {
                bootstrap: { host: 'kafka.example.com' },
                brokers: [{ broker: 0, host: 'b0.example.com' }],
              },
            },
          ],
        }),
        [poolOf('controllers', ['controller'], 3), poolOf('brokers', ['broker'], 2)],
        { podNodeIds: {} },
      );
      assert.match(
        buildNodeConfiguration(routed, node(0)),
        /^advertised\.listeners=.*EXTERNAL-9095:\/\/b0\.example\.com:443$/m,
      );
      assert.throws(
        () => buildNodeConfiguration(routed, node(1)),
        (error: unknown) =>
          error instanceof ReconcileFailure &&
          error.reason === 'InvalidResource' &&
          !error.retryable &&
          error.message.includes(`${type} listener external names no host for node 1`),
      );
    }
  });

  test('uses mutual TLS with the cluster CA on the replication and controller listeners, certificates read from files', () => {
    assert.equal(
      config.get('listener.name.replication-9091.ssl.keystore.certificate.chain'),
      fromFile('/opt/kafka/broker-certs:my-cluster-brokers-0.crt'),
    );
    assert.equal(
      config.get('listener.name.replication-9091.ssl.keystore.key'),
      fromFile('/opt/kafka/broker-certs:my-cluster-brokers-0.key'),
    );
    assert.equal(
      config.get('listener.name.controlplane-9090.ssl.truststore.certificates'),
      fromFile('/opt/kafka/cluster-ca-certs:ca.crt'),
    );
    assert.equal(config.get('listener.name.controlplane-9090.ssl.client.auth'), 'required');
    assert.equal(
      config.get('config.providers.strimzidir.class'),
      'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
    );
    assert.equal(config.get('config.providers.strimzidir.param.allowed.paths'), '/opt/kafka');
  });

  test('authenticates TLS clients against the clients CA and SCRAM clients with the SCRAM login module', () => {
    assert.equal(config.get('listener.name.tls-9093.ssl.client.auth'), 'required');
    assert.equal(
      config.get('listener.name.tls-9093.ssl.truststore.certificates'),
      fromFile('/opt/kafka/client-ca-certs:ca.crt'),
    );
    assert.equal(config.get('listener.name.tls-9093.ssl.keystore.type'), 'PEM');
    assert.equal(config.get('listener.name.scram-9094.sasl.enabled.mechanisms'), 'SCRAM-SHA-512');
    assert.equal(
      config.get('listener.name.scram-9094.scram-sha-512.sasl.jaas.config'),
      'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    );
    assert.equal(config.get('listener.name.scram-9094.ssl.keystore.type'), 'PEM');
    assert.equal(config.get('listener.name.plain-9092.ssl.keystore.type'), undefined);
  });

  test("turns on the StandardAuthorizer with the cluster's own principals and the user's as super users", () => {
    assert.equal(
      config.get('authorizer.class.name'),
      'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    );
    assert.deepEqual(config.get('super.users')?.split(';'), [
      'User:CN=my-cluster-kafka,O=io.strimzi',
      'User:CN=my-cluster-entity-topic-operator,O=io.strimzi',
      'User:CN=my-cluster-entity-user-operator,O=io.strimzi',
      'User:CN=my-cluster-kafka-exporter,O=io.strimzi',
      'User:CN=my-cluster-cruise-control,O=io.strimzi',
      'User:CN=cluster-operator,O=io.strimzi',
      'User:CN=admin',
      'User:alice',
    ]);
  });

  test("keeps its log on the data volume and merges the user's configuration last, config providers appended", () => {
    assert.equal(config.get('log.dirs'), '/var/lib/kafka/data/kafka-log0');
    assert.equal(config.get('metadata.log.dir'), undefined);
    assert.equal(config.get('min.insync.replicas'), '2');
    assert.equal(config.get('config.providers'), 'mine,strimzienv,strimzidir');
    assert.equal(config.get('config.providers.mine.class'), 'org.example.P');
    const text = buildNodeConfiguration(model, node(0), nodePorts);
    assert.ok(text.indexOf('min.insync.replicas') > text.indexOf('log.dirs'));
  });

  test('is the same text every time it is built', () => {
    assert.equal(
      buildNodeConfiguration(model, node(0), nodePorts),
      buildNodeConfiguration(model, node(0), nodePorts),
    );
  });
});

describe('the configuration of a controller node', () => {
  const config = configOf(2);

  test('runs only the controller, listening and advertising only the control plane', () => {
    assert.equal(config.get('node.id'), '2');
    assert.equal(config.get('process.roles'), 'controller');
    assert.equal(config.get('controller.quorum.voters'), voters);
    assert.equal(config.get('listeners'), 'CONTROLPLANE-9090://0.0.0.0:9090');
    assert.equal(
      config.get('advertised.listeners'),
      `CONTROLPLANE-9090://${host('my-cluster-controllers-2')}:9090`,
    );
    assert.equal(config.get('listener.security.protocol.map'), 'CONTROLPLANE-9090:SSL');
    assert.equal(config.get('inter.broker.listener.name'), undefined);
    assert.equal(config.get('listener.name.replication-9091.ssl.keystore.type'), undefined);
  });
});

describe('the configuration of the legacy cluster (implicit dual-role pool, JBOD)', () => {
  const fixture = readClusterFixture(join(legacyDirectory, 'nodeport-advertised-host.yaml'));
  const legacy = buildClusterModel(fixture.kafka, fixture.pools, { podNodeIds: {} });
  const legacyNode = legacy.nodes[0] ?? assert.fail('no node');
  const config = propertiesOf(
    buildNodeConfiguration(legacy, legacyNode, { external: { 0: { nodePort: 32000 } } }),
  );

  test('runs broker and controller in one process with both nodes as voters', () => {
    assert.equal(config.get('process.roles'), 'broker,controller');
    assert.equal(
      config.get('controller.quorum.voters'),
      `0@${host('my-cluster-kafka-0')}:9090,1@${host('my-cluster-kafka-1')}:9090`,
    );
  });

  test('advertises the advertisedHost of broker 0 with the node port Kubernetes assigned', () => {
    assert.match(config.get('advertised.listeners') ?? '', /EXTERNAL-9094:\/\/203\.0\.113\.10:32000$/);
  });

  test('has no authorizer when authorization is off, and no ZooKeeper-era keys', () => {
    assert.equal(config.get('authorizer.class.name'), undefined);
    assert.equal(config.get('super.users'), undefined);
    assert.equal(config.get('inter.broker.protocol.version'), undefined);
    assert.equal(config.get('log.dirs'), '/var/lib/kafka/data-0/kafka-log0');
  });
});

describe('JBOD storage with the KRaft metadata on a volume', () => {
  test('lists a log directory per volume and the metadata log on the kraftMetadata volume', () => {
    const pool = poolOf('dual', ['controller', 'broker'], 1);
    pool.spec.storage = {
      type: 'jbod',
      volumes: [
        { id: 1, type: 'persistent-claim', size: '10Gi' },
        { id: 0, type: 'ephemeral' },
        { id: 2, type: 'persistent-claim', size: '10Gi', kraftMetadata: 'shared' },
      ],
    };
    const jbod = buildClusterModel(
      {
        ...kafka,
        spec: {
          kafka: {
            ...kafka.spec.kafka,
            listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }],
          },
        },
      },
      [pool],
      {
        podNodeIds: {},
      },
    );
    const config = propertiesOf(buildNodeConfiguration(jbod, jbod.nodes[0] ?? assert.fail('no node')));
    assert.equal(
      config.get('log.dirs'),
      '/var/lib/kafka/data-0/kafka-log0,/var/lib/kafka/data-1/kafka-log0,/var/lib/kafka/data-2/kafka-log0',
    );
    assert.equal(config.get('metadata.log.dir'), '/var/lib/kafka/data-2/kafka-log0');
  });
});

describe('the start-up script', () => {
  test('formats the storage with the cluster id and metadata version, then runs the server from the ConfigMap', () => {
    const script = buildStartupScript(model, node(0));
    assert.equal(
      script,
      [
        '#!/bin/sh',
        '# Kafka node 0 (my-cluster-brokers-0) of cluster kafka/my-cluster',
        'set -eu',
        `/opt/kafka/bin/kafka-storage.sh format --cluster-id='${model.clusterId}' --release-version='4.2-IV1' ` +
          '--config=/opt/kafka/custom-config/server.config --ignore-formatted',
        'exec /opt/kafka/bin/kafka-server-start.sh /opt/kafka/custom-config/server.config',
        '',
      ].join('\n'),
    );
  });
});

describe('the rack of a broker', () => {
  const withRack = (rack: NonNullable<Kafka['spec']['kafka']['rack']>) =>
    buildClusterModel(
      kafkaResource({ ...kafka.spec.kafka, rack }),
      [poolOf('controllers', ['controller'], 3), poolOf('brokers', ['broker'], 2)],
      { podNodeIds: {} },
    );

  test('comes from the environment variable spec.kafka.rack names, on brokers only', () => {
    const rackModel = withRack({ type: 'environment-variable', envVarName: 'ZONE' });
    assert.equal(configOf(0, rackModel).get('broker.rack'), `\${strimzienv:ZONE}`);
    assert.equal(configOf(2, rackModel).get('broker.rack'), undefined);
  });

  test("comes from a node label through the file the operator's rack annotation fills, on brokers only", () => {
    const rackModel = withRack({ type: 'topology-label', topologyKey: 'topology.kubernetes.io/zone' });
    assert.equal(configOf(0, rackModel).get('broker.rack'), `\${strimzidir:/opt/kafka/rack:rack}`);
    assert.equal(configOf(2, rackModel).get('broker.rack'), undefined);
    assert.deepEqual(rackModel.warnings, []);
  });
});

describe('a TLS listener with its own certificate and custom SASL authentication', () => {
  const custom = buildClusterModel(
    kafkaResource({
      listeners: [
        {
          name: 'oauth',
          port: 9096,
          type: 'internal',
          tls: true,
          authentication: {
            type: 'custom',
            sasl: true,
            listenerConfig: {
              'sasl.enabled.mechanisms': 'OAUTHBEARER',
              'connections.max.reauth.ms': 3600000,
            },
          },
          configuration: {
            brokerCertChainAndKey: { secretName: 'my-cert', certificate: 'tls.crt', key: 'tls.key' },
            maxConnections: 100,
          },
        },
      ],
    }),
    [nodePoolResource('dual')],
    { podNodeIds: {} },
  );
  const config = propertiesOf(buildNodeConfiguration(custom, custom.nodes[0] ?? assert.fail('no node')));

  test("presents the listener's own certificate from its mounted Secret", () => {
    assert.equal(
      config.get('listener.name.oauth-9096.ssl.keystore.certificate.chain'),
      fromFile('/opt/kafka/certificates/oauth-9096-certs:tls.crt'),
    );
    assert.equal(
      config.get('listener.name.oauth-9096.ssl.keystore.key'),
      fromFile('/opt/kafka/certificates/oauth-9096-certs:tls.key'),
    );
  });

  test("uses SASL_SSL and writes the authentication's listener configuration under the listener's prefix", () => {
    assert.match(config.get('listener.security.protocol.map') ?? '', /OAUTH-9096:SASL_SSL$/);
    assert.equal(config.get('listener.name.oauth-9096.sasl.enabled.mechanisms'), 'OAUTHBEARER');
    assert.equal(config.get('listener.name.oauth-9096.connections.max.reauth.ms'), '3600000');
    assert.equal(config.get('listener.name.oauth-9096.max.connections'), '100');
  });
});
