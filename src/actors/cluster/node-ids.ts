// Node ids per pool, as Strimzi assigns them: ids a pool already has stay; a scale-down removes the ids
// named by strimzi.io/remove-node-ids first, else the highest; a scale-up takes ids from
// strimzi.io/next-node-ids first, else the lowest free one. Ids are unique across the pools of a cluster.
import { nextNodeIdsAnnotation, removeNodeIdsAnnotation } from '../../api/labels.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';

export interface NodeIdRequest {
  /** The pool name. */
  pool: string;
  /** The desired number of nodes (spec.replicas). */
  replicas: number;
  /** The ids the pool has now (pool status and existing pods). */
  current: number[];
  /** The strimzi.io/next-node-ids annotation, as written. */
  nextNodeIds?: string;
  /** The strimzi.io/remove-node-ids annotation, as written. */
  removeNodeIds?: string;
}

/**
 * The ids of every pool, sorted, by pool name. `retained` ids are never removed (their removal was refused)
 * so such a pool keeps more nodes than its replicas. `owner` names the resource in failure messages.
 */
export function assignNodeIds(
  requests: readonly NodeIdRequest[],
  retained: readonly number[],
  owner: string,
): Map<string, number[]> {
  const kept = new Map<string, number[]>();
  for (const request of requests) {
    kept.set(request.pool, keptIds(request, new Set(retained), owner));
  }
  // Ids being removed are not handed out again yet: their pods may still run.
  const used = new Set([...kept.values(), ...requests.map((request) => request.current)].flat());
  const assigned = new Map<string, number[]>();
  for (const request of requests) {
    const ids = [...(kept.get(request.pool) ?? [])];
    const preferred = parseNodeIdRanges(request.nextNodeIds, nextNodeIdsAnnotation, request.pool, owner);
    while (ids.length < request.replicas) {
      const id = preferred.find((candidate) => !used.has(candidate)) ?? lowestFreeId(used);
      used.add(id);
      ids.push(id);
    }
    assigned.set(
      request.pool,
      ids.sort((a, b) => a - b),
    );
  }
  return assigned;
}

function keptIds(request: NodeIdRequest, retained: Set<number>, owner: string): number[] {
  const ids = [...new Set(request.current)].sort((a, b) => a - b);
  const removable = parseNodeIdRanges(request.removeNodeIds, removeNodeIdsAnnotation, request.pool, owner);
  // Annotated ids first (in the annotation's order), then from the highest down.
  const removalOrder = [
    ...removable.filter((id) => ids.includes(id)),
    ...[...ids].reverse().filter((id) => !removable.includes(id)),
  ];
  const excess = Math.max(0, ids.length - request.replicas);
  // A refused removal keeps its node; no other node is removed in its place.
  const removed = new Set(removalOrder.slice(0, excess).filter((id) => !retained.has(id)));
  return ids.filter((id) => !removed.has(id));
}

function lowestFreeId(used: Set<number>): number {
  let id = 0;
  while (used.has(id)) id++;
  return id;
}

const rangePattern = /^(\d+)(?:\s*-\s*(\d+))?$/;

/** The ids of an annotation like `[10-20, 30]`, in the order written; ranges may run downwards. */
export function parseNodeIdRanges(
  annotation: string | undefined,
  name: string,
  pool: string,
  owner: string,
): number[] {
  if (annotation === undefined || annotation.trim() === '') return [];
  const body = annotation.trim().replace(/^\[/, '').replace(/\]$/, '');
  const ids: number[] = [];
  for (const part of body.split(',')) {
    const match = rangePattern.exec(part.trim());
    if (!match) {
      throw new ReconcileFailure(
        'InvalidResource',
        `${owner}: annotation ${name} of KafkaNodePool ${pool} is "${annotation}"; ` +
          'write node ids and ranges like [10-20, 30].',
        { retryable: false },
      );
    }
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    const step = from <= to ? 1 : -1;
    for (let id = from; id !== to + step; id += step) ids.push(id);
  }
  return ids;
}
