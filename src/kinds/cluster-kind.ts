// The Kafka kind as the runtime runs it: the caches of the Kafkas and of the kinds whose changes
// reconcile a Kafka — its KafkaNodePools (by their strimzi.io/cluster label) and the pods of its nodes —,
// the cluster machine with its effects provided, the status of each settled state, and the topics and
// users that wait for it.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { fromPromise } from 'xstate';
import { claimResizeChanged } from '../actors/cluster/claim-changes.ts';
import { type ClusterEffectsOptions, createClusterEffects } from '../actors/cluster/cluster-effects.ts';
import { buildKafkaStatus } from '../actors/cluster/cluster-status.ts';
import { isPodReady } from '../actors/cluster/pod-plan.ts';
import { isKafkaReady } from '../actors/kafka/managed-cluster-access.ts';
import {
  namespacedObjectTypes,
  type ObjectType,
  persistentVolumeClaimType,
  podType,
} from '../actors/kubernetes/kubernetes-objects.ts';
import type { Kafka } from '../api/kafka.ts';
import type { KafkaNodePool } from '../api/kafka-node-pool.ts';
import { clusterLabel, kindLabel } from '../api/labels.ts';
import {
  kafkaNodePoolType,
  kafkaTopicType,
  kafkaType,
  kafkaUserType,
  type ResourceType,
} from '../api/resources.ts';
import {
  type ClusterContext,
  type ClusterPlan,
  type ClusterStepInput,
  type ClusterWait,
  clusterMachine,
  type ListenerStatus,
  type StepProgress,
} from '../machines/cluster-machine.ts';
import {
  needsReconcile,
  type RelatedKind,
  type ResourceCaches,
  type ResourceInformer,
  type ResourceKind,
  type Waiters,
} from '../supervisor/contract.ts';

// The indexes of KafkaNodePools and of the objects made for a cluster by the Kafka they belong to:
// namespace/cluster.
const nodePoolsByCluster = 'cluster';
const objectsByCluster = 'cluster';

function clusterKey(object: KubernetesObject): string[] {
  const cluster = object.metadata?.labels?.[clusterLabel];
  return cluster ? [`${object.metadata?.namespace}/${cluster}`] : [];
}

// A pod matters to its cluster when it appears, goes, turns Ready or not, or is being deleted.
function podChanged(updated: KubernetesObject, old: KubernetesObject): boolean {
  const a = updated as V1Pod;
  const b = old as V1Pod;
  return (
    isPodReady(a) !== isPodReady(b) ||
    a.status?.phase !== b.status?.phase ||
    a.metadata?.deletionTimestamp !== b.metadata?.deletionTimestamp ||
    needsReconcile(updated, old)
  );
}

function resourceOf(type: ObjectType): ResourceType {
  const [group, version] = type.apiVersion.includes('/') ? type.apiVersion.split('/') : ['', type.apiVersion];
  return { group: group ?? '', version: version ?? type.apiVersion, kind: type.kind, plural: type.plural };
}

const podResource = resourceOf(podType);
const claimResource = resourceOf(persistentVolumeClaimType);

// The objects the operator made for the clusters (labelled strimzi.io/kind=Kafka), by the cluster they
// belong to. Cached objects carry no apiVersion and kind when they came from a list: they are set here,
// as the effects compare them with the desired objects.
export type ClusterObjects = (namespace: string, cluster: string) => KubernetesObject[];

// The caches of the Kafkas, their KafkaNodePools, the pods of their nodes (for the rack writer too) and the
// other objects made for them.
export function watchClusters(caches: ResourceCaches, labelSelector: string | undefined) {
  const made = namespacedObjectTypes.map((type) => ({
    type,
    cache: caches.watch<KubernetesObject>(resourceOf(type), {
      // The pods' and the claims' caches are the ones the Supervisor reconciles the Kafkas by
      // (relatedKinds).
      ...(type === podType || type === persistentVolumeClaimType ? {} : { name: `Kafka/${type.kind}` }),
      labelSelector: `${kindLabel}=Kafka`,
      indexers: { [objectsByCluster]: clusterKey },
    }),
  }));
  const clusterObjects: ClusterObjects = (namespace, cluster) =>
    made.flatMap(({ type, cache }) =>
      cache
        .byIndex(objectsByCluster, `${namespace}/${cluster}`)
        .map((object) => ({ ...object, apiVersion: type.apiVersion, kind: type.kind })),
    );
  const pods = made.find(({ type }) => type === podType)?.cache as ResourceInformer<V1Pod> | undefined;
  if (!pods) throw new Error('the objects made for clusters include no pods');
  return {
    pods,
    kafkas: caches.watch<Kafka>(kafkaType, { labelSelector }),
    nodePools: caches.watch<KafkaNodePool>(kafkaNodePoolType, {
      indexers: { [nodePoolsByCluster]: clusterKey },
    }),
    clusterObjects,
  };
}

const relatedKinds: RelatedKind[] = [
  { type: kafkaNodePoolType, ownerKeys: clusterKey },
  { type: podResource, ownerKeys: clusterKey, needsReconcile: podChanged },
  // The claims the operator makes need no reconcile when they appear; their growth does.
  { type: claimResource, ownerKeys: clusterKey, reconcileOnAdd: false, needsReconcile: claimResizeChanged },
];

// Topics and users of a Kafka fail while it runs no operator for them or is not Ready: once it is Ready
// and either changed, they go on at once rather than at the end of their back-off.
const topicsAndUsers: Waiters<Kafka> = {
  kinds: [kafkaTopicType.kind, kafkaUserType.kind],
  released: (updated, old) =>
    isKafkaReady(updated) &&
    (!isKafkaReady(old) ||
      JSON.stringify(updated.spec.entityOperator) !== JSON.stringify(old.spec.entityOperator)),
  waitsFor: (candidate, kafka) =>
    candidate.metadata?.namespace === kafka.metadata?.namespace &&
    candidate.metadata?.labels?.[clusterLabel] === kafka.metadata?.name,
};

export interface ClusterKindOptions extends Omit<ClusterEffectsOptions, 'poolsOf' | 'objectsOf'> {
  // package.json's version: status.operatorLastSuccessfulVersion.
  operatorVersion: string;
}

export function createClusterKind(
  watched: { nodePools: ResourceInformer<KafkaNodePool>; clusterObjects: ClusterObjects },
  options: ClusterKindOptions,
): ResourceKind<Kafka> {
  const { nodePools } = watched;
  const effects = createClusterEffects({
    ...options,
    objectsOf: watched.clusterObjects,
    poolsOf: (kafka) =>
      nodePools.byIndex(nodePoolsByCluster, `${kafka.metadata?.namespace}/${kafka.metadata?.name}`),
  });
  return {
    type: kafkaType,
    machine: clusterMachine.provide({
      actors: {
        applyCluster: fromPromise<ClusterPlan, Kafka>(({ input, signal }) =>
          effects.applyCluster(input, signal),
        ),
        scaleCluster: fromPromise<StepProgress, ClusterStepInput>(({ input, signal }) =>
          effects.scaleCluster(input, signal),
        ),
        rollPods: fromPromise<StepProgress, ClusterStepInput>(({ input, signal }) =>
          effects.rollPods(input, signal),
        ),
        observeCluster: fromPromise<ListenerStatus[] | ClusterWait, ClusterStepInput>(({ input, signal }) =>
          effects.observeCluster(input, signal),
        ),
      },
    }),
    buildStatus: (state, context, resource, now) =>
      buildKafkaStatus(state, context as ClusterContext, resource, now, options.operatorVersion),
    related: relatedKinds,
    waiters: topicsAndUsers,
  };
}
