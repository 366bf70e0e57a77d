// The address a broker advertises to clients on each user listener. configuration.brokers' advertisedHost and
// advertisedPort win; otherwise it depends on how the listener is exposed. Node ports and load balancer
// addresses are Kubernetes' choice: the cluster effects read them from the per-broker Services and pass them in.

import type { ClusterModel, ListenerModel, NodeModel } from '../../../machines/cluster-model.ts';
import { ReconcileFailure } from '../../../machines/reconcile-failure.ts';
import { nodeHostName, perBrokerServiceName } from '../cluster-names.ts';
import { nodeAddressEnvVar } from './broker-paths.ts';
import { environmentReference } from './config-providers.ts';

/** What Kubernetes assigned to a per-broker Service: listener name → node id → node port / load balancer host. */
export type AssignedAddresses = Record<string, Record<number, { host?: string; nodePort?: number }>>;

export interface AdvertisedAddress {
  host: string;
  port: number;
}

// Routes, ingresses and TLS routes are reached through the router/ingress controller on the HTTPS port.
const routerPort = 443;

export function advertisedAddress(
  model: ClusterModel,
  listener: ListenerModel,
  node: NodeModel,
  assigned: AssignedAddresses,
): AdvertisedAddress {
  const override = listener.brokers.find((broker) => broker.nodeId === node.id);
  const learned = assigned[listener.name]?.[node.id];
  const missing = () =>
    routedTypes.includes(listener.type)
      ? noRoutedHost(model, listener, node)
      : notAssigned(model, listener, node);
  return {
    host:
      override?.advertisedHost ??
      defaultHost(model, listener, node, override?.host ?? learned?.host, missing),
    port: override?.advertisedPort ?? defaultPort(listener, learned?.nodePort ?? override?.nodePort, missing),
  };
}

function defaultHost(
  model: ClusterModel,
  listener: ListenerModel,
  node: NodeModel,
  serviceHost: string | undefined,
  missing: () => never,
): string {
  switch (listener.type) {
    case 'internal':
      return nodeHostName(model.name, model.namespace, node.podName);
    case 'cluster-ip':
      return `${perBrokerServiceName(model.name, node.pool, listener.name, node.id)}.${model.namespace}.svc`;
    case 'nodeport':
      // The node's address is known only in the pod: the environment variable comes from the downward API.
      return environmentReference(nodeAddressEnvVar);
    default:
      return serviceHost ?? missing();
  }
}

function defaultPort(listener: ListenerModel, nodePort: number | undefined, missing: () => never): number {
  switch (listener.type) {
    case 'nodeport':
      return nodePort ?? missing();
    case 'internal':
    case 'cluster-ip':
    case 'loadbalancer':
      return listener.port;
    default:
      return routerPort;
  }
}

// Listeners whose brokers are reached by host name through a router or ingress controller: no Route is
// made to learn a host from, so the spec must name each broker's.
const routedTypes: readonly string[] = ['ingress', 'route', 'tlsroute'];

function noRoutedHost(model: ClusterModel, listener: ListenerModel, node: NodeModel): never {
  throw new ReconcileFailure(
    'InvalidResource',
    `Kafka ${model.namespace}/${model.name}: ${listener.type} listener ${listener.name} names no host for node ` +
      `${node.id}; add { broker: ${node.id}, host: <its host> } to the listener's configuration.brokers`,
    { retryable: false },
  );
}

function notAssigned(model: ClusterModel, listener: ListenerModel, node: NodeModel): never {
  throw new ReconcileFailure(
    'ListenerAddressNotAssigned',
    `Kafka ${model.namespace}/${model.name}: listener ${listener.name} of node ${node.id} has no address yet ` +
      `(its ${listener.type} Service has none); the configuration is built again once Kubernetes assigns it.`,
    { retryable: true },
  );
}
