// The ServiceAccount the Kafka pods run as, named as Strimzi names it: `<cluster>-kafka`.
import type { V1ServiceAccount } from '@kubernetes/client-node';
import type { ClusterModel } from '../../../machines/cluster-model.ts';
import { clusterLabels, kafkaComponentName, kafkaOwnerReference } from './object-metadata.ts';

export function serviceAccountName(model: ClusterModel): string {
  return kafkaComponentName(model.name);
}

export function buildServiceAccount(model: ClusterModel): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: serviceAccountName(model),
      namespace: model.namespace,
      labels: clusterLabels(model),
      ownerReferences: [kafkaOwnerReference(model)],
    },
  };
}
