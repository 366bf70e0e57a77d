// The cluster model (its types: src/machines/cluster-model.ts): everything the builders (broker configuration, desired Kubernetes objects) need,
// derived from a Kafka, its KafkaNodePools and what exists now. Pure: no I/O, throws ReconcileFailure
// on specs that cannot run, before any effect (the cluster machine relies on that: nothing is created).
//
// Changes for helpers E and F are noted here:
// - Names (pods, services, listener names in Kafka) come from cluster-names.ts, not from string templates.
// - ExistingState.retainedNodeIds keeps nodes whose removal was refused (they still hold replicas).
// - rack is a RackModel (topology-label or environment-variable).
// - `pools` may hold any KafkaNodePools: only those labelled strimzi.io/cluster=<name> in the namespace count.
// - Changing the controllers of a running cluster is refused (ControllerQuorumChangeNotSupported).
// - warnings include Strimzi's spec checks (KafkaDefaultReplicationFactor, KafkaKRaftControllerNodeCount, ...).
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import type { ClusterModel, ClusterWarning, ExistingState } from '../../machines/cluster-model.ts';
import { modelClusterFields } from './cluster-fields.ts';
import { specWarnings } from './cluster-spec-checks.ts';
import { validateCluster } from './cluster-validation.ts';
import { checkControllerQuorumUnchanged } from './controller-quorum.ts';
import { resolveKafkaVersion } from './kafka-versions.ts';
import { modelListeners } from './listener-model.ts';
import { modelNodePools, poolsOf } from './node-pool-model.ts';

/**
 * Builds the model; throws ReconcileFailure (non-retryable) for specs that cannot run: UnsupportedKafkaVersion,
 * InvalidResource, ControllerQuorumChangeNotSupported.
 */
export function buildClusterModel(
  kafka: Kafka,
  pools: KafkaNodePool[],
  existing: ExistingState,
): ClusterModel {
  const warnings: ClusterWarning[] = [];
  const own = poolsOf(kafka, pools);
  const version = resolveKafkaVersion(kafka);
  validateCluster(kafka, own);
  const { pools: poolModels, nodes } = modelNodePools(kafka, own, existing, warnings);
  checkControllerQuorumUnchanged(kafka, own, existing, nodes);
  const model: ClusterModel = {
    ...modelClusterFields(kafka, own, warnings),
    ...version,
    nodes,
    pools: poolModels,
    listeners: modelListeners(kafka.spec.kafka.listeners ?? []),
    warnings,
  };
  warnings.push(...specWarnings(model));
  return model;
}
