// A Kafka and KafkaNodePools as the operator reads them, for unit tests of the cluster model: cluster
// my-cluster in namespace kafka, Kafka 4.2.1, one plain listener, replication settings and ephemeral dual-role
// pools of three unless told otherwise.
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';

export function kafkaResource(
  kafka: Partial<Kafka['spec']['kafka']> = {},
  options: { apiVersion?: string; spec?: Partial<Kafka['spec']> } = {},
): Kafka {
  return {
    apiVersion: options.apiVersion ?? 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    metadata: { name: 'my-cluster', namespace: 'kafka', uid: '0f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7' },
    spec: {
      kafka: {
        version: '4.2.1',
        listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }],
        config: { 'default.replication.factor': 3, 'min.insync.replicas': 2 },
        ...kafka,
      },
      ...options.spec,
    },
  };
}

export function nodePoolResource(name: string, spec: Partial<KafkaNodePool['spec']> = {}): KafkaNodePool {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaNodePool',
    metadata: { name, namespace: 'kafka', labels: { 'strimzi.io/cluster': 'my-cluster' } },
    spec: { replicas: 3, roles: ['controller', 'broker'], storage: { type: 'ephemeral' }, ...spec },
  };
}
