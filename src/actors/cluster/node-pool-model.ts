// The pools and nodes of a cluster: its KafkaNodePools, or the implicit dual-role pool `kafka` that a
// v1beta2 Kafka with spec.kafka.replicas and spec.kafka.storage stands for.
import type { Storage, StorageVolume } from '../../api/common.ts';
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import { clusterLabel, nextNodeIdsAnnotation, removeNodeIdsAnnotation } from '../../api/labels.ts';
import type {
  ClusterWarning,
  ExistingState,
  NodeModel,
  NodeRole,
  PoolModel,
  StorageModel,
  VolumeModel,
} from '../../machines/cluster-model.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { kafkaIdentity, podName } from './cluster-names.ts';
import { assignNodeIds } from './node-ids.ts';
import { modelPodTemplate } from './template-model.ts';

/** The pool a v1beta2 Kafka without KafkaNodePools runs as (Strimzi's migration names it so). */
export const implicitPoolName = 'kafka';

/** The KafkaNodePools that belong to a Kafka: same namespace, label strimzi.io/cluster=<name>. */
export function poolsOf(kafka: Kafka, pools: readonly KafkaNodePool[]): KafkaNodePool[] {
  return pools
    .filter(
      (pool) =>
        pool.metadata.labels?.[clusterLabel] === kafka.metadata.name &&
        (pool.metadata.namespace ?? 'default') === (kafka.metadata.namespace ?? 'default'),
    )
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

interface PoolSource {
  name: string;
  implicit: boolean;
  uid?: string;
  roles: NodeRole[];
  replicas: number;
  storage: Storage;
  currentIds: number[];
  annotations: Record<string, string>;
  resources?: PoolModel['resources'];
  jvmOptions?: PoolModel['jvmOptions'];
  template?: Record<string, unknown>;
}

/** The pools (the Kafka's own, sorted by name: see poolsOf) with their node ids, and all nodes sorted by id. */
export function modelNodePools(
  kafka: Kafka,
  pools: readonly KafkaNodePool[],
  existing: ExistingState,
  warnings: ClusterWarning[],
): { pools: PoolModel[]; nodes: NodeModel[] } {
  const sources = poolSources(kafka, pools, existing, warnings);
  const ids = assignNodeIds(
    sources.map((source) => ({
      pool: source.name,
      replicas: source.replicas,
      current: source.currentIds,
      nextNodeIds: source.annotations[nextNodeIdsAnnotation],
      removeNodeIds: source.annotations[removeNodeIdsAnnotation],
    })),
    existing.retainedNodeIds ?? [],
    kafkaIdentity(kafka),
  );
  const poolModels = sources.map((source): PoolModel => {
    const nodeIds = ids.get(source.name) ?? [];
    return {
      name: source.name,
      implicit: source.implicit,
      uid: source.uid,
      roles: source.roles,
      replicas: nodeIds.length,
      nodeIds,
      storage: modelStorage(source.storage),
      resources: source.resources ?? kafka.spec.kafka.resources,
      jvmOptions: source.jvmOptions ?? kafka.spec.kafka.jvmOptions,
      template: modelPodTemplate(kafka.spec.kafka.template, source.template),
    };
  });
  const nodes = poolModels
    .flatMap((pool) =>
      pool.nodeIds.map(
        (id): NodeModel => ({
          id,
          pool: pool.name,
          podName: podName(kafka.metadata.name ?? '', pool.name, id),
          roles: pool.roles,
        }),
      ),
    )
    .sort((a, b) => a.id - b.id);
  return { pools: poolModels, nodes };
}

function poolSources(
  kafka: Kafka,
  pools: readonly KafkaNodePool[],
  existing: ExistingState,
  warnings: ClusterWarning[],
): PoolSource[] {
  const spec = kafka.spec.kafka;
  if (pools.length > 0) {
    if (spec.replicas !== undefined || spec.storage !== undefined) {
      warnings.push({
        reason: 'UnusedKafkaFields',
        message:
          'spec.kafka.replicas and spec.kafka.storage are ignored: the nodes come from the KafkaNodePools ' +
          `${pools.map((pool) => pool.metadata.name).join(', ')}. Remove the fields to silence this warning.`,
      });
    }
    return pools.map((pool) => {
      const name = pool.metadata.name ?? '';
      return {
        name,
        implicit: false,
        uid: pool.metadata.uid,
        roles: sortRoles(pool.spec.roles ?? []),
        replicas: pool.spec.replicas,
        storage: pool.spec.storage,
        currentIds: [...(pool.status?.nodeIds ?? []), ...(existing.podNodeIds[name] ?? [])],
        annotations: pool.metadata.annotations ?? {},
        resources: pool.spec.resources,
        jvmOptions: pool.spec.jvmOptions,
        template: pool.spec.template,
      };
    });
  }
  if (spec.replicas === undefined || spec.storage === undefined) {
    throw new ReconcileFailure(
      'InvalidResource',
      `${kafkaIdentity(kafka)} has no nodes: no KafkaNodePool is labelled strimzi.io/cluster=${kafka.metadata.name}, ` +
        'and spec.kafka.replicas and spec.kafka.storage are not both set. Create KafkaNodePools for the cluster.',
      { retryable: false },
    );
  }
  warnings.push({
    reason: 'ImplicitNodePool',
    message:
      `spec.kafka.replicas (${spec.replicas}) and spec.kafka.storage are mapped to the node pool ` +
      `"${implicitPoolName}" whose nodes are both controllers and brokers; move them to a KafkaNodePool to change roles.`,
  });
  return [
    {
      name: implicitPoolName,
      implicit: true,
      roles: ['controller', 'broker'],
      replicas: spec.replicas,
      storage: spec.storage,
      currentIds: existing.podNodeIds[implicitPoolName] ?? [],
      annotations: kafka.metadata.annotations ?? {},
    },
  ];
}

function sortRoles(roles: readonly NodeRole[]): NodeRole[] {
  return (['controller', 'broker'] as const).filter((role) => roles.includes(role));
}

function modelStorage(storage: Storage): StorageModel {
  if (storage.type === 'jbod') {
    return {
      type: 'jbod',
      volumes: (storage.volumes ?? []).map(modelVolume).sort((a, b) => (a.id ?? 0) - (b.id ?? 0)),
    };
  }
  return modelVolume({ ...storage, type: storage.type });
}

function modelVolume(volume: StorageVolume): VolumeModel {
  const kraftMetadata = volume.kraftMetadata === 'shared' ? { kraftMetadata: 'shared' as const } : {};
  if (volume.type === 'ephemeral') {
    return { type: 'ephemeral', id: volume.id, sizeLimit: volume.sizeLimit, ...kraftMetadata };
  }
  return {
    type: 'persistent-claim',
    id: volume.id,
    size: volume.size ?? '',
    class: volume.class,
    selector: volume.selector,
    deleteClaim: volume.deleteClaim ?? false,
    ...kraftMetadata,
  };
}
