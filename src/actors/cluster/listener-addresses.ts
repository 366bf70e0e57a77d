// Where clients reach each listener, for status.listeners: the bootstrap service inside Kubernetes;
// for nodeport the addresses of the nodes the broker pods run on (or a broker's advertisedHost) with
// the bootstrap node port; for loadbalancer the load balancer's address.
import type { V1Node, V1Pod, V1Service } from '@kubernetes/client-node';
import type { ListenerStatus } from '../../machines/cluster-machine.ts';
import type { ClusterModel, ListenerModel } from '../../machines/cluster-model.ts';
import { bootstrapServiceName, listenerBootstrapServiceName } from './cluster-names.ts';
import type { NodePortAddresses } from './node-certificates.ts';

export interface ObservedCluster {
  pods: readonly V1Pod[];
  nodes: readonly V1Node[];
  services: readonly V1Service[];
}

interface Address {
  host: string;
  port: number;
}

// Strimzi's preference among a Kubernetes node's addresses.
const nodeAddressPreference = ['ExternalDNS', 'ExternalIP', 'InternalDNS', 'InternalIP'];

export function nodeAddress(node: V1Node | undefined): string | undefined {
  const addresses = node?.status?.addresses ?? [];
  for (const type of nodeAddressPreference) {
    const found = addresses.find((address) => address.type === type);
    if (found) return found.address;
  }
  return undefined;
}

function nodeOfPod(observed: Omit<ObservedCluster, 'services'>, podName: string): V1Node | undefined {
  const pod = observed.pods.find((candidate) => candidate.metadata?.name === podName);
  return observed.nodes.find((candidate) => candidate.metadata?.name === pod?.spec?.nodeName);
}

function kubernetesNodeAddresses(node: V1Node | undefined): string[] {
  return (node?.status?.addresses ?? [])
    .filter((address) => nodeAddressPreference.includes(address.type))
    .map((address) => address.address);
}

/**
 * The Kubernetes nodes' addresses for the certificates of brokers behind a TLS nodeport listener without
 * an advertisedHost for them: a broker is reached by every address of the node its pod runs on. That is
 * known once the pod is scheduled, so a broker's first certificate lacks it and the next reconcile issues
 * one (a roll) naming every node's addresses, which then holds wherever the pod runs next.
 */
export function nodePortCertificateAddresses(
  model: ClusterModel,
  observed: Omit<ObservedCluster, 'services'>,
): NodePortAddresses {
  const byBroker = new Map<number, string[]>();
  const listeners = model.listeners.filter((listener) => listener.type === 'nodeport' && listener.tls);
  for (const node of model.nodes.filter((candidate) => candidate.roles.includes('broker'))) {
    const advertisedEverywhere = listeners.every((listener) =>
      listener.brokers.some((broker) => broker.nodeId === node.id && broker.advertisedHost !== undefined),
    );
    if (advertisedEverywhere) continue;
    const ownNode = kubernetesNodeAddresses(nodeOfPod(observed, node.podName));
    if (ownNode.length > 0) byBroker.set(node.id, ownNode);
  }
  return { byBroker, everyNode: [...new Set(observed.nodes.flatMap(kubernetesNodeAddresses))] };
}

function serviceHost(model: ClusterModel, service: string): string {
  return `${service}.${model.namespace}.svc`;
}

function serviceNamed(observed: ObservedCluster, name: string): V1Service | undefined {
  return observed.services.find((service) => service.metadata?.name === name);
}

function nodePortAddresses(
  model: ClusterModel,
  listener: ListenerModel,
  observed: ObservedCluster,
): Address[] {
  const service = serviceNamed(observed, listenerBootstrapServiceName(model.name, listener.name));
  const port = service?.spec?.ports?.[0]?.nodePort ?? listener.bootstrap.nodePort;
  if (port === undefined) return [];
  return model.nodes
    .filter((node) => node.roles.includes('broker'))
    .flatMap((node) => {
      const advertised = listener.brokers.find((broker) => broker.nodeId === node.id)?.advertisedHost;
      const host = advertised ?? nodeAddress(nodeOfPod(observed, node.podName));
      return host ? [{ host, port }] : [];
    });
}

function loadBalancerAddresses(
  model: ClusterModel,
  listener: ListenerModel,
  observed: ObservedCluster,
): Address[] {
  const service = serviceNamed(observed, listenerBootstrapServiceName(model.name, listener.name));
  return (service?.status?.loadBalancer?.ingress ?? []).flatMap((ingress) => {
    const host = ingress.hostname ?? ingress.ip;
    return host ? [{ host, port: listener.port }] : [];
  });
}

function addressesOf(model: ClusterModel, listener: ListenerModel, observed: ObservedCluster): Address[] {
  switch (listener.type) {
    case 'internal':
      return [{ host: serviceHost(model, bootstrapServiceName(model.name)), port: listener.port }];
    case 'cluster-ip':
      return [
        {
          host: serviceHost(model, listenerBootstrapServiceName(model.name, listener.name)),
          port: listener.port,
        },
      ];
    case 'nodeport':
      return nodePortAddresses(model, listener, observed);
    case 'loadbalancer':
      return loadBalancerAddresses(model, listener, observed);
    default:
      return listener.bootstrap.host ? [{ host: listener.bootstrap.host, port: 443 }] : [];
  }
}

function distinct(addresses: Address[]): Address[] {
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = `${address.host}:${address.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function listenerStatuses(
  model: ClusterModel,
  observed: ObservedCluster,
  clusterCaCertificate: string,
): ListenerStatus[] {
  return model.listeners.map((listener) => {
    const addresses = distinct(addressesOf(model, listener, observed));
    return {
      name: listener.name,
      addresses,
      bootstrapServers: addresses.map((address) => `${address.host}:${address.port}`).join(','),
      ...(listener.tls ? { certificates: [clusterCaCertificate] } : {}),
    };
  });
}
