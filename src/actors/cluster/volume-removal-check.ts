// Refuses to take a data volume away from a running node. Kafka keeps partition replicas in every log
// directory and does not move them off one by itself, so a volume removed from a pool's JBOD storage (or
// a storage changed to another layout) would take its replicas with it. Which replicas a volume holds
// is not read from Kafka yet (describeLogDirs, broker by broker): until it is, every removal is refused,
// and the user who has moved the replicas away says so with the annotation that skips the scale-down
// check, as Strimzi's users do for removed brokers.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { Kafka } from '../../api/kafka.ts';
import { skipScaleDownCheckAnnotation } from '../../api/labels.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { kafkaIdentity } from './cluster-names.ts';

function dataVolumeNames(pod: KubernetesObject): string[] {
  return ((pod as V1Pod).spec?.volumes ?? [])
    .map((volume) => volume.name)
    .filter((name) => name === 'data' || name.startsWith('data-'));
}

// Throws when a pod that runs would lose a data volume it mounts; `desired` are the pods as they are to be.
export function refuseVolumeRemoval(
  kafka: Kafka,
  desired: readonly KubernetesObject[],
  pods: readonly V1Pod[],
): void {
  if (kafka.metadata?.annotations?.[skipScaleDownCheckAnnotation] === 'true') return;
  const wanted = new Map(desired.map((pod) => [pod.metadata?.name, new Set(dataVolumeNames(pod))]));
  const removals = pods.flatMap((pod) => {
    const kept = wanted.get(pod.metadata?.name);
    if (!kept || pod.metadata?.deletionTimestamp) return [];
    const removed = dataVolumeNames(pod).filter((name) => !kept.has(name));
    return removed.length > 0 ? [`${pod.metadata?.name} (${removed.join(', ')})`] : [];
  });
  if (removals.length === 0) return;
  throw new ReconcileFailure(
    'VolumeRemovalRefused',
    `${kafkaIdentity(kafka)}: the storage change removes data volumes from running nodes: ` +
      `${removals.join('; ')}. Kafka does not move the partition replicas off a volume by itself, so they ` +
      'would be lost with it; nothing was changed. Move them to the volumes that stay (kafka-reassign-partitions ' +
      `with log_dirs, or Cruise Control), then set the annotation ${skipScaleDownCheckAnnotation}: "true" on ` +
      'the Kafka to remove the volumes, or put the volumes back in the spec.',
    { retryable: false },
  );
}
