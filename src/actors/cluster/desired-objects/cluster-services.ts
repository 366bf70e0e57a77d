// The two services of every cluster: `<cluster>-kafka-bootstrap` (internal listeners and replication,
// brokers only, with Strimzi's discovery annotation) and the headless `<cluster>-kafka-brokers` that gives
// every node, ready or not, the DNS name its peers and certificates use.
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { discoveryLabel } from '../../../api/labels.ts';
import type { ClusterModel, ListenerModel } from '../../../machines/cluster-model.ts';
import {
  bootstrapServiceName,
  brokersServiceName,
  controlPlaneListener,
  replicationListener,
} from '../cluster-names.ts';
import { brokersSelector, clusterLabels, clusterSelector, kafkaOwnerReference } from './object-metadata.ts';
import { controlPlanePortName, listenerPortName, replicationPortName } from './port-names.ts';
import { ipFamilies, templatedServiceMetadata } from './service-template.ts';

export function buildBootstrapService(model: ClusterModel): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: bootstrapServiceName(model.name),
      namespace: model.namespace,
      ...templatedServiceMetadata(
        model.templates.bootstrapService,
        { ...clusterLabels(model), [discoveryLabel]: 'true' },
        { [discoveryLabel]: discoveryAnnotation(model.listeners) },
      ),
      ownerReferences: [kafkaOwnerReference(model)],
    },
    spec: {
      type: 'ClusterIP',
      ...ipFamilies(model.templates.bootstrapService),
      selector: brokersSelector(model),
      ports: [namedPort(replicationPortName, replicationListener.port), ...internalListenerPorts(model)],
    },
  };
}

export function buildBrokersService(model: ClusterModel): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: brokersServiceName(model.name),
      namespace: model.namespace,
      ...templatedServiceMetadata(model.templates.brokersService, clusterLabels(model)),
      ownerReferences: [kafkaOwnerReference(model)],
    },
    spec: {
      type: 'ClusterIP',
      ...ipFamilies(model.templates.brokersService),
      clusterIP: 'None',
      // Nodes must find each other before they are ready: the quorum forms through these names.
      publishNotReadyAddresses: true,
      selector: clusterSelector(model),
      ports: [
        namedPort(controlPlanePortName, controlPlaneListener.port),
        namedPort(replicationPortName, replicationListener.port),
        ...internalListenerPorts(model),
      ],
    },
  };
}

/** A TCP service port that targets the container port of the same name. */
export function namedPort(name: string, port: number, nodePort?: number): V1ServicePort {
  return {
    name,
    port,
    targetPort: name as unknown as V1ServicePort['targetPort'],
    protocol: 'TCP',
    ...(nodePort && { nodePort }),
  };
}

function internalListenerPorts(model: ClusterModel): V1ServicePort[] {
  return model.listeners
    .filter((listener) => listener.type === 'internal')
    .map((listener) => namedPort(listenerPortName(listener), listener.port));
}

// Strimzi's strimzi.io/discovery annotation: how clients may connect to each listener.
function discoveryAnnotation(listeners: ListenerModel[]): string {
  const entries = listeners.map((listener) => ({
    port: listener.port,
    tls: listener.tls,
    protocol: 'kafka',
    auth: listener.authentication?.type ?? 'none',
  }));
  return JSON.stringify(entries, null, 2);
}
