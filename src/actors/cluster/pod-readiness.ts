// Waits for pods to become Ready or to be gone, polling the apiserver: level-triggered like the rest
// of a reconcile, and bounded by the operation timeout, after which the reconcile fails with a reason.
import type { V1Pod } from '@kubernetes/client-node';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { type KubernetesObjects, podType } from '../kubernetes/kubernetes-objects.ts';
import { isPodReady } from './pod-plan.ts';

export interface PodWaitOptions {
  timeoutMs: number;
  pollMs?: number;
  signal: AbortSignal;
}

function why(pod: V1Pod | undefined): string {
  if (!pod) return 'it does not exist';
  const conditions = (pod.status?.conditions ?? [])
    .filter((c) => c.status !== 'True')
    .map(
      (c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`,
    );
  return `phase ${pod.status?.phase ?? 'unknown'}${conditions.length > 0 ? `, ${conditions.join(', ')}` : ''}`;
}

// Polls `probe` until it holds; `onTimeout` says why it did not within the timeout.
export async function pollUntil(
  probe: () => Promise<boolean>,
  options: PodWaitOptions,
  onTimeout: () => Promise<ReconcileFailure>,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.signal.throwIfAborted();
    if (await probe()) return;
    if (Date.now() >= deadline) throw await onTimeout();
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

export async function waitForPodsReady(
  api: KubernetesObjects,
  namespace: string,
  names: readonly string[],
  options: PodWaitOptions,
): Promise<void> {
  let waiting = [...names];
  await pollUntil(
    async () => {
      const pods = await Promise.all(waiting.map((name) => api.get<V1Pod>(podType, namespace, name)));
      const missing = waiting.filter((_, index) => pods[index] === undefined);
      // Deleted by someone meanwhile: waiting is pointless, the next reconcile creates it again.
      if (missing.length > 0) {
        throw new ReconcileFailure(
          'PodNotFound',
          `Pods ${missing.join(', ')} in namespace ${namespace} were deleted while the operator waited for them ` +
            'to become Ready; the next reconcile creates them again',
        );
      }
      waiting = waiting.filter((_, index) => !isPodReady(pods[index] as V1Pod));
      return waiting.length === 0;
    },
    options,
    async () => {
      const details = await Promise.all(
        waiting.map(async (name) => `${name}: ${why(await api.get<V1Pod>(podType, namespace, name))}`),
      );
      return new ReconcileFailure(
        'PodNotReady',
        `Pods in namespace ${namespace} did not become Ready within ${Math.round(options.timeoutMs / 1000)} s: ` +
          `${details.join('; ')}; check kubectl describe pod and the pod logs`,
      );
    },
  );
}

// Waits until the pod `uid` is gone (a pod of the same name but another uid is a new one).
export async function waitForPodGone(
  api: KubernetesObjects,
  namespace: string,
  name: string,
  uid: string | undefined,
  options: PodWaitOptions,
): Promise<void> {
  await pollUntil(
    async () => {
      const pod = await api.get<V1Pod>(podType, namespace, name);
      return pod === undefined || pod.metadata?.uid !== uid;
    },
    options,
    async () =>
      new ReconcileFailure(
        'PodNotDeleted',
        `Pod ${namespace}/${name} was not deleted within ${Math.round(options.timeoutMs / 1000)} s; ` +
          'check its finalizers and the node it runs on',
      ),
  );
}
