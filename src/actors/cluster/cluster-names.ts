// Strimzi's names for the parts of a cluster, shared by the model, the broker configuration and the
// desired Kubernetes objects, so that tools written for Strimzi find them.
import type { V1ObjectMeta } from '@kubernetes/client-node';

/** `Kafka <namespace>/<name>`: how messages name the resource. */
export function kafkaIdentity(kafka: { metadata: V1ObjectMeta }): string {
  return `Kafka ${kafka.metadata.namespace ?? 'default'}/${kafka.metadata.name ?? ''}`;
}

/** The pod (and per-node ConfigMap, certificate Secret) of a node. */
export function podName(cluster: string, pool: string, nodeId: number): string {
  return `${cluster}-${pool}-${nodeId}`;
}

/** The headless service that gives every node a DNS name, ready or not. */
export function brokersServiceName(cluster: string): string {
  return `${cluster}-kafka-brokers`;
}

/** The service of the internal listeners and replication. */
export function bootstrapServiceName(cluster: string): string {
  return `${cluster}-kafka-bootstrap`;
}

/** The bootstrap service of a cluster-ip, nodeport or loadbalancer listener. */
export function listenerBootstrapServiceName(cluster: string, listener: string): string {
  return `${cluster}-kafka-${listener}-bootstrap`;
}

/** The per-broker service of a cluster-ip, nodeport or loadbalancer listener. */
export function perBrokerServiceName(
  cluster: string,
  pool: string,
  listener: string,
  nodeId: number,
): string {
  return `${cluster}-${pool}-${listener}-${nodeId}`;
}

/** The DNS name of a node inside the cluster, through the headless brokers service. */
export function nodeHostName(cluster: string, namespace: string, pod: string): string {
  return `${pod}.${brokersServiceName(cluster)}.${namespace}.svc`;
}

/** The name Kafka knows a user listener by: `<NAME>-<PORT>`, e.g. PLAIN-9092. */
export function kafkaListenerName(name: string, port: number): string {
  return `${name.toUpperCase()}-${port}`;
}

/** The KRaft controller listener (mutual TLS with the cluster CA), as Strimzi names it. */
export const controlPlaneListener = { name: 'CONTROLPLANE-9090', port: 9090 } as const;

/** The inter-broker listener (mutual TLS with the cluster CA), as Strimzi names it. */
export const replicationListener = { name: 'REPLICATION-9091', port: 9091 } as const;
