// The controllers of a running cluster stay as they are: the quorum is static (controller.quorum.voters), and
// Kafka cannot change the voters of a static quorum without downtime; rolling nodes onto a new voter set could
// even elect two leaders. A spec that adds, removes or re-roles controllers is refused before anything changes.
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import type { ExistingState, NodeModel } from '../../machines/cluster-model.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { kafkaIdentity } from './cluster-names.ts';
import { implicitPoolName } from './node-pool-model.ts';

/** The controller ids the cluster runs with now: its pools' status, or the implicit pool's pods. */
function runningControllers(pools: readonly KafkaNodePool[], existing: ExistingState): number[] {
  const ids =
    pools.length > 0
      ? pools.flatMap((pool) =>
          pool.status?.roles?.includes('controller') ? (pool.status.nodeIds ?? []) : [],
        )
      : (existing.podNodeIds[implicitPoolName] ?? []);
  return [...new Set(ids)].sort((a, b) => a - b);
}

export function checkControllerQuorumUnchanged(
  kafka: Kafka,
  pools: readonly KafkaNodePool[],
  existing: ExistingState,
  nodes: readonly NodeModel[],
): void {
  const running = runningControllers(pools, existing);
  const desired = nodes.filter((node) => node.roles.includes('controller')).map((node) => node.id);
  if (running.length === 0 || running.join(',') === desired.join(',')) return;
  throw new ReconcileFailure(
    'ControllerQuorumChangeNotSupported',
    `${kafkaIdentity(kafka)}: the controllers would change from nodes [${running.join(', ')}] to ` +
      `[${desired.join(', ')}], but the controller quorum is static and cannot change while the cluster runs. ` +
      'Restore the replicas and roles of the pools with the controller role; nothing was changed.',
    { retryable: false },
  );
}
