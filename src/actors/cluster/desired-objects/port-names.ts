// Strimzi's port names in pods and services (the tcp- prefix lets Istio pick the protocol); the three
// listeners of Strimzi's examples keep their historical names so that existing clients' ports resolve.
import type { ListenerModel } from '../../../machines/cluster-model.ts';

export const controlPlanePortName = 'tcp-ctrlplane';
export const replicationPortName = 'tcp-replication';
// Where a PodMonitor finds the Prometheus metrics, as on Strimzi's pods.
export const metricsPortName = 'tcp-prometheus';

export function listenerPortName(listener: ListenerModel): string {
  if (listener.type === 'internal' && listener.name === 'plain' && listener.port === 9092)
    return 'tcp-clients';
  if (listener.type === 'internal' && listener.name === 'tls' && listener.port === 9093)
    return 'tcp-clientstls';
  if (listener.name === 'external' && listener.port === 9094) return 'tcp-external';
  return `tcp-${listener.name}`;
}
