// Strimzi's labels and the owner reference on every object of a cluster, so that tools written for
// Strimzi select them, and deleting the Kafka deletes them (Kubernetes garbage collection).
import type { V1OwnerReference } from '@kubernetes/client-node';
import {
  brokerRoleLabel,
  clusterLabel,
  componentTypeLabel,
  controllerRoleLabel,
  kindLabel,
  nameLabel,
  podNameLabel,
  poolNameLabel,
} from '../../../api/labels.ts';
import type { ClusterModel, NodeModel } from '../../../machines/cluster-model.ts';

const componentType = 'kafka';
const managedBy = 'strimzi-cluster-operator';

/** strimzi.io/name of every Kafka node: `<cluster>-kafka`, whatever its pool. */
export function kafkaComponentName(cluster: string): string {
  return `${cluster}-kafka`;
}

/** The labels of the cluster-wide objects (services, policies, the service account). */
export function clusterLabels(model: ClusterModel): Record<string, string> {
  return {
    [kindLabel]: 'Kafka',
    [nameLabel]: kafkaComponentName(model.name),
    [clusterLabel]: model.name,
    [componentTypeLabel]: componentType,
    'app.kubernetes.io/name': componentType,
    'app.kubernetes.io/instance': labelValue(model.name),
    'app.kubernetes.io/part-of': labelValue(`strimzi-${model.name}`),
    'app.kubernetes.io/managed-by': managedBy,
  };
}

/** The labels of a pool's objects (per-node ConfigMaps, PVCs, per-broker services). */
export function poolLabels(model: ClusterModel, pool: string): Record<string, string> {
  return { ...clusterLabels(model), [poolNameLabel]: pool };
}

/** The labels of one node's objects (ConfigMap, certificate Secret): its pool's plus its pod name. */
export function nodeLabels(model: ClusterModel, node: NodeModel): Record<string, string> {
  return { ...poolLabels(model, node.pool), [podNameLabel]: node.podName };
}

/** The labels of a node's pod: its node labels plus its roles, which the services select by. */
export function podLabels(model: ClusterModel, node: NodeModel): Record<string, string> {
  return {
    ...nodeLabels(model, node),
    [brokerRoleLabel]: String(isBroker(node)),
    [controllerRoleLabel]: String(isController(node)),
  };
}

/** Selects every node of the cluster. */
export function clusterSelector(model: ClusterModel): Record<string, string> {
  return { [clusterLabel]: model.name, [nameLabel]: kafkaComponentName(model.name), [kindLabel]: 'Kafka' };
}

/** Selects the nodes that have the broker role: clients never reach controller-only nodes. */
export function brokersSelector(model: ClusterModel): Record<string, string> {
  return { ...clusterSelector(model), [brokerRoleLabel]: 'true' };
}

/** Selects one node's pod. */
export function nodeSelector(model: ClusterModel, node: NodeModel): Record<string, string> {
  return { ...clusterSelector(model), [poolNameLabel]: node.pool, [podNameLabel]: node.podName };
}

/** The Kafka as the controlling owner; blockOwnerDeletion false so that deletion never waits on parts. */
export function kafkaOwnerReference(model: ClusterModel): V1OwnerReference {
  return {
    apiVersion: model.apiVersion,
    kind: 'Kafka',
    name: model.name,
    uid: model.uid,
    controller: true,
    blockOwnerDeletion: false,
  };
}

export function isBroker(node: NodeModel): boolean {
  return node.roles.includes('broker');
}

export function isController(node: NodeModel): boolean {
  return node.roles.includes('controller');
}

// A label value is at most 63 characters and ends alphanumeric (Strimzi trims the same way).
function labelValue(value: string): string {
  return value.slice(0, 63).replace(/[-_.]+$/, '');
}
