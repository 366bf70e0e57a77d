// The cluster's PodDisruptionBudget `<cluster>-kafka`: at most template.podDisruptionBudget.maxUnavailable
// nodes (default one) voluntarily disrupted at a time. The pods have no controller with a scale
// subresource, so Kubernetes only honours minAvailable: Strimzi writes it as (number of nodes -
// maxUnavailable), and so does this.
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { ClusterModel } from '../../../machines/cluster-model.ts';
import {
  clusterLabels,
  clusterSelector,
  kafkaComponentName,
  kafkaOwnerReference,
} from './object-metadata.ts';

export function buildPodDisruptionBudget(model: ClusterModel): V1PodDisruptionBudget {
  const template = model.templates.podDisruptionBudget;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: kafkaComponentName(model.name),
      namespace: model.namespace,
      labels: { ...template.labels, ...clusterLabels(model) },
      ...(Object.keys(template.annotations).length > 0 && { annotations: template.annotations }),
      ownerReferences: [kafkaOwnerReference(model)],
    },
    spec: {
      minAvailable: Math.max(0, model.nodes.length - template.maxUnavailable),
      selector: { matchLabels: clusterSelector(model) },
    },
  };
}
