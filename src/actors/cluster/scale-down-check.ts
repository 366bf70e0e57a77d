// Holds back the removal of brokers that still hold partition replicas, as Strimzi does: the nodes
// stay (the model is built again with them retained) and a Warning names the topics on each node.
// A check that cannot be answered refuses the scale-down: the reconcile fails before anything is
// removed and is retried, unless the Kafka says to skip the check.
import type { V1Pod } from '@kubernetes/client-node';
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import { brokerRoleLabel, skipScaleDownCheckAnnotation } from '../../api/labels.ts';
import type { ClusterModel, ClusterWarning, ExistingState } from '../../machines/cluster-model.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { buildClusterModel } from './cluster-model.ts';
import { kafkaIdentity } from './cluster-names.ts';
import type { ClusterAccess, NodeReplicas, PartitionReplicaCheck } from './partition-replica-check.ts';
import { nodeIdOf } from './pod-plan.ts';

export interface CheckedModel {
  model: ClusterModel;
  warnings: ClusterWarning[];
}

export async function holdBackScaleDown(
  check: PartitionReplicaCheck,
  access: ClusterAccess,
  input: { kafka: Kafka; pools: KafkaNodePool[]; existing: ExistingState; pods: readonly V1Pod[] },
  model: ClusterModel,
): Promise<CheckedModel> {
  const kept = new Set(model.nodes.map((node) => node.podName));
  const removedBrokers = input.pods
    .filter(
      (pod) => !kept.has(pod.metadata?.name ?? '') && pod.metadata?.labels?.[brokerRoleLabel] === 'true',
    )
    .map(nodeIdOf);
  if (removedBrokers.length === 0) return { model, warnings: [] };
  if (input.kafka.metadata?.annotations?.[skipScaleDownCheckAnnotation] === 'true') {
    return { model, warnings: [] };
  }
  const result = await check.nodesHoldingReplicas(access, removedBrokers);
  if ('unchecked' in result) {
    throw new ReconcileFailure(
      'ScaleDownCheckFailed',
      `${kafkaIdentity(input.kafka)}: the removal of broker nodes ${removedBrokers.join(', ')} is refused because ` +
        `whether they hold partition replicas could not be checked: ${result.unchecked}. Nothing was removed; ` +
        `the check is retried. To remove them without the check, set the annotation ${skipScaleDownCheckAnnotation}: "true" on the Kafka.`,
    );
  }
  if (result.holding.length === 0) return { model, warnings: [] };
  const retained = buildClusterModel(input.kafka, input.pools, {
    ...input.existing,
    retainedNodeIds: [...(input.existing.retainedNodeIds ?? []), ...result.holding.map(({ node }) => node)],
  });
  return { model: retained, warnings: revertWarnings(retained, result.holding) };
}

function describeReplicas({ node, topics }: NodeReplicas): string {
  return `node ${node} (topics ${topics.join(', ')})`;
}

// One Warning per pool, worded as Strimzi's so that tools matching it keep working.
function revertWarnings(model: ClusterModel, holding: readonly NodeReplicas[]): ClusterWarning[] {
  return model.pools.flatMap((pool) => {
    const kept = holding.filter(({ node }) => pool.nodeIds.includes(node));
    if (kept.length === 0) return [];
    return [
      {
        reason: 'ScaleDownPreventionCheck',
        message:
          `Reverting scale-down of KafkaNodePool ${pool.name} by changing number of replicas to ${pool.replicas}: ` +
          `${kept.map(describeReplicas).join('; ')} still hold partition replicas; move them away ` +
          '(kafka-reassign-partitions or Cruise Control), then scale down again',
      },
    ];
  });
}
