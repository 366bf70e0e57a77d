// What a step of the cluster waits for, and the bound on waiting: a wait for the same subject (a pod to
// start, a node to be back) that lasts longer than the operation timeout ends the reconcile failed, with
// what it waited for as the reason; the retry after the back-off waits afresh.
import type { ClusterStep, ClusterWait } from '../../machines/cluster-machine.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';

export interface WaitRequest {
  reason: string;
  message: string;
  subject: string;
  retryAfterMs: number;
}

// The NotReady reasons of a cluster whose steps are under way rather than failed, for tools that wait
// for a reconcile to come to an end.
export const clusterProgressReasons: ReadonlySet<string> = new Set([
  'ScalingUp',
  'RollingUpdate',
  'NodeNotBack',
  'PodsStarting',
]);

// Pods are watched: their events end a wait at once, and the requeue only covers a lost event.
export const podWaitRetryMs = 10_000;
// Kafka is not watched: a restarted broker catching up is looked at again this often.
export const kafkaWaitRetryMs = 2_000;

const timeoutReasons: Record<ClusterStep, string> = {
  scaling: 'ScalingNotFinished',
  rolling: 'RollNotFinished',
  observing: 'PodsNotReady',
};

export function continueWaiting(
  step: ClusterStep,
  request: WaitRequest,
  previous: ClusterWait | undefined,
  boundMs: number,
  now: number,
): ClusterWait {
  const since = previous?.step === step && previous.subject === request.subject ? previous.since : now;
  if (now - since > boundMs) {
    throw new ReconcileFailure(
      timeoutReasons[step],
      `${request.message}; no progress for ${Math.round((now - since) / 1000)} s, longer than the operation ` +
        `timeout of ${Math.round(boundMs / 1000)} s. It is retried.`,
    );
  }
  return { ...request, step, since };
}
