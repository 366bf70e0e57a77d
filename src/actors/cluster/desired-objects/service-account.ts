// The ServiceAccount the Kafka pods run as, named as Strimzi names it: `<cluster>-kafka`, with the labels
// and annotations of spec.kafka.template.serviceAccount.
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
      labels: { ...model.templates.serviceAccount.labels, ...clusterLabels(model) },
      ...(Object.keys(model.templates.serviceAccount.annotations).length > 0 && {
        annotations: model.templates.serviceAccount.annotations,
      }),
      ownerReferences: [kafkaOwnerReference(model)],
    },
  };
}
