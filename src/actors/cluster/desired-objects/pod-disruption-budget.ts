// The cluster's PodDisruptionBudget `<cluster>-kafka`: at most one node voluntarily disrupted at a time.
// The pods have no controller with a scale subresource, so Kubernetes only honours minAvailable:
// Strimzi writes it as (number of nodes - 1), and so does this.
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { ClusterModel } from '../../../machines/cluster-model.ts';
import {
  clusterLabels,
  clusterSelector,
  kafkaComponentName,
  kafkaOwnerReference,
} from './object-metadata.ts';

const maxUnavailable = 1;

export function buildPodDisruptionBudget(model: ClusterModel): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: kafkaComponentName(model.name),
      namespace: model.namespace,
      labels: clusterLabels(model),
      ownerReferences: [kafkaOwnerReference(model)],
    },
    spec: {
      minAvailable: Math.max(0, model.nodes.length - maxUnavailable),
      selector: { matchLabels: clusterSelector(model) },
    },
  };
}
