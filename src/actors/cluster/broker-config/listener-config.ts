// Listeners: the controller (CONTROLPLANE-9090) and replication (REPLICATION-9091) listeners, both mutual TLS
// with the cluster CA as Strimzi runs them, and the user listeners with their security protocol,
// authentication (mutual TLS, SCRAM-SHA-512, custom) and TLS certificates; then the listener lists.
import type { ClusterModel, ListenerModel, NodeModel } from '../../../machines/cluster-model.ts';
import { controlPlaneListener, nodeHostName, replicationListener } from '../cluster-names.ts';
import { type AssignedAddresses, advertisedAddress } from './advertised-addresses.ts';
import { clientsCaCertsDir, clusterCaCertsDir, listenerCertsDir, nodeCertsDir } from './broker-paths.ts';
import type { Entry, Section } from './properties.ts';
import { keystoreEntries, truststoreEntries } from './tls-config.ts';

const caCertificateFile = 'ca.crt';
const scramLoginModule = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

export function listenerSections(
  model: ClusterModel,
  node: NodeModel,
  assigned: AssignedAddresses,
): Section[] {
  const broker = node.roles.includes('broker');
  const userListeners = broker ? model.listeners : [];
  const host = nodeHostName(model.name, model.namespace, node.podName);
  // Controllers serve the control plane and brokers replication; Kafka refuses a broker-only node that
  // listens on the controller listener. Yet every node configures the control plane's protocol and TLS:
  // brokers connect to the controllers with them.
  const served = [
    ...(node.roles.includes('controller') ? [controlPlaneListener] : []),
    ...(broker ? [replicationListener] : []),
  ];
  const configured = [controlPlaneListener, ...(broker ? [replicationListener] : [])];
  const listeners = [
    ...served.map((listener) => `${listener.name}://0.0.0.0:${listener.port}`),
    ...userListeners.map((listener) => `${listener.kafkaName}://0.0.0.0:${listener.port}`),
  ];
  const advertised = [
    ...served.map((listener) => `${listener.name}://${host}:${listener.port}`),
    ...userListeners.map((listener) => {
      const address = advertisedAddress(model, listener, node, assigned);
      return `${listener.kafkaName}://${address.host}:${address.port}`;
    }),
  ];
  const protocols = [
    ...configured.map((listener) => `${listener.name}:SSL`),
    ...userListeners.map((listener) => `${listener.kafkaName}:${securityProtocol(listener)}`),
  ];
  return [
    ...configured.map((listener) => ({
      title: `${listener.name} listener (mutual TLS with the cluster CA)`,
      entries: clusterTlsEntries(listener.name.toLowerCase(), node),
    })),
    ...userListeners.map((listener) => ({
      title: `${listener.kafkaName} listener (${listener.type})`,
      entries: userListenerEntries(listener, node),
    })),
    {
      title: 'Listeners',
      entries: [
        ['listener.security.protocol.map', protocols.join(',')],
        ['listeners', listeners.join(',')],
        ['advertised.listeners', advertised.join(',')],
        ...(broker ? [['inter.broker.listener.name', replicationListener.name] as const] : []),
        // Mechanisms are enabled per listener only.
        ['sasl.enabled.mechanisms', ''],
        ['ssl.endpoint.identification.algorithm', 'HTTPS'],
      ],
    },
  ];
}

/** SSL or PLAINTEXT, with SASL_ in front when clients authenticate by SASL. */
export function securityProtocol(listener: ListenerModel): string {
  const transport = listener.tls ? 'SSL' : 'PLAINTEXT';
  const sasl =
    listener.authentication?.type === 'scram-sha-512' ||
    (listener.authentication?.type === 'custom' && listener.authentication.sasl);
  return sasl ? `SASL_${transport}` : transport;
}

function clusterTlsEntries(listener: string, node: NodeModel): Entry[] {
  return [
    ...keystoreEntries(listener, nodeCertsDir, `${node.podName}.crt`, `${node.podName}.key`),
    ...truststoreEntries(listener, clusterCaCertsDir, caCertificateFile),
    [`listener.name.${listener}.ssl.client.auth`, 'required'],
  ];
}

function userListenerEntries(listener: ListenerModel, node: NodeModel): Entry[] {
  const name = listener.kafkaName.toLowerCase();
  return [
    ...authenticationEntries(listener, name),
    ...(listener.tls ? tlsEntries(listener, name, node) : []),
    ...connectionLimitEntries(listener, name),
  ];
}

function authenticationEntries(listener: ListenerModel, name: string): Entry[] {
  const authentication = listener.authentication;
  switch (authentication?.type) {
    case 'scram-sha-512':
      return [
        [`listener.name.${name}.scram-sha-512.sasl.jaas.config`, scramLoginModule],
        [`listener.name.${name}.sasl.enabled.mechanisms`, 'SCRAM-SHA-512'],
      ];
    case 'tls':
      return [
        [`listener.name.${name}.ssl.client.auth`, 'required'],
        ...truststoreEntries(name, clientsCaCertsDir, caCertificateFile),
      ];
    case 'custom':
      return Object.entries(authentication.listenerConfig).map(([key, value]) => [
        `listener.name.${name}.${key}`,
        value,
      ]);
    default:
      return [];
  }
}

// The listener's own certificate (configuration.brokerCertChainAndKey) when given, else the node's.
function tlsEntries(listener: ListenerModel, name: string, node: NodeModel): Entry[] {
  const own = listener.configuration.brokerCertChainAndKey;
  if (own) {
    return keystoreEntries(name, listenerCertsDir(listener), own.certificate, own.key);
  }
  return keystoreEntries(name, nodeCertsDir, `${node.podName}.crt`, `${node.podName}.key`);
}

function connectionLimitEntries(listener: ListenerModel, name: string): Entry[] {
  const { maxConnections, maxConnectionCreationRate } = listener.configuration;
  return [
    ...(maxConnections === undefined
      ? []
      : [[`listener.name.${name}.max.connections`, String(maxConnections)] as const]),
    ...(maxConnectionCreationRate === undefined
      ? []
      : [[`listener.name.${name}.max.connection.creation.rate`, String(maxConnectionCreationRate)] as const]),
  ];
}
