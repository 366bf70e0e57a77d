// Holds back the removal of brokers that still hold partition replicas, as Strimzi does: the nodes
// stay (the model is built again with them retained) and a Warning says what was reverted and why.
// When the cluster's admin API cannot be reached nothing can be checked, and a Warning says that too.
import type { V1Pod } from '@kubernetes/client-node';
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import { brokerRoleLabel } from '../../api/labels.ts';
import type { ClusterModel, ClusterWarning, ExistingState } from '../../machines/cluster-model.ts';
import { buildClusterModel } from './cluster-model.ts';
import type { ClusterAccess, PartitionReplicaCheck } from './partition-replica-check.ts';
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
  const result = await check.nodesHoldingReplicas(access, removedBrokers);
  if ('unchecked' in result) {
    return {
      model,
      warnings: [
        {
          reason: 'ScaleDownNotChecked',
          message:
            `Removing broker nodes ${removedBrokers.join(', ')} without checking that they hold no partition ` +
            `replicas: ${result.unchecked}`,
        },
      ],
    };
  }
  if (result.holding.length === 0) return { model, warnings: [] };
  const retained = buildClusterModel(input.kafka, input.pools, {
    ...input.existing,
    retainedNodeIds: [...(input.existing.retainedNodeIds ?? []), ...result.holding],
  });
  return { model: retained, warnings: revertWarnings(retained, result.holding) };
}

// One Warning per pool, worded as Strimzi's so that tools matching it keep working.
function revertWarnings(model: ClusterModel, holding: readonly number[]): ClusterWarning[] {
  return model.pools.flatMap((pool) => {
    const kept = pool.nodeIds.filter((id) => holding.includes(id));
    if (kept.length === 0) return [];
    return [
      {
        reason: 'ScaleDownPreventionCheck',
        message:
          `Reverting scale-down of KafkaNodePool ${pool.name} by changing number of replicas to ${pool.replicas}: ` +
          `nodes ${kept.join(', ')} still hold partition replicas; move them away (kafka-reassign-partitions or ` +
          'Cruise Control), then scale down again',
      },
    ];
  });
}
