// Whether brokers about to be removed still hold partition replicas, and of which topics. Removing
// such a broker loses data, so a scale-down is held back (as Strimzi does); when the cluster's admin
// API cannot be asked, the answer says why, and the scale-down is refused as well.
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Admin } from '@platformatic/kafka';
import type { ClusterModel } from '../../machines/cluster-model.ts';
import type { KeyAndCertificate } from '../certificates/certificates.ts';
import { bootstrapServiceName, replicationListener } from './cluster-names.ts';

// Where and how the operator reaches a cluster's admin API.
export interface ClusterAccess {
  bootstrap: string[];
  tls?: TlsOptions;
}

// A node asked about that holds at least one replica, with the topics of its replicas (sorted).
export interface NodeReplicas {
  node: number;
  topics: string[];
}

// `holding`: the nodes that hold replicas, by node id; `unchecked`: why nobody could tell.
export type ReplicaCheckResult = { holding: NodeReplicas[] } | { unchecked: string };

export interface PartitionReplicaCheck {
  nodesHoldingReplicas(access: ClusterAccess, nodeIds: readonly number[]): Promise<ReplicaCheckResult>;
}

// How the operator reaches a cluster it runs, as Strimzi's cluster operator does: the replication
// listener of the bootstrap service, with the operator's certificate from the cluster CA.
export function replicationAccess(
  model: Pick<ClusterModel, 'name' | 'namespace'>,
  clusterCa: Pick<KeyAndCertificate, 'certificatePem'>,
  operatorCertificate: KeyAndCertificate,
): ClusterAccess {
  return {
    bootstrap: [`${bootstrapServiceName(model.name)}.${model.namespace}.svc:${replicationListener.port}`],
    tls: {
      ca: clusterCa.certificatePem,
      cert: operatorCertificate.certificatePem,
      key: operatorCertificate.privateKeyPem,
    },
  };
}

// The check over Kafka's metadata: every partition's replica list, read with a short timeout.
export class AdminPartitionReplicaCheck implements PartitionReplicaCheck {
  readonly #timeoutMs: number;

  constructor(options: { timeoutMs: number }) {
    this.#timeoutMs = options.timeoutMs;
  }

  async nodesHoldingReplicas(access: ClusterAccess, nodeIds: readonly number[]): Promise<ReplicaCheckResult> {
    const admin = new Admin({
      clientId: 'kafka-actor-operator-scale-down-check',
      bootstrapBrokers: access.bootstrap,
      tls: access.tls,
      connectTimeout: this.#timeoutMs,
      timeout: this.#timeoutMs,
      retries: 0,
    });
    try {
      const topics = await admin.listTopics({ includeInternals: true });
      const metadata = await admin.metadata({ topics, forceUpdate: true });
      const topicsByNode = new Map<number, Set<string>>();
      for (const [name, topic] of metadata.topics) {
        for (const partition of topic.partitions) {
          for (const replica of partition.replicas) {
            if (!nodeIds.includes(replica)) continue;
            topicsByNode.set(replica, (topicsByNode.get(replica) ?? new Set()).add(name));
          }
        }
      }
      const holding = [...topicsByNode]
        .map(([node, topics]) => ({ node, topics: [...topics].sort() }))
        .sort((a, b) => a.node - b.node);
      return { holding };
    } catch (error) {
      // Unreachable (the usual case when the operator runs outside the cluster's network): said, not thrown.
      return {
        unchecked: `${access.bootstrap.join(',')} did not answer: ${error instanceof Error ? error.message : String(error)}`,
      };
    } finally {
      await admin.close().catch(() => undefined);
    }
  }
}
