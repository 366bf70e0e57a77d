// What Kafka says about restarting the nodes of one cluster, asked through the ClusterHealthAdmin port:
// which controller is active, whether a node may go now, and whether a restarted node is back. A
// question Kafka does not answer is a refusal too: the roll fails (retryable) and is retried with
// backoff, with the node and the reason in the Kafka's status.

import type { ClusterModel } from '../../machines/cluster-model.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import type { ClusterHealthAdmin } from '../kafka/kafka-admin.ts';
import {
  type ClusterHealth,
  notBackReason,
  type RestartCandidate,
  restartRefusal,
} from './restart-safety.ts';

// Kafka's default for controller.quorum.fetch.timeout.ms.
const defaultQuorumFetchTimeoutMs = 2_000;

export interface RestartGate {
  // The quorum leader, asked before `waiting` are put in order.
  activeController(waiting: readonly RestartCandidate[]): Promise<number>;
  // Throws a retryable ReconcileFailure naming the node and why, unless Kafka can lose it now.
  ensureSafeToRestart(node: RestartCandidate): Promise<void>;
  // Why the nodes are not all back in Kafka yet, or undefined when Kafka says they are.
  notBack(nodes: readonly RestartCandidate[]): Promise<string | undefined>;
  close(): Promise<void>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function quorumFetchTimeoutMs(model: Pick<ClusterModel, 'brokerConfig'>): number {
  const configured = Number(model.brokerConfig['controller.quorum.fetch.timeout.ms']);
  return Number.isFinite(configured) && configured > 0 ? configured : defaultQuorumFetchTimeoutMs;
}

export async function readClusterHealth(
  admin: ClusterHealthAdmin,
  fetchTimeoutMs: number,
): Promise<ClusterHealth> {
  const [brokers, quorum, replicas] = await Promise.all([
    admin.describeBrokers(),
    admin.describeMetadataQuorum(),
    admin.describePartitions(),
  ]);
  const minInsync = await admin.describeMinInsyncReplicas([...new Set(replicas.map((state) => state.topic))]);
  const minInsyncOf = (topic: string): number => {
    const value = minInsync.get(topic);
    if (value === undefined) throw new Error(`Kafka did not describe min.insync.replicas of topic ${topic}`);
    return value;
  };
  return {
    brokers,
    quorum,
    quorumFetchTimeoutMs: fetchTimeoutMs,
    partitions: replicas.map((state) => ({ ...state, minInsyncReplicas: minInsyncOf(state.topic) })),
  };
}

export class KafkaRestartGate implements RestartGate {
  readonly #admin: ClusterHealthAdmin;
  readonly #cluster: string;
  readonly #fetchTimeoutMs: number;

  constructor(admin: ClusterHealthAdmin, model: Pick<ClusterModel, 'name' | 'namespace' | 'brokerConfig'>) {
    this.#admin = admin;
    this.#cluster = `Kafka ${model.namespace}/${model.name}`;
    this.#fetchTimeoutMs = quorumFetchTimeoutMs(model);
  }

  async activeController(waiting: readonly RestartCandidate[]): Promise<number> {
    const nodes = waiting.map((node) => node.id).join(', ');
    const quorum = await this.#admin.describeMetadataQuorum().catch((error: unknown) => {
      throw this.#unchecked(`which controller is active, to restart nodes ${nodes} in order`, error);
    });
    return quorum.leaderId;
  }

  async ensureSafeToRestart(node: RestartCandidate): Promise<void> {
    const health = await this.#health(`whether node ${node.id} can restart`);
    const refusal = restartRefusal(node, health);
    if (refusal) {
      throw new ReconcileFailure(
        'RestartNotSafe',
        `${this.#cluster}: node ${node.id} is not restarted yet: ${refusal}. The roll waits and is retried.`,
      );
    }
  }

  async notBack(nodes: readonly RestartCandidate[]): Promise<string | undefined> {
    let health: ClusterHealth;
    try {
      health = await readClusterHealth(this.#admin, this.#fetchTimeoutMs);
    } catch (error) {
      // A node coming back may refuse connections for a while: not back yet, asked again later.
      return `Kafka did not answer: ${errorText(error)}`;
    }
    const reasons = nodes.map((node) => notBackReason(node, health)).filter((reason) => reason !== undefined);
    return reasons.length > 0 ? reasons.join('; ') : undefined;
  }

  close(): Promise<void> {
    return this.#admin.close();
  }

  async #health(question: string): Promise<ClusterHealth> {
    try {
      return await readClusterHealth(this.#admin, this.#fetchTimeoutMs);
    } catch (error) {
      throw this.#unchecked(question, error);
    }
  }

  #unchecked(question: string, error: unknown): ReconcileFailure {
    return new ReconcileFailure(
      'RestartCheckFailed',
      `${this.#cluster}: the roll waits because Kafka could not be asked ${question}: ${errorText(error)}. ` +
        'It is retried.',
      { cause: error },
    );
  }
}
