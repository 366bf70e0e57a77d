// Applies the desired objects that differ from what exists, by server-side apply: an idle reconcile
// writes nothing, and a changed field is written by the operator as its field manager.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubernetesObjects } from '../kubernetes/kubernetes-objects.ts';
import { needsApply } from './object-diff.ts';

export function objectId(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.name}`;
}

export interface AppliedObjects {
  // The ids (Kind/name) of the objects written.
  changed: string[];
  // Every desired object as the apiserver has it now (what it assigned included, e.g. node ports).
  current: KubernetesObject[];
}

export async function applyChangedObjects(
  api: KubernetesObjects,
  desired: readonly KubernetesObject[],
  current: readonly KubernetesObject[],
  signal: AbortSignal,
): Promise<AppliedObjects> {
  const currentById = new Map(current.map((object) => [objectId(object), object]));
  const changed: string[] = [];
  const now: KubernetesObject[] = [];
  for (const object of desired) {
    const existing = currentById.get(objectId(object));
    if (existing !== undefined && !needsApply(object, existing)) {
      now.push(existing);
      continue;
    }
    signal.throwIfAborted();
    now.push(await api.apply(object));
    changed.push(objectId(object));
  }
  return { changed, current: now };
}
