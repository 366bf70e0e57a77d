// Applies the desired objects that differ from what exists, by server-side apply: an idle reconcile
// writes nothing, and a changed field is written by the operator as its field manager.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubernetesObjects } from '../kubernetes/kubernetes-objects.ts';
import { needsApply } from './object-diff.ts';

export function objectId(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.name}`;
}

// Returns the ids (Kind/name) of the objects it applied.
export async function applyChangedObjects(
  api: KubernetesObjects,
  desired: readonly KubernetesObject[],
  current: readonly KubernetesObject[],
  signal: AbortSignal,
): Promise<string[]> {
  const currentById = new Map(current.map((object) => [objectId(object), object]));
  const changed = desired.filter((object) => needsApply(object, currentById.get(objectId(object))));
  for (const object of changed) {
    signal.throwIfAborted();
    await api.apply(object);
  }
  return changed.map(objectId);
}
