// The scaling step: pods of new nodes are created and pods of removed nodes deleted, with their claims
// marked deleteClaim: true (Kubernetes keeps a claim until no pod mounts it). Nothing is waited for
// here: the step reports the new pods that are not Ready yet, and the reconcile ends until they are.
import type { KubernetesObject, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { isNotFound, KubernetesRequestError } from '../../api/kubernetes-request.ts';
import { deleteClaimAnnotation } from '../../api/labels.ts';
import {
  type KubernetesObjects,
  persistentVolumeClaimType,
  podType,
} from '../kubernetes/kubernetes-objects.ts';

// Creates the pods that do not exist. A pod of the same name that is still terminating is left to go:
// it is created on a later reconcile, which its deletion event starts.
export async function createAbsentPods(
  api: KubernetesObjects,
  pods: readonly KubernetesObject[],
  signal: AbortSignal,
): Promise<void> {
  for (const pod of pods) {
    signal.throwIfAborted();
    try {
      await api.create(pod);
    } catch (error) {
      // Created by an earlier attempt, or still terminating: the caller reads how it is.
      if (!(error instanceof KubernetesRequestError && error.statusCode === 409)) throw error;
    }
  }
}

export async function readPods(
  api: KubernetesObjects,
  namespace: string,
  names: readonly string[],
): Promise<V1Pod[]> {
  const pods = await Promise.all(names.map((name) => api.get<V1Pod>(podType, namespace, name)));
  return pods.filter((pod) => pod !== undefined);
}

async function deleteClaimsOf(api: KubernetesObjects, namespace: string, pod: V1Pod): Promise<void> {
  for (const volume of pod.spec?.volumes ?? []) {
    const claimName = volume.persistentVolumeClaim?.claimName;
    if (!claimName) continue;
    const claim = await api.get<V1PersistentVolumeClaim>(persistentVolumeClaimType, namespace, claimName);
    if (claim?.metadata?.annotations?.[deleteClaimAnnotation] === 'true') {
      await api
        .delete({ ...claim, apiVersion: 'v1', kind: persistentVolumeClaimType.kind })
        .catch((error) => {
          if (!isNotFound(error)) throw error;
        });
    }
  }
}

export async function removeNodes(
  api: KubernetesObjects,
  namespace: string,
  pods: readonly KubernetesObject[],
  signal: AbortSignal,
): Promise<void> {
  for (const pod of pods as V1Pod[]) {
    signal.throwIfAborted();
    await api.delete(pod);
    await deleteClaimsOf(api, namespace, pod);
  }
}
