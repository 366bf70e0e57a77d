// What changed between a cache and a fresh list: by resourceVersion, so an unchanged object yields nothing.
import type { KubernetesObject } from '@kubernetes/client-node';
import { objectKey } from './object-key.ts';

export interface SnapshotDiff<T> {
  added: T[];
  updated: { current: T; previous: T }[];
  deleted: T[];
}

export function diffSnapshot<T extends KubernetesObject>(
  cached: ReadonlyMap<string, T>,
  listed: readonly T[],
): SnapshotDiff<T> {
  const diff: SnapshotDiff<T> = { added: [], updated: [], deleted: [] };
  const listedKeys = new Set<string>();
  for (const current of listed) {
    const key = objectKey(current);
    listedKeys.add(key);
    const previous = cached.get(key);
    if (previous === undefined) diff.added.push(current);
    else if (previous.metadata?.resourceVersion !== current.metadata?.resourceVersion) {
      diff.updated.push({ current, previous });
    }
  }
  for (const [key, previous] of cached) {
    if (!listedKeys.has(key)) diff.deleted.push(previous);
  }
  return diff;
}
