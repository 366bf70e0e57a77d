// Deletes the objects of a cluster that are no longer desired: a removed listener's services, a
// removed node's ConfigMap and certificates. PersistentVolumeClaims hold data: one goes only when its
// volume said deleteClaim: true (Strimzi's strimzi.io/delete-claim annotation) and no pod mounts it.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { deleteClaimAnnotation } from '../../api/labels.ts';
import {
  type KubernetesObjects,
  persistentVolumeClaimType,
  podType,
} from '../kubernetes/kubernetes-objects.ts';
import { objectId } from './apply-objects.ts';

function isOwnedBy(object: KubernetesObject, ownerUid: string): boolean {
  return object.metadata?.ownerReferences?.some((reference) => reference.uid === ownerUid) ?? false;
}

function mountedClaims(pods: readonly V1Pod[]): Set<string> {
  return new Set(
    pods.flatMap((pod) =>
      (pod.spec?.volumes ?? []).flatMap((volume) =>
        volume.persistentVolumeClaim ? [volume.persistentVolumeClaim.claimName] : [],
      ),
    ),
  );
}

export interface PruneScope {
  // The Kafka's uid: only what it owns is pruned (claims it need not own: deleteClaim false ones are not).
  ownerUid: string;
  // Objects kept though no builder desires them (the CA Secrets the certificates module keeps).
  keep: ReadonlySet<string>;
}

// Which of `current` to delete. Pods are not pruned here: removing a node is the scaling step's.
export function undesiredObjects(
  desired: readonly KubernetesObject[],
  current: readonly KubernetesObject[],
  scope: PruneScope,
): KubernetesObject[] {
  const wanted = new Set([...desired.map(objectId), ...scope.keep]);
  const pods = current.filter((object) => object.kind === podType.kind) as V1Pod[];
  const mounted = mountedClaims(pods);
  return current.filter((object) => {
    if (object.kind === podType.kind || wanted.has(objectId(object))) return false;
    if (object.kind === persistentVolumeClaimType.kind) {
      return (
        object.metadata?.annotations?.[deleteClaimAnnotation] === 'true' &&
        !mounted.has(object.metadata?.name ?? '')
      );
    }
    return isOwnedBy(object, scope.ownerUid);
  });
}

// Returns the ids (Kind/name) of the objects it deleted.
export async function pruneObjects(
  api: KubernetesObjects,
  desired: readonly KubernetesObject[],
  current: readonly KubernetesObject[],
  scope: PruneScope,
  signal: AbortSignal,
): Promise<string[]> {
  const pruned: string[] = [];
  for (const object of undesiredObjects(desired, current, scope)) {
    signal.throwIfAborted();
    if (await api.delete(object)) pruned.push(objectId(object));
  }
  return pruned;
}
