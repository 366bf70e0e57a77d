// What every resource machine shares with the runtime: the RECONCILE event that carries the
// resource as it is now, the tag of the states a reconcile ends in, and the annotations that
// steer a machine.
import type { KubernetesObject } from '@kubernetes/client-node';

export interface ReconcileEvent<R extends KubernetesObject> {
  type: 'RECONCILE';
  resource: R;
}

// A reconcile is over when the actor reaches a state with this tag.
export const settledTag = 'settled';

export const pauseAnnotation = 'strimzi.io/pause-reconciliation';

export function isBeingDeleted(resource: KubernetesObject): boolean {
  return Boolean(resource.metadata?.deletionTimestamp);
}

export function isPaused(resource: KubernetesObject): boolean {
  return resource.metadata?.annotations?.[pauseAnnotation] === 'true';
}
