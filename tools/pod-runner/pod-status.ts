// The status the kubelet would report for a pod from the state of its containers: phase, the
// standard conditions (keeping each one's transition time while its value stays), addresses.
import type { V1ContainerStatus, V1Pod, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';

export interface PodStatusInputs {
  pod: V1Pod;
  hostIP: string;
  podIP: string | undefined;
  startTime: Date;
  initialized: boolean;
  initContainerStatuses: V1ContainerStatus[];
  containerStatuses: V1ContainerStatus[];
  now: Date;
}

export function podPhase(inputs: PodStatusInputs): V1PodStatus['phase'] {
  const statuses = inputs.containerStatuses;
  if (
    inputs.initContainerStatuses.some(
      (s) => (s.state?.terminated?.exitCode ?? 0) !== 0 && s.state?.terminated,
    )
  ) {
    if ((inputs.pod.spec?.restartPolicy ?? 'Always') === 'Never') return 'Failed';
  }
  if (statuses.length > 0 && statuses.every((s) => s.state?.terminated)) {
    return statuses.every((s) => s.state?.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  }
  if (inputs.initialized && statuses.some((s) => s.state?.running || s.restartCount > 0)) return 'Running';
  return 'Pending';
}

export function podStatus(inputs: PodStatusInputs): V1PodStatus {
  const { pod, now } = inputs;
  const allReady = inputs.containerStatuses.length > 0 && inputs.containerStatuses.every((s) => s.ready);
  const previous = new Map((pod.status?.conditions ?? []).map((c) => [c.type, c]));
  const condition = (type: string, value: boolean, reason?: string): V1PodCondition => {
    const status = value ? 'True' : 'False';
    const before = previous.get(type);
    const lastTransitionTime = before?.status === status ? before.lastTransitionTime : now;
    return { type, status, lastTransitionTime, ...(value || !reason ? {} : { reason }) };
  };
  const networked = inputs.podIP !== undefined;
  return {
    phase: podPhase(inputs),
    hostIP: inputs.hostIP,
    hostIPs: [{ ip: inputs.hostIP }],
    podIP: inputs.podIP,
    podIPs: inputs.podIP ? [{ ip: inputs.podIP }] : undefined,
    startTime: inputs.startTime,
    conditions: [
      condition('PodReadyToStartContainers', networked),
      condition('Initialized', inputs.initialized, 'ContainersNotInitialized'),
      condition('Ready', allReady, 'ContainersNotReady'),
      condition('ContainersReady', allReady, 'ContainersNotReady'),
      condition('PodScheduled', true),
    ],
    initContainerStatuses: inputs.initContainerStatuses.length > 0 ? inputs.initContainerStatuses : undefined,
    containerStatuses: inputs.containerStatuses,
  };
}
