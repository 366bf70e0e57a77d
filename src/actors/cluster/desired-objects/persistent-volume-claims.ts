// The PersistentVolumeClaims of a node's persistent-claim volumes, as Strimzi makes them: named
// `data-<pod>` (or `data-<id>-<pod>` in JBOD), annotated strimzi.io/delete-claim so that a later
// reconcile knows whether to delete them with their node, and owned by the Kafka only when deleteClaim
// is true, so that deleting the Kafka keeps the data of the others; with the labels and annotations of
// template.persistentVolumeClaim under the operator's own.
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { deleteClaimAnnotation } from '../../../api/labels.ts';
import type { ClusterModel, NodeModel, PoolModel } from '../../../machines/cluster-model.ts';
import { dataVolumes, persistentVolumeClaimName } from '../broker-config/broker-paths.ts';
import { kafkaOwnerReference, nodeLabels } from './object-metadata.ts';

export function buildNodeClaims(
  model: ClusterModel,
  node: NodeModel,
  pool: PoolModel,
): V1PersistentVolumeClaim[] {
  return dataVolumes(pool.storage).flatMap((data) => {
    const volume = data.volume;
    if (volume.type !== 'persistent-claim') return [];
    return [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: persistentVolumeClaimName(data, node.podName),
          namespace: model.namespace,
          labels: { ...pool.template.persistentVolumeClaim.labels, ...nodeLabels(model, node) },
          annotations: {
            ...pool.template.persistentVolumeClaim.annotations,
            [deleteClaimAnnotation]: String(volume.deleteClaim),
          },
          ...(volume.deleteClaim && { ownerReferences: [kafkaOwnerReference(model)] }),
        },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: volume.size } },
          volumeMode: 'Filesystem',
          ...(volume.class !== undefined && { storageClassName: volume.class }),
          ...(volume.selector &&
            Object.keys(volume.selector).length > 0 && {
              selector: { matchLabels: volume.selector },
            }),
        },
      },
    ];
  });
}
