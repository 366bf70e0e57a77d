// Which of a cluster's pods are not Ready yet, and why, from the pods as read: the steps that wait for
// them end their reconcile and are woken by the pods' watch events.
import type { V1Pod } from '@kubernetes/client-node';
import { isPodReady } from './pod-plan.ts';

function why(pod: V1Pod | undefined): string {
  if (!pod) return 'it does not exist';
  if (pod.metadata?.deletionTimestamp) return 'it is being deleted';
  const conditions = (pod.status?.conditions ?? [])
    .filter((c) => c.status !== 'True')
    .map(
      (c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`,
    );
  return `phase ${pod.status?.phase ?? 'unknown'}${conditions.length > 0 ? `, ${conditions.join(', ')}` : ''}`;
}

export interface PodsNotReady {
  names: string[];
  // Each pod and why it is not Ready: its phase and failing conditions, or that it is missing.
  details: string;
}

// The pods named that are not Ready in `pods`, or undefined when all are.
export function podsNotReady(pods: readonly V1Pod[], names: readonly string[]): PodsNotReady | undefined {
  const byName = new Map(pods.map((pod) => [pod.metadata?.name ?? '', pod]));
  const waiting = names.filter((name) => {
    const pod = byName.get(name);
    return pod === undefined || !isPodReady(pod);
  });
  if (waiting.length === 0) return undefined;
  return { names: waiting, details: waiting.map((name) => `${name}: ${why(byName.get(name))}`).join('; ') };
}
