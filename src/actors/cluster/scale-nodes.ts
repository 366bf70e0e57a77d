// The scaling step: pods of new nodes are created and waited for, pods of removed nodes deleted, and
// their claims with deleteClaim: true deleted once no pod mounts them.
import type { KubernetesObject, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { isNotFound, KubernetesRequestError } from '../../api/kubernetes-request.ts';
import { deleteClaimAnnotation } from '../../api/labels.ts';
import {
  type KubernetesObjects,
  persistentVolumeClaimType,
  podType,
} from '../kubernetes/kubernetes-objects.ts';
import { waitForPodGone, waitForPodsReady } from './pod-readiness.ts';

export interface ScaleNodesOptions {
  namespace: string;
  create: readonly KubernetesObject[];
  remove: readonly KubernetesObject[];
  timeoutMs: number;
  signal: AbortSignal;
}

// A pod of that name may exist: created by an earlier attempt (the readiness wait covers it), or
// still terminating (then it is waited for and created anew).
async function createIfAbsent(api: KubernetesObjects, pod: KubernetesObject, options: ScaleNodesOptions) {
  const name = pod.metadata?.name ?? '';
  try {
    await api.create(pod);
  } catch (error) {
    if (!(error instanceof KubernetesRequestError && error.statusCode === 409)) throw error;
    const existing = await api.get<V1Pod>(podType, options.namespace, name);
    if (!existing?.metadata?.deletionTimestamp) return;
    await waitForPodGone(api, options.namespace, name, existing.metadata.uid, options);
    await api.create(pod);
  }
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

export async function scaleNodes(api: KubernetesObjects, options: ScaleNodesOptions): Promise<void> {
  const { namespace, signal, timeoutMs } = options;
  for (const pod of options.create) {
    signal.throwIfAborted();
    await createIfAbsent(api, pod, options);
  }
  const created = options.create.map((pod) => pod.metadata?.name ?? '');
  await waitForPodsReady(api, namespace, created, { timeoutMs, signal });
  for (const pod of options.remove as V1Pod[]) {
    signal.throwIfAborted();
    await api.delete(pod);
    await waitForPodGone(api, namespace, pod.metadata?.name ?? '', pod.metadata?.uid, { timeoutMs, signal });
    await deleteClaimsOf(api, namespace, pod);
  }
}
