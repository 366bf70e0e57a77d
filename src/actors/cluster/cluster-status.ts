// The status a Kafka and its KafkaNodePools show for the state the cluster's actor settled in, in
// Strimzi's form: Ready, or NotReady with the reason; a Warning for every field mapped or ignored. A
// KafkaNodePool's Warning names its own fields the operator does not act on.
import type { Condition, ConditionUpdate } from '../../api/conditions.ts';
import { setCondition } from '../../api/conditions.ts';
import type { Kafka, KafkaStatus } from '../../api/kafka.ts';
import type { KafkaNodePool, KafkaNodePoolStatus } from '../../api/kafka-node-pool.ts';
import { poolNameLabel } from '../../api/labels.ts';
import type { ClusterContext } from '../../machines/cluster-machine.ts';
import type { ClusterModel, ClusterWarning, PoolModel } from '../../machines/cluster-model.ts';
import { clusterSelector } from './desired-objects/object-metadata.ts';
import {
  poolUnsupportedFieldPaths,
  unsupportedFieldsReason,
  unsupportedFieldsWarning,
} from './unsupported-fields.ts';

// Each condition keeps its transition time while one of the same type and reason held before.
function withTransitionTimes(previous: readonly Condition[] | undefined, next: ConditionUpdate[], now: Date) {
  return next.map((condition) => {
    const before = previous?.filter((c) => c.type === condition.type && c.reason === condition.reason);
    return setCondition(before, condition, now).find((c) => c.type === condition.type) as Condition;
  });
}

function asConditions(warnings: readonly ClusterWarning[]): ConditionUpdate[] {
  return warnings.map((warning) => ({
    type: 'Warning',
    status: 'True',
    reason: warning.reason,
    message: warning.message,
  }));
}

function warningConditions(context: ClusterContext): ConditionUpdate[] {
  return asConditions([...(context.plan?.model.warnings ?? []), ...(context.plan?.warnings ?? [])]);
}

function conditionsFor(state: string, context: ClusterContext): ConditionUpdate[] | undefined {
  switch (state) {
    case 'ready':
      return [{ type: 'Ready', status: 'True' }, ...warningConditions(context)];
    case 'failed':
      return [
        {
          type: 'NotReady',
          status: 'True',
          reason: context.lastError?.reason ?? 'Error',
          message: context.lastError?.message ?? 'reconcile failed',
        },
        ...warningConditions(context),
      ];
    // A step that waits (a roll, new pods starting): what it waits for, and the nodes still to roll.
    case 'scaling':
    case 'rolling':
    case 'observing':
      if (!context.waiting) return undefined;
      return [
        {
          type: 'NotReady',
          status: 'True',
          reason: context.waiting.reason,
          message: context.waiting.message,
        },
        ...warningConditions(context),
      ];
    case 'paused':
      return [{ type: 'ReconciliationPaused', status: 'True' }];
    default:
      return undefined;
  }
}

export function buildKafkaStatus(
  state: string,
  context: ClusterContext,
  kafka: Kafka,
  now: Date,
  operatorVersion: string,
): KafkaStatus | undefined {
  const conditions = conditionsFor(state, context);
  if (!conditions) return undefined;
  const previous = kafka.status ?? {};
  const model = context.plan?.model;
  return {
    ...previous,
    observedGeneration: context.reconciledGeneration ?? kafka.metadata?.generation,
    conditions: withTransitionTimes(previous.conditions, conditions, now),
    ...(state === 'ready' && model
      ? {
          listeners: context.listeners ?? [],
          kafkaNodePools: model.pools.filter((pool) => !pool.implicit).map((pool) => ({ name: pool.name })),
          clusterId: model.clusterId,
          kafkaVersion: model.kafkaVersion,
          kafkaMetadataVersion: model.metadataVersion,
          operatorLastSuccessfulVersion: operatorVersion,
        }
      : {}),
  };
}

// What `kubectl scale` and the HPA select a pool's pods by (the scale subresource's labelSelector).
export function poolLabelSelector(model: ClusterModel, pool: PoolModel): string {
  return Object.entries({ ...clusterSelector(model), [poolNameLabel]: pool.name })
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

// A KafkaNodePool's conditions: those others wrote, and the Warning naming its fields the operator does not
// act on while it sets any.
function poolConditions(resource: KafkaNodePool, now: Date): Condition[] {
  const previous = resource.status?.conditions ?? [];
  const others = previous.filter(
    (condition) => !(condition.type === 'Warning' && condition.reason === unsupportedFieldsReason),
  );
  const unsupported = asConditions(unsupportedFieldsWarning(poolUnsupportedFieldPaths(resource)));
  return [...others, ...withTransitionTimes(previous, unsupported, now)];
}

export function buildPoolStatus(
  model: ClusterModel,
  pool: PoolModel,
  resource: KafkaNodePool,
  now: Date,
): KafkaNodePoolStatus {
  return {
    ...resource.status,
    observedGeneration: resource.metadata?.generation,
    conditions: poolConditions(resource, now),
    nodeIds: pool.nodeIds,
    roles: pool.roles,
    replicas: pool.nodeIds.length,
    clusterId: model.clusterId,
    labelSelector: poolLabelSelector(model, pool),
  };
}
