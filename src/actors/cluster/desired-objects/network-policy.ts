// The NetworkPolicy `<cluster>-network-policy-kafka`: the controller and replication ports open to the
// cluster's own nodes and to the operator (and replication to the entity operator, as Strimzi allows),
// every user listener open to its networkPolicyPeers, or to everyone when it names none, and the metrics
// port, when metrics are on, to everyone (Prometheus runs where the user runs it).
import type {
  V1NetworkPolicy,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
} from '@kubernetes/client-node';
import { nameLabel } from '../../../api/labels.ts';
import type { ClusterModel } from '../../../machines/cluster-model.ts';
import { metricsPort } from '../broker-config/broker-paths.ts';
import { controlPlaneListener, replicationListener } from '../cluster-names.ts';
import { clusterLabels, clusterSelector, kafkaOwnerReference } from './object-metadata.ts';

/** Where the operator's pods run, so that the policy lets them reach the controller and replication ports. */
export interface OperatorPeer {
  namespace: string;
  /** Labels of the operator's pods. */
  podLabels: Record<string, string>;
}

export function networkPolicyName(cluster: string): string {
  return `${cluster}-network-policy-kafka`;
}

export function buildNetworkPolicy(model: ClusterModel, operator: OperatorPeer): V1NetworkPolicy {
  const clusterPeer: V1NetworkPolicyPeer = { podSelector: { matchLabels: clusterSelector(model) } };
  const operatorPeer: V1NetworkPolicyPeer = {
    podSelector: { matchLabels: operator.podLabels },
    // Without a namespace selector a peer means the policy's own namespace.
    ...(operator.namespace !== model.namespace && {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': operator.namespace } },
    }),
  };
  const entityOperatorPeer: V1NetworkPolicyPeer = {
    podSelector: { matchLabels: { [nameLabel]: `${model.name}-entity-operator` } },
  };
  const rules: V1NetworkPolicyIngressRule[] = [
    ingressRule(controlPlaneListener.port, [clusterPeer, operatorPeer]),
    ingressRule(replicationListener.port, [clusterPeer, operatorPeer, entityOperatorPeer]),
    ...model.listeners.map((listener) =>
      ingressRule(listener.port, listener.networkPolicyPeers as V1NetworkPolicyPeer[] | undefined),
    ),
    ...(model.metrics ? [ingressRule(metricsPort, undefined)] : []),
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: networkPolicyName(model.name),
      namespace: model.namespace,
      labels: clusterLabels(model),
      ownerReferences: [kafkaOwnerReference(model)],
    },
    spec: {
      podSelector: { matchLabels: clusterSelector(model) },
      policyTypes: ['Ingress'],
      ingress: rules,
    },
  };
}

// A rule without peers (from omitted) admits everyone, as Strimzi leaves listeners without networkPolicyPeers.
// `from` is the wire name (client-node's type says _from): the objects are sent as plain JSON.
function ingressRule(port: number, peers: V1NetworkPolicyPeer[] | undefined): V1NetworkPolicyIngressRule {
  return { ports: [{ port, protocol: 'TCP' }], ...(peers && peers.length > 0 && { from: peers }) };
}
