// The services of listeners exposed beyond the internal bootstrap (cluster-ip, nodeport, loadbalancer,
// and the ClusterIP services behind route and ingress listeners): a bootstrap service per listener,
// `<cluster>-kafka-<listener>-bootstrap`, and a per-broker service per broker node, with the node ports,
// load balancer addresses, labels and annotations the listener's configuration asks for, under those of
// spec.kafka.template's externalBootstrapService and perPodService (a pool's own first).
import type { V1Service, V1ServiceSpec } from '@kubernetes/client-node';
import type { ClusterModel, ListenerModel, NodeModel } from '../../../machines/cluster-model.ts';
import { listenerBootstrapServiceName, perBrokerServiceName } from '../cluster-names.ts';
import { namedPort } from './cluster-services.ts';
import {
  brokersSelector,
  clusterLabels,
  isBroker,
  kafkaOwnerReference,
  nodeSelector,
  poolLabels,
} from './object-metadata.ts';
import { listenerPortName } from './port-names.ts';
import { templatedServiceMetadata } from './service-template.ts';

interface ExposureSettings {
  externalTrafficPolicy?: string;
  loadBalancerSourceRanges?: string[];
  publishNotReadyAddresses?: boolean;
  createBootstrapService?: boolean;
  controllerClass?: string;
  allocateLoadBalancerNodePorts?: boolean;
}

/** Listeners that have services of their own (all but internal). */
export function exposedListeners(model: ClusterModel): ListenerModel[] {
  return model.listeners.filter((listener) => listener.type !== 'internal');
}

export function buildListenerBootstrapServices(model: ClusterModel): V1Service[] {
  return (
    exposedListeners(model)
      // A loadbalancer listener may do without its bootstrap service (configuration.createBootstrapService: false).
      .filter(
        (listener) =>
          !(listener.type === 'loadbalancer' && settingsOf(listener).createBootstrapService === false),
      )
      .map((listener) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: listenerBootstrapServiceName(model.name, listener.name),
          namespace: model.namespace,
          ...templatedServiceMetadata(
            model.templates.externalBootstrapService,
            { ...listener.bootstrap.labels, ...clusterLabels(model) },
            listener.bootstrap.annotations,
          ),
          ownerReferences: [kafkaOwnerReference(model)],
        },
        spec: {
          ...exposure(listener, listener.bootstrap.loadBalancerIP),
          selector: brokersSelector(model),
          ports: [namedPort(listenerPortName(listener), listener.port, listener.bootstrap.nodePort)],
        },
      }))
  );
}

export function buildPerBrokerServices(model: ClusterModel, node: NodeModel): V1Service[] {
  if (!isBroker(node)) return [];
  const template = model.pools.find((pool) => pool.name === node.pool)?.template.perPodService ?? {
    labels: {},
    annotations: {},
  };
  return exposedListeners(model).map((listener) => {
    const broker = listener.brokers.find((entry) => entry.nodeId === node.id);
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: perBrokerServiceName(model.name, node.pool, listener.name, node.id),
        namespace: model.namespace,
        ...templatedServiceMetadata(
          template,
          { ...broker?.labels, ...poolLabels(model, node.pool) },
          broker?.annotations,
        ),
        ownerReferences: [kafkaOwnerReference(model)],
      },
      spec: {
        ...exposure(listener, broker?.loadBalancerIP),
        selector: nodeSelector(model, node),
        ports: [namedPort(listenerPortName(listener), listener.port, broker?.nodePort)],
      },
    };
  });
}

function exposure(listener: ListenerModel, loadBalancerIP: string | undefined): V1ServiceSpec {
  const settings = settingsOf(listener);
  const spec: V1ServiceSpec = { type: serviceType(listener) };
  if (settings.publishNotReadyAddresses !== undefined) {
    spec.publishNotReadyAddresses = settings.publishNotReadyAddresses;
  }
  if (listener.type === 'nodeport' || listener.type === 'loadbalancer') {
    spec.externalTrafficPolicy = settings.externalTrafficPolicy ?? 'Cluster';
  }
  if (listener.type === 'loadbalancer') {
    if (loadBalancerIP) spec.loadBalancerIP = loadBalancerIP;
    if (settings.loadBalancerSourceRanges?.length)
      spec.loadBalancerSourceRanges = settings.loadBalancerSourceRanges;
    if (settings.controllerClass) spec.loadBalancerClass = settings.controllerClass;
    if (settings.allocateLoadBalancerNodePorts !== undefined) {
      spec.allocateLoadBalancerNodePorts = settings.allocateLoadBalancerNodePorts;
    }
  }
  return spec;
}

function serviceType(listener: ListenerModel): string {
  if (listener.type === 'nodeport') return 'NodePort';
  if (listener.type === 'loadbalancer') return 'LoadBalancer';
  return 'ClusterIP';
}

function settingsOf(listener: ListenerModel): ExposureSettings {
  return listener.configuration as ExposureSettings;
}
