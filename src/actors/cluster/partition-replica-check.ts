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

// A log directory of a broker: where its volume keeps the broker's replicas.
export interface NodeLogDir {
  node: number;
  logDir: string;
}

// `holding`: the log directories asked about that hold replicas, with their topics (sorted);
// `unchecked`: why nobody could tell, a log directory a broker did not report among them.
export type LogDirCheckResult = { holding: (NodeLogDir & { topics: string[] })[] } | { unchecked: string };

export interface PartitionReplicaCheck {
  nodesHoldingReplicas(access: ClusterAccess, nodeIds: readonly number[]): Promise<ReplicaCheckResult>;
  logDirsHoldingReplicas(access: ClusterAccess, logDirs: readonly NodeLogDir[]): Promise<LogDirCheckResult>;
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

  #admin(access: ClusterAccess): Admin {
    return new Admin({
      clientId: 'kafka-actor-operator-scale-down-check',
      bootstrapBrokers: access.bootstrap,
      tls: access.tls,
      connectTimeout: this.#timeoutMs,
      timeout: this.#timeoutMs,
      retries: 0,
    });
  }

  // Each broker describes its own log directories (the admin asks every broker); a directory asked about
  // that its broker does not report cannot be told empty.
  async logDirsHoldingReplicas(
    access: ClusterAccess,
    logDirs: readonly NodeLogDir[],
  ): Promise<LogDirCheckResult> {
    return this.#ask(access, async (admin) => {
      const names = await admin.listTopics({ includeInternals: true });
      const metadata = await admin.metadata({ topics: names, forceUpdate: true });
      const topics = [...metadata.topics]
        .filter(([, topic]) => topic.partitions.length > 0)
        .map(([name, topic]) => ({ name, partitions: topic.partitions.map((_, index) => index) }));
      const described = topics.length > 0 ? await admin.describeLogDirs({ topics }) : [];
      const holding: (NodeLogDir & { topics: string[] })[] = [];
      for (const asked of logDirs) {
        const broker = described.find((candidate) => candidate.broker === asked.node);
        const dir = broker?.results.find((result) => result.logDir === asked.logDir);
        if (topics.length > 0 && !dir) {
          return { unchecked: `broker ${asked.node} did not report the log directory ${asked.logDir}` };
        }
        const held = (dir?.topics ?? [])
          .filter((topic) => topic.partitions.length > 0)
          .map((topic) => topic.name);
        if (held.length > 0) holding.push({ ...asked, topics: [...new Set(held)].sort() });
      }
      return { holding };
    });
  }

  async nodesHoldingReplicas(access: ClusterAccess, nodeIds: readonly number[]): Promise<ReplicaCheckResult> {
    return this.#ask(access, async (admin) => {
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
    });
  }

  // One admin for one question. Unreachable (the usual case when the operator runs outside the
  // cluster's network) is said in the answer, not thrown.
  async #ask<T>(
    access: ClusterAccess,
    read: (admin: Admin) => Promise<T>,
  ): Promise<T | { unchecked: string }> {
    const admin = this.#admin(access);
    try {
      return await read(admin);
    } catch (error) {
      return {
        unchecked: `${access.bootstrap.join(',')} did not answer: ${error instanceof Error ? error.message : String(error)}`,
      };
    } finally {
      await admin.close().catch(() => undefined);
    }
  }
}
