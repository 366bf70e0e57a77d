// The rolling step, one restart per reconcile: pods whose spec changed are replaced one at a time, in
// the order Kafka needs (restart-safety.ts). A node goes only when Kafka can lose it now and every node
// not being rolled is Ready and back in Kafka (registered, unfenced, in sync); a node whose pod is not
// Ready serves nothing and goes first without asking. After each deletion the reconcile ends: the pod's
// watch events bring the next one, which creates the pod again and waits for Kafka to take it back.
// A pod annotated strimzi.io/manual-rolling-update goes through the same steps.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { brokerRoleLabel } from '../../api/labels.ts';
import type { KubernetesObjects } from '../kubernetes/kubernetes-objects.ts';
import { kafkaWaitRetryMs, podWaitRetryMs, type WaitRequest } from './cluster-waits.ts';
import { isPodReady, nodeIdOf, runsController } from './pod-plan.ts';
import { podsNotReady } from './pod-readiness.ts';
import type { RestartGate } from './restart-gate.ts';
import { type RestartCandidate, type RestartStep, restartOrder } from './restart-safety.ts';
import { createAbsentPods } from './scale-nodes.ts';

export interface RollPodsInput {
  // Pods whose spec changed (or that a manual rolling update names), as they should be.
  roll: readonly KubernetesObject[];
  // Pods of the cluster's nodes that are missing (a restart deleted them), as they should be.
  create: readonly KubernetesObject[];
  // Every pod of the cluster's nodes as it is now.
  pods: readonly V1Pod[];
  // Opens what Kafka says about the nodes, when a question is needed; closed by the caller.
  gate: () => Promise<RestartGate>;
  signal: AbortSignal;
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

const nameOf = (object: KubernetesObject) => object.metadata?.name ?? '';

// The nodes still to roll, for every message of the step: users see how far the roll is.
function remaining(steps: readonly KubernetesObject[]): string {
  if (steps.length === 0) return 'no node left to restart';
  return `still to restart: ${steps.map((pod) => `node ${nodeIdOf(pod)} (${nameOf(pod)})`).join(', ')}`;
}

// What the roll waits for now, after doing the one thing it can; undefined once every node is rolled and back.
export async function rollPods(
  api: KubernetesObjects,
  input: RollPodsInput,
): Promise<WaitRequest | undefined> {
  const { signal } = input;
  const current = new Map(input.pods.map((pod) => [nameOf(pod), pod]));
  const toRoll = input.roll.filter((pod) => current.has(nameOf(pod)));
  const left = remaining(toRoll);
  // A pod this roll deleted: created again, and waited for.
  await createAbsentPods(api, input.create, signal);
  const starting = podsNotReady(input.pods, input.create.map(nameOf));
  if (starting) {
    return {
      reason: 'RollingUpdate',
      subject: `ready ${starting.names.join(',')}`,
      message: `Rolling update: waiting for restarted pods to be Ready (${starting.details}); ${left}`,
      retryAfterMs: podWaitRetryMs,
    };
  }
  const steps: RestartStep<V1Pod>[] = toRoll.map((desired) => {
    const pod = current.get(nameOf(desired)) as V1Pod;
    return { node: restartCandidate(desired), serving: isPodReady(pod), item: pod };
  });
  const rolling = new Set(toRoll.map(nameOf));
  const others = input.pods.filter((pod) => !rolling.has(nameOf(pod)));
  const notServing = restartOrder(steps.filter((step) => !step.serving))[0];
  if (notServing) return restart(api, notServing, `its pod is not Ready; ${left}`);
  // Asked first: a Kafka that cannot say which controller is active cannot say anything else either.
  const gate = steps.length > 0 || others.length > 0 ? await input.gate() : undefined;
  const active = steps.length > 0 ? await gate?.activeController(steps.map((step) => step.node)) : undefined;
  // Every node that is not being restarted must be serving and back in Kafka before another goes, and
  // before the roll counts as done.
  const othersNotReady = podsNotReady(others, others.map(nameOf));
  const notBack = others.length > 0 ? await gate?.notBack(others.map(restartCandidate)) : undefined;
  if (othersNotReady || notBack) {
    const waitingFor = [
      ...(othersNotReady ? [`pods to be Ready (${othersNotReady.details})`] : []),
      ...(notBack ? [`Kafka to take the nodes back (${notBack})`] : []),
    ];
    return {
      reason: notBack ? 'NodeNotBack' : 'RollingUpdate',
      subject: `others ${others.map(nameOf).join(',')}`,
      message: `Rolling update: waiting for ${waitingFor.join(' and ')} before the next restart; ${left}`,
      retryAfterMs: notBack ? kafkaWaitRetryMs : podWaitRetryMs,
    };
  }
  const next = restartOrder(steps, active)[0];
  if (!next || !gate) return undefined;
  signal.throwIfAborted();
  // Throws a retryable refusal naming the node and why; the roll waits with back-off.
  await gate.ensureSafeToRestart(next.node);
  return restart(api, next, `Kafka can lose it now; ${left}`);
}

async function restart(api: KubernetesObjects, step: RestartStep<V1Pod>, why: string): Promise<WaitRequest> {
  await api.delete(step.item);
  return {
    reason: 'RollingUpdate',
    subject: `restart ${nameOf(step.item)}`,
    message: `Rolling update: restarting node ${step.node.id} (${nameOf(step.item)}): ${why}`,
    retryAfterMs: podWaitRetryMs,
  };
}
