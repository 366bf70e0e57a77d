// The rolling step: pods whose spec changed are replaced one at a time, in the order Kafka needs
// (restart-safety.ts), each only when Kafka can lose its node now and the next only once Kafka says
// the restarted node is back. A node whose pod is not Ready serves nothing and goes without asking.
// A manual rolling update (on the pod, or on its pool) goes through the same steps.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { brokerRoleLabel } from '../../api/labels.ts';
import { type KubernetesObjects, podType } from '../kubernetes/kubernetes-objects.ts';
import { isPodReady, needsRestart, nodeIdOf, poolOf, runsController } from './pod-plan.ts';
import { waitForPodsReady } from './pod-readiness.ts';
import type { PodRoller } from './pod-roller.ts';
import type { RestartGate } from './restart-gate.ts';
import { type RestartCandidate, type RestartStep, restartOrder } from './restart-safety.ts';

export interface RollPodsOptions {
  namespace: string;
  roll: readonly KubernetesObject[];
  // KafkaNodePools annotated strimzi.io/manual-rolling-update: each of their pods restarts.
  manualPools?: ReadonlySet<string>;
  gate: RestartGate;
  timeoutMs: number;
  signal: AbortSignal;
}

interface PodToRoll {
  desired: KubernetesObject;
  // Undefined when the pod is gone (someone deleted it): it is created, nothing is restarted.
  current?: V1Pod;
}

function restartCandidate(pod: KubernetesObject): RestartCandidate {
  return {
    id: nodeIdOf(pod),
    roles: [
      ...(runsController(pod) ? (['controller'] as const) : []),
      ...(pod.metadata?.labels?.[brokerRoleLabel] === 'true' ? (['broker'] as const) : []),
    ],
  };
}

export async function rollPods(
  api: KubernetesObjects,
  roller: PodRoller,
  options: RollPodsOptions,
): Promise<string[]> {
  const { namespace, signal, timeoutMs, gate, manualPools = new Set() } = options;
  // Read again: an earlier attempt may have rolled some already, or someone deleted one.
  const pods: PodToRoll[] = await Promise.all(
    options.roll.map(async (desired) => ({
      desired,
      current: await api.get<V1Pod>(podType, namespace, desired.metadata?.name ?? ''),
    })),
  );
  const steps: RestartStep<PodToRoll>[] = pods
    .filter(
      ({ desired, current }) =>
        current === undefined || manualPools.has(poolOf(desired)) || needsRestart(desired, current),
    )
    .map((item) => ({
      node: restartCandidate(item.desired),
      serving: item.current !== undefined && isPodReady(item.current),
      item,
    }));
  const serving = steps.filter((step) => step.serving).map((step) => step.node);
  const active = serving.length > 0 ? await gate.activeController(serving) : undefined;
  const rolled: string[] = [];
  for (const { node, serving, item } of restartOrder(steps, active)) {
    signal.throwIfAborted();
    const name = item.desired.metadata?.name ?? '';
    if (item.current === undefined) {
      await api.create(item.desired);
      await waitForPodsReady(api, namespace, [name], { timeoutMs, signal });
    } else {
      if (serving) await gate.ensureSafeToRestart(node);
      await roller.roll(item.current, item.desired, signal);
    }
    await gate.waitUntilBack(node, { timeoutMs, signal });
    rolled.push(name);
  }
  return rolled;
}
