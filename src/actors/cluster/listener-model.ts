// The user listeners of spec.kafka.listeners with their configuration read into typed fields.
import type { KafkaConfigValue } from '../../api/common.ts';
import type { KafkaListener, KafkaListenerConfiguration } from '../../api/kafka.ts';
import type {
  ListenerBootstrap,
  ListenerBrokerOverride,
  ListenerModel,
} from '../../machines/cluster-model.ts';
import { kafkaListenerName } from './cluster-names.ts';

type WrittenBroker = NonNullable<KafkaListenerConfiguration['brokers']>[number];

export function modelListeners(listeners: readonly KafkaListener[]): ListenerModel[] {
  return listeners.map((listener): ListenerModel => {
    const { bootstrap, brokers, ...configuration } = listener.configuration ?? {};
    return {
      name: listener.name,
      kafkaName: kafkaListenerName(listener.name, listener.port),
      port: listener.port,
      type: listener.type,
      tls: listener.tls,
      authentication: listener.authentication && {
        type: listener.authentication.type,
        sasl: listener.authentication.sasl ?? false,
        listenerConfig: stringifyConfig(listener.authentication.listenerConfig ?? {}),
      },
      bootstrap: modelBootstrap(bootstrap ?? {}),
      brokers: (brokers ?? []).map(modelBroker).sort((a, b) => a.nodeId - b.nodeId),
      configuration,
      networkPolicyPeers: listener.networkPolicyPeers,
    };
  });
}

function modelBootstrap(bootstrap: NonNullable<KafkaListenerConfiguration['bootstrap']>): ListenerBootstrap {
  return {
    nodePort: bootstrap.nodePort,
    host: bootstrap.host,
    loadBalancerIP: bootstrap.loadBalancerIP,
    alternativeNames: bootstrap.alternativeNames ?? [],
    annotations: bootstrap.annotations ?? {},
    labels: bootstrap.labels ?? {},
  };
}

function modelBroker(broker: WrittenBroker): ListenerBrokerOverride {
  return {
    nodeId: broker.broker,
    advertisedHost: broker.advertisedHost,
    advertisedPort: broker.advertisedPort,
    nodePort: broker.nodePort,
    host: broker.host,
    loadBalancerIP: broker.loadBalancerIP,
    annotations: broker.annotations ?? {},
    labels: broker.labels ?? {},
  };
}

/** Kafka configuration values as server.properties writes them, sorted by key. */
export function stringifyConfig(config: Record<string, KafkaConfigValue>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config)
      .map(([key, value]) => [key, String(value)] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
