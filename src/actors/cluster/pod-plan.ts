// Which pods a reconcile creates, removes and replaces: pods are managed directly, as Strimzi's pod
// sets do, and most of a pod's spec cannot change in place, so a changed pod is recreated (rolled).
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import {
  configurationHashAnnotation,
  controllerRoleLabel,
  manualRollingUpdateAnnotation,
  poolNameLabel,
  revisionAnnotation,
} from '../../api/labels.ts';

// The annotations that change exactly when the running pod no longer matches what is wanted.
const restartAnnotations = [revisionAnnotation, configurationHashAnnotation];

export interface PodChanges {
  create: KubernetesObject[];
  remove: KubernetesObject[];
  roll: KubernetesObject[];
}

const nameOf = (object: KubernetesObject) => object.metadata?.name ?? '';

export function nodeIdOf(pod: KubernetesObject): number {
  return Number(/-(\d+)$/.exec(nameOf(pod))?.[1] ?? Number.NaN);
}

export function poolOf(pod: KubernetesObject): string {
  return pod.metadata?.labels?.[poolNameLabel] ?? '';
}

export function isManualRollRequested(object: KubernetesObject | undefined): boolean {
  return object?.metadata?.annotations?.[manualRollingUpdateAnnotation] === 'true';
}

export function runsController(pod: KubernetesObject): boolean {
  return pod.metadata?.labels?.[controllerRoleLabel] === 'true';
}

// A pod that ran to an end (evicted, crashed with restartPolicy Never) never comes back by itself.
function hasFinished(pod: V1Pod): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

// The pod recreated from `desired` carries no manual-rolling-update annotation: it restarts once.
export function needsRestart(desired: KubernetesObject, current: V1Pod): boolean {
  return (
    hasFinished(current) ||
    isManualRollRequested(current) ||
    restartAnnotations.some(
      (key) =>
        desired.metadata?.annotations?.[key] !== undefined &&
        desired.metadata.annotations[key] !== current.metadata?.annotations?.[key],
    )
  );
}

// Controllers first (dual-role nodes count as controllers): the quorum moves on before the brokers
// that depend on it; then by node id, so the order is the same on every run.
export function rollOrder<T extends KubernetesObject>(pods: T[]): T[] {
  return [...pods].sort(
    (a, b) => Number(runsController(b)) - Number(runsController(a)) || nodeIdOf(a) - nodeIdOf(b),
  );
}

// A pod being deleted counts as absent: it is created again once it is gone. A pod named in
// `restartToResize` is rolled whatever its spec: a volume of its grows its filesystem only on a restart.
export function planPods(
  desired: KubernetesObject[],
  current: V1Pod[],
  restartToResize: ReadonlySet<string> = new Set(),
): PodChanges {
  const live = current.filter((pod) => !pod.metadata?.deletionTimestamp);
  const currentByName = new Map(live.map((pod) => [nameOf(pod), pod]));
  const desiredNames = new Set(desired.map(nameOf));
  const create = desired.filter((pod) => !currentByName.has(nameOf(pod)));
  const roll = desired.filter((pod) => {
    const existing = currentByName.get(nameOf(pod));
    return existing !== undefined && (restartToResize.has(nameOf(pod)) || needsRestart(pod, existing));
  });
  const remove = live.filter((pod) => !desiredNames.has(nameOf(pod)));
  return { create: rollOrder(create), remove: rollOrder(remove), roll: rollOrder(roll) };
}

export function isPodReady(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false)
  );
}
