import type { KubernetesObject } from '@kubernetes/client-node';

// Of resources claiming one thing in Kafka (a topic, a principal), the one created first holds it.
// Creation times count whole seconds: of two created in the same second, the one that already holds
// it keeps it, so that a newcomer never takes it over; then namespace and name decide.
function claimOrder(resource: KubernetesObject, holdsIt: boolean): Array<number | string> {
  return [
    new Date(resource.metadata?.creationTimestamp ?? 0).getTime(),
    holdsIt ? 0 : 1,
    resource.metadata?.namespace ?? '',
    resource.metadata?.name ?? '',
  ];
}

// The first claimant of `claimants` (non-empty) by claimOrder; `holds` says which already holds it.
export function firstClaimant<T extends KubernetesObject>(
  claimants: readonly [T, ...T[]],
  holds: (resource: T) => boolean,
): T {
  const ordered = claimants.map((resource) => ({ resource, order: claimOrder(resource, holds(resource)) }));
  return ordered.reduce((first, candidate) => {
    const differing = candidate.order.findIndex((value, index) => value !== first.order[index]);
    return differing >= 0 && (candidate.order[differing] ?? 0) < (first.order[differing] ?? 0)
      ? candidate
      : first;
  }).resource;
}
