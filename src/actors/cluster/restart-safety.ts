// Whether Kafka can lose a node for a restart now, and whether a restarted node is back, decided
// from what Kafka reports (the same rules as Strimzi's KafkaRoller): a broker goes only when no
// partition it hosts falls below its min.insync.replicas; a controller only when a majority of the
// voters stays caught up without it. Pure: the answers come from the ClusterHealthAdmin's reads.

import type { PartitionReplicas, QuorumState, QuorumVoter } from '../kafka/kafka-admin.ts';

// One partition as Kafka reports it, with the min.insync.replicas in force for its topic.
export interface PartitionState extends PartitionReplicas {
  minInsyncReplicas: number;
}

export interface ClusterHealth {
  // The brokers registered and unfenced (describeCluster lists only those).
  brokers: number[];
  partitions: PartitionState[];
  quorum: QuorumState;
  // controller.quorum.fetch.timeout.ms: a voter further behind the leader than this has fallen behind.
  quorumFetchTimeoutMs: number;
}

export interface RestartCandidate {
  id: number;
  roles: readonly ('broker' | 'controller')[];
}

function describePartition(state: PartitionState): string {
  return (
    `${state.topic}-${state.partition} (replicas [${state.replicas.join(', ')}], ISR [${state.isr.join(', ')}], ` +
    `min.insync.replicas ${state.minInsyncReplicas})`
  );
}

// The partitions with a replica on `node` whose in-sync replicas would fall below min.insync.replicas
// without it. A partition with no more replicas than min.insync.replicas cannot stay writable through
// any restart, and holding the roll for it would hold it for ever, so it does not count (as in Strimzi).
export function partitionsBelowMinIsrWithout(node: number, partitions: readonly PartitionState[]) {
  return partitions.filter(
    (state) =>
      state.replicas.includes(node) &&
      state.replicas.length > state.minInsyncReplicas &&
      state.isr.filter((replica) => replica !== node).length < state.minInsyncReplicas,
  );
}

function isCaughtUp(voter: QuorumVoter, leader: QuorumVoter | undefined, fetchTimeoutMs: number): boolean {
  if (voter.lastCaughtUpTimestamp === undefined || leader?.lastCaughtUpTimestamp === undefined) return false;
  return leader.lastCaughtUpTimestamp - voter.lastCaughtUpTimestamp < fetchTimeoutMs;
}

// The voters that have caught up with the leader (the leader among them).
export function caughtUpVoters(quorum: QuorumState, fetchTimeoutMs: number): number[] {
  const leader = quorum.voters.find((voter) => voter.id === quorum.leaderId);
  if (!leader) return [];
  return quorum.voters
    .filter((voter) => voter.id === leader.id || isCaughtUp(voter, leader, fetchTimeoutMs))
    .map((voter) => voter.id);
}

// Why the quorum could not lose `node` now, or undefined when it can: the other caught-up voters must
// be a majority of all voters. A single voter is restarted anyway (it cannot be otherwise), and of two
// voters the other must be caught up.
export function quorumRefusal(node: number, quorum: QuorumState, fetchTimeoutMs: number): string | undefined {
  if (quorum.leaderId < 0) return 'the controller quorum has no leader';
  const total = quorum.voters.length;
  if (total <= 1) return undefined;
  const others = caughtUpVoters(quorum, fetchTimeoutMs).filter((id) => id !== node);
  const needed = total === 2 ? 1 : Math.floor(total / 2) + 1;
  if (others.length >= needed) return undefined;
  const behind = quorum.voters.map((voter) => voter.id).filter((id) => id !== node && !others.includes(id));
  return (
    `without controller ${node} only ${others.length} of ${total} voters would be caught up with leader ` +
    `${quorum.leaderId} (${needed} needed); voters behind or unknown: [${behind.join(', ')}]`
  );
}

// Why `node` may not be restarted now, or undefined when it may: every check its roles need.
export function restartRefusal(node: RestartCandidate, health: ClusterHealth): string | undefined {
  const reasons: string[] = [];
  if (node.roles.includes('controller')) {
    const quorum = quorumRefusal(node.id, health.quorum, health.quorumFetchTimeoutMs);
    if (quorum) reasons.push(quorum);
  }
  if (node.roles.includes('broker')) {
    const below = partitionsBelowMinIsrWithout(node.id, health.partitions);
    if (below.length > 0) {
      reasons.push(
        `partitions would fall below min.insync.replicas without broker ${node.id}: ${below.map(describePartition).join('; ')}`,
      );
    }
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

// Why a restarted `node` is not back yet, or undefined when Kafka says it is: a broker registered,
// unfenced and in the ISR of every partition it hosts; a controller caught up with the quorum leader.
export function notBackReason(node: RestartCandidate, health: ClusterHealth): string | undefined {
  const reasons: string[] = [];
  if (node.roles.includes('controller')) {
    if (!caughtUpVoters(health.quorum, health.quorumFetchTimeoutMs).includes(node.id)) {
      reasons.push(`controller ${node.id} has not caught up with quorum leader ${health.quorum.leaderId}`);
    }
  }
  if (node.roles.includes('broker')) {
    if (!health.brokers.includes(node.id)) {
      reasons.push(`broker ${node.id} is not registered and unfenced`);
    }
    const lagging = health.partitions.filter(
      (state) => state.replicas.includes(node.id) && !state.isr.includes(node.id),
    );
    if (lagging.length > 0) {
      reasons.push(
        `broker ${node.id} is not in sync on partitions ${lagging.map(describePartition).join('; ')}`,
      );
    }
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

export interface RestartStep<T> {
  node: RestartCandidate;
  // Whether the node's pod is Ready now: a node that is not serves nothing, and goes first.
  serving: boolean;
  item: T;
}

// The order of a roll: nodes not serving first; then controller-only nodes; then brokers (combined
// nodes among them), one at a time. In each group the active controller goes last, so that leadership
// moves once, and otherwise by node id, so that every run is the same.
export function restartOrder<T>(
  steps: readonly RestartStep<T>[],
  activeController?: number,
): RestartStep<T>[] {
  const group = ({ node, serving }: RestartStep<T>) => (!serving ? 0 : node.roles.includes('broker') ? 2 : 1);
  const isActive = ({ node }: RestartStep<T>) => Number(node.id === activeController);
  return [...steps].sort((a, b) => group(a) - group(b) || isActive(a) - isActive(b) || a.node.id - b.node.id);
}
