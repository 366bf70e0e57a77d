// Whether brokers about to be removed still hold partition replicas. Removing such a broker loses
// data, so a scale-down is held back (as Strimzi does) whenever the cluster's admin API answers;
// when it cannot be reached nothing can be checked and the scale-down goes ahead.
import { Admin } from '@platformatic/kafka';
import type { ClusterModel } from './cluster-model.ts';

// `holding`: the nodes asked about that hold at least one replica; `unchecked`: why nobody could tell.
export type ReplicaCheckResult = { holding: number[] } | { unchecked: string };

export interface PartitionReplicaCheck {
  nodesHoldingReplicas(model: ClusterModel, nodeIds: readonly number[]): Promise<ReplicaCheckResult>;
}

export interface AdminReplicaCheckOptions {
  // Where the operator reaches the cluster's admin API, or undefined when it has no listener it can use.
  bootstrapOf(model: ClusterModel): string[] | undefined;
  timeoutMs: number;
}

// The check over Kafka's metadata: every partition's replica list, read with a short timeout.
export class AdminPartitionReplicaCheck implements PartitionReplicaCheck {
  readonly #options: AdminReplicaCheckOptions;

  constructor(options: AdminReplicaCheckOptions) {
    this.#options = options;
  }

  async nodesHoldingReplicas(model: ClusterModel, nodeIds: readonly number[]): Promise<ReplicaCheckResult> {
    const bootstrap = this.#options.bootstrapOf(model);
    if (!bootstrap)
      return {
        unchecked: 'the cluster has no listener on which the operator sees every topic without credentials',
      };
    const admin = new Admin({
      clientId: 'kafka-actor-operator-scale-down-check',
      bootstrapBrokers: bootstrap,
      connectTimeout: this.#options.timeoutMs,
      timeout: this.#options.timeoutMs,
      retries: 0,
    });
    try {
      const topics = await admin.listTopics({ includeInternals: true });
      const metadata = await admin.metadata({ topics, forceUpdate: true });
      const holding = new Set<number>();
      for (const topic of metadata.topics.values()) {
        for (const partition of topic.partitions) {
          for (const replica of partition.replicas) if (nodeIds.includes(replica)) holding.add(replica);
        }
      }
      return { holding: [...holding].sort((a, b) => a - b) };
    } catch (error) {
      // Unreachable (the usual case when the operator runs outside the cluster's network): said, not thrown.
      return {
        unchecked: `${bootstrap.join(',')} did not answer: ${error instanceof Error ? error.message : String(error)}`,
      };
    } finally {
      await admin.close().catch(() => undefined);
    }
  }
}

// The plain internal listener of the cluster, when it has one without authentication. With
// authorization on, an anonymous client sees no topics, which would read as "no replicas": no check then.
export function plainInternalBootstrap(model: ClusterModel): string[] | undefined {
  if (model.authorization) return undefined;
  const listener = model.listeners.find((l) => l.type === 'internal' && !l.tls && !l.authentication);
  return listener ? [`${model.name}-kafka-bootstrap.${model.namespace}.svc:${listener.port}`] : undefined;
}
