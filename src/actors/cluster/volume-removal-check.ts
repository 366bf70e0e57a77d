// Refuses to take a data volume away from a running node while Kafka keeps partition replicas on it:
// Kafka does not move replicas off a log directory by itself, so a volume removed from a pool's JBOD
// storage (or a storage changed to another layout) would take its replicas with it. Each broker is asked
// (describeLogDirs) what its log directory on each removed volume holds; a removal goes ahead only when
// every such directory is reported and empty. A controller's volume may hold the quorum's metadata log,
// which describeLogDirs does not show: its removal is refused. An answer that cannot be had refuses too.
// The annotation that skips the scale-down check skips this one, as Strimzi's users do for brokers.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { Kafka } from '../../api/kafka.ts';
import { brokerRoleLabel, controllerRoleLabel, skipScaleDownCheckAnnotation } from '../../api/labels.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { dataRoot } from './broker-config/broker-paths.ts';
import { kafkaIdentity } from './cluster-names.ts';
import type { ClusterAccess, NodeLogDir, PartitionReplicaCheck } from './partition-replica-check.ts';
import { nodeIdOf } from './pod-plan.ts';

interface Removal {
  pod: V1Pod;
  volumes: string[];
}

function dataVolumeNames(pod: KubernetesObject): string[] {
  return ((pod as V1Pod).spec?.volumes ?? [])
    .map((volume) => volume.name)
    .filter((name) => name === 'data' || name.startsWith('data-'));
}

function removalsOf(desired: readonly KubernetesObject[], pods: readonly V1Pod[]): Removal[] {
  const wanted = new Map(desired.map((pod) => [pod.metadata?.name, new Set(dataVolumeNames(pod))]));
  return pods.flatMap((pod) => {
    const kept = wanted.get(pod.metadata?.name);
    if (!kept || pod.metadata?.deletionTimestamp) return [];
    const volumes = dataVolumeNames(pod).filter((name) => !kept.has(name));
    return volumes.length > 0 ? [{ pod, volumes }] : [];
  });
}

const describe = ({ pod, volumes }: Removal) => `${pod.metadata?.name} (${volumes.join(', ')})`;

export interface VolumeRemovalInput {
  kafka: Kafka;
  // The pods as they are to be, and as they run.
  desired: readonly KubernetesObject[];
  pods: readonly V1Pod[];
  check: PartitionReplicaCheck;
  access: ClusterAccess;
}

// Throws when a running pod would lose a data volume that may hold data.
export async function refuseVolumeRemoval(input: VolumeRemovalInput): Promise<void> {
  const { kafka } = input;
  if (kafka.metadata?.annotations?.[skipScaleDownCheckAnnotation] === 'true') return;
  const removals = removalsOf(input.desired, input.pods);
  if (removals.length === 0) return;
  const who = kafkaIdentity(kafka);
  const howToGoOn =
    'Move the replicas to the volumes that stay (kafka-reassign-partitions with log_dirs, or Cruise Control), ' +
    `or put the volumes back in the spec; to remove them without the check, set the annotation ${skipScaleDownCheckAnnotation}: "true" on the Kafka.`;
  const controllers = removals.filter(({ pod }) => pod.metadata?.labels?.[controllerRoleLabel] === 'true');
  if (controllers.length > 0) {
    throw new ReconcileFailure(
      'VolumeRemovalRefused',
      `${who}: the storage change removes data volumes from running controllers: ${controllers.map(describe).join('; ')}. ` +
        `A controller's volume may hold the quorum's metadata log, which Kafka cannot be asked about; nothing was changed. ${howToGoOn}`,
    );
  }
  const logDirs: NodeLogDir[] = removals
    .filter(({ pod }) => pod.metadata?.labels?.[brokerRoleLabel] === 'true')
    .flatMap(({ pod, volumes }) =>
      volumes.map((volume) => ({
        node: nodeIdOf(pod),
        logDir: `${dataRoot}/${volume}/kafka-log${nodeIdOf(pod)}`,
      })),
    );
  const result = await input.check.logDirsHoldingReplicas(input.access, logDirs);
  if ('unchecked' in result) {
    throw new ReconcileFailure(
      'VolumeRemovalCheckFailed',
      `${who}: the removal of data volumes ${removals.map(describe).join('; ')} is refused because whether they ` +
        `hold partition replicas could not be checked: ${result.unchecked}. Nothing was changed; the check is retried. ${howToGoOn}`,
    );
  }
  if (result.holding.length > 0) {
    const held = result.holding.map(
      ({ node, logDir, topics }) => `node ${node} ${logDir} (topics ${topics.join(', ')})`,
    );
    throw new ReconcileFailure(
      'VolumeRemovalRefused',
      `${who}: the storage change removes data volumes that hold partition replicas: ${held.join('; ')}. ` +
        `Kafka does not move them off a volume by itself; nothing was changed, and the check is retried. ${howToGoOn}`,
    );
  }
}
