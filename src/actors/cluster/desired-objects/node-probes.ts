// The kafka container's probes, with the timings of spec.kafka.livenessProbe/readinessProbe: a broker is
// ready when its own state says RUNNING (asked of the agent in its JVM), a controller-only node when its
// control plane port accepts connections; liveness is a TCP check on the node's own port (replication on
// brokers, control plane on controllers); a startup probe holds liveness back while a slow JVM starts, so
// a busy machine does not restart a node before it has started.
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import type { NodeModel, ProbeModel } from '../../../machines/cluster-model.ts';
import { controlPlaneListener, replicationListener } from '../cluster-names.ts';
import { brokerReadinessProbe } from './broker-agent.ts';
import { isBroker } from './object-metadata.ts';

// The startup probe checks often, so readiness starts soon after the port opens, and allows at least 5 minutes.
const startupPeriodSeconds = 5;
const startupAllowanceSeconds = 300;

export function nodeProbes(
  node: NodeModel,
  probes: { liveness: ProbeModel; readiness: ProbeModel },
): Pick<V1Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
  const port = isBroker(node) ? replicationListener.port : controlPlaneListener.port;
  const tcp = (timings: ProbeModel): V1Probe => ({ tcpSocket: { port }, ...probeTimings(timings) });
  return {
    startupProbe: tcp(startupTimings(probes.liveness)),
    readinessProbe: isBroker(node)
      ? brokerReadinessProbe(probeTimings(probes.readiness))
      : tcp(probes.readiness),
    livenessProbe: tcp(probes.liveness),
  };
}

function probeTimings(timings: ProbeModel): V1Probe {
  return {
    // The apiserver drops a zero initialDelaySeconds; leaving it out keeps an idle reconcile from re-applying.
    ...(timings.initialDelaySeconds > 0 ? { initialDelaySeconds: timings.initialDelaySeconds } : {}),
    timeoutSeconds: timings.timeoutSeconds,
    periodSeconds: timings.periodSeconds,
    successThreshold: timings.successThreshold,
    failureThreshold: timings.failureThreshold,
  };
}

// Never shorter than what the liveness probe alone would allow a start, so a user's longer delay still holds.
function startupTimings(liveness: ProbeModel): ProbeModel {
  const livenessAllowance = liveness.initialDelaySeconds + liveness.failureThreshold * liveness.periodSeconds;
  const allowance = Math.max(startupAllowanceSeconds, livenessAllowance);
  return {
    initialDelaySeconds: 0,
    timeoutSeconds: liveness.timeoutSeconds,
    periodSeconds: startupPeriodSeconds,
    successThreshold: 1,
    failureThreshold: Math.ceil(allowance / startupPeriodSeconds),
  };
}
