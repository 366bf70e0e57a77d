// The rolling step: pods whose spec changed are replaced one at a time, in the plan's order
// (controllers first), each Ready before the next goes down.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { type KubernetesObjects, podType } from '../kubernetes/kubernetes-objects.ts';
import { needsRestart } from './pod-plan.ts';
import { waitForPodsReady } from './pod-readiness.ts';
import type { PodRoller } from './pod-roller.ts';

export interface RollPodsOptions {
  namespace: string;
  roll: readonly KubernetesObject[];
  timeoutMs: number;
  signal: AbortSignal;
}

export async function rollPods(
  api: KubernetesObjects,
  roller: PodRoller,
  options: RollPodsOptions,
): Promise<string[]> {
  const { namespace, signal, timeoutMs } = options;
  const rolled: string[] = [];
  for (const desired of options.roll) {
    signal.throwIfAborted();
    const name = desired.metadata?.name ?? '';
    // Read again: an earlier attempt may have rolled it already, or someone deleted it.
    const current = await api.get<V1Pod>(podType, namespace, name);
    if (current === undefined) {
      await api.create(desired);
      await waitForPodsReady(api, namespace, [name], { timeoutMs, signal });
    } else if (needsRestart(desired, current)) {
      await roller.roll(current, desired, signal);
    } else {
      continue;
    }
    rolled.push(name);
  }
  return rolled;
}
