// Builds the cluster model (its types: src/machines/cluster-model.ts): everything the builders (broker
// configuration, desired Kubernetes objects) need, derived from a Kafka, its KafkaNodePools and what
// exists now. Pure: no I/O; throws ReconcileFailure on specs that cannot run, before any effect (the
// cluster machine relies on that: nothing is created). Only the pools labelled strimzi.io/cluster=<name>
// in the Kafka's namespace count; nodes whose removal was refused stay (ExistingState.retainedNodeIds);
// a change of a running cluster's controllers is refused (ControllerQuorumChangeNotSupported).
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import type { ClusterModel, ClusterWarning, ExistingState } from '../../machines/cluster-model.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { modelClusterFields } from './cluster-fields.ts';
import { kafkaIdentity } from './cluster-names.ts';
import { specWarnings } from './cluster-spec-checks.ts';
import { validateCluster } from './cluster-validation.ts';
import { checkControllerQuorumUnchanged } from './controller-quorum.ts';
import { additionalVolumeProblems } from './desired-objects/node-volumes.ts';
import { resolveKafkaVersion } from './kafka-versions.ts';
import { modelListeners } from './listener-model.ts';
import { modelNodePools, poolsOf } from './node-pool-model.ts';
import { unsupportedFieldsWarnings } from './unsupported-fields.ts';

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
  const volumeProblems = additionalVolumeProblems(model);
  if (volumeProblems.length > 0) {
    throw new ReconcileFailure(
      'InvalidResource',
      `${kafkaIdentity(kafka)} is invalid: ${volumeProblems.join('; ')}.`,
      {
        retryable: false,
      },
    );
  }
  warnings.push(...specWarnings(model), ...unsupportedFieldsWarnings(kafka, own));
  return model;
}
