// What a Kafka's actor does to the world, one effect per state of the cluster machine: applying
// (model, certificates, every object but the pods, pruning, the pod plan), scaling, rolling and
// observing (every pod Ready, the listeners' addresses, the KafkaNodePools' status).
import type {
  CoreV1Api,
  KubernetesObject,
  V1Node,
  V1Pod,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { statusEquivalent } from '../../api/conditions.ts';
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import { KubernetesRequestError } from '../../api/kubernetes-request.ts';
import { clusterLabel, kindLabel, manualRollingUpdateAnnotation, poolNameLabel } from '../../api/labels.ts';
import { kafkaNodePoolType } from '../../api/resources.ts';
import type { ClusterPlan, ClusterStepInput, ListenerStatus } from '../../machines/cluster-machine.ts';
import type { ClusterModel, ExistingState } from '../../machines/cluster-model.ts';
import { managedClusterAccess } from '../kafka/managed-cluster-access.ts';
import type { CustomResources } from '../kubernetes/custom-resources.ts';
import {
  type KubernetesObjects,
  namespacedObjectTypes,
  nodeType,
  type ObjectType,
  podType,
  secretType,
  serviceType,
} from '../kubernetes/kubernetes-objects.ts';
import { secretDataReader } from '../kubernetes/secret-data.ts';
import { applyChangedObjects } from './apply-objects.ts';
import type { AssignedAddresses } from './broker-config/advertised-addresses.ts';
import { caSecretIds, ensureClusterAuthorities } from './cluster-certificates.ts';
import { buildClusterModel } from './cluster-model.ts';
import { perBrokerServiceName } from './cluster-names.ts';
import { buildPoolStatus } from './cluster-status.ts';
import {
  buildDesiredObjects,
  buildServices,
  desiredPods,
  supportingObjects,
} from './desired-objects/desired-objects.ts';
import type { OperatorPeer } from './desired-objects/network-policy.ts';
import { listenerStatuses, nodePortCertificateAddresses } from './listener-addresses.ts';
import { ensureNodeCertificates } from './node-certificates.ts';
import { buildOperatorCertificateSecret } from './operator-certificate.ts';
import {
  type ClusterAccess,
  type PartitionReplicaCheck,
  replicationAccess,
} from './partition-replica-check.ts';
import { isManualRollRequested, nodeIdOf, planPods } from './pod-plan.ts';
import { waitForPodsReady } from './pod-readiness.ts';
import type { PodRoller } from './pod-roller.ts';
import { pruneObjects } from './prune-objects.ts';
import type { RestartGate } from './restart-gate.ts';
import { rollPods } from './roll-pods.ts';
import { holdBackScaleDown } from './scale-down-check.ts';
import { scaleNodes } from './scale-nodes.ts';

export interface ClusterEffectsOptions {
  api: KubernetesObjects;
  core: CoreV1Api;
  resources: CustomResources;
  // The watched KafkaNodePools of a Kafka (the informer's cache, by strimzi.io/cluster).
  poolsOf: (kafka: Kafka) => KafkaNodePool[];
  replicaCheck: PartitionReplicaCheck;
  roller: PodRoller;
  // Opens what Kafka says about restarting the nodes of one cluster, for one roll.
  openRestartGate: (access: ClusterAccess, model: ClusterModel) => RestartGate;
  // The operator's pods, which the network policy lets reach the controller and replication ports.
  operator: OperatorPeer;
  // How long a pod may take to become Ready (or to go away) before the reconcile fails.
  operationTimeoutMs: number;
}

function clusterObjectSelector(cluster: string): string {
  return `${clusterLabel}=${cluster},${kindLabel}=Kafka`;
}

async function readClusterObjects(
  api: KubernetesObjects,
  namespace: string,
  cluster: string,
): Promise<KubernetesObject[]> {
  const selector = clusterObjectSelector(cluster);
  const lists = await Promise.all(namespacedObjectTypes.map((type) => api.list(type, namespace, selector)));
  return lists.flat();
}

function ofKind<T extends KubernetesObject>(objects: readonly KubernetesObject[], type: ObjectType): T[] {
  return objects.filter((object) => object.kind === type.kind) as T[];
}

// The node ids that have a pod now, by pool: the model keeps them (Strimzi's node id rules).
function existingState(pods: readonly V1Pod[]): ExistingState {
  const podNodeIds: Record<string, number[]> = {};
  for (const pod of pods) {
    const pool = pod.metadata?.labels?.[poolNameLabel];
    const id = nodeIdOf(pod);
    if (pool && Number.isInteger(id)) podNodeIds[pool] = [...(podNodeIds[pool] ?? []), id];
  }
  return { podNodeIds };
}

// Node ports and load balancer hosts Kubernetes gave the per-broker services, for advertised.listeners.
function assignedAddresses(model: ClusterModel, services: readonly KubernetesObject[]): AssignedAddresses {
  const assigned: AssignedAddresses = {};
  for (const listener of model.listeners) {
    for (const node of model.nodes) {
      const name = perBrokerServiceName(model.name, node.pool, listener.name, node.id);
      const service = services.find((candidate) => candidate.metadata?.name === name) as
        | V1Service
        | undefined;
      if (!service) continue;
      const ingress = service.status?.loadBalancer?.ingress?.[0];
      assigned[listener.name] = {
        ...assigned[listener.name],
        [node.id]: { nodePort: service.spec?.ports?.[0]?.nodePort, host: ingress?.hostname ?? ingress?.ip },
      };
    }
  }
  return assigned;
}

export function createClusterEffects(options: ClusterEffectsOptions) {
  const { api } = options;

  async function applyCluster(kafka: Kafka, signal: AbortSignal): Promise<ClusterPlan> {
    const namespace = kafka.metadata?.namespace ?? '';
    const name = kafka.metadata?.name ?? '';
    const current = await readClusterObjects(api, namespace, name);
    const pods = ofKind<V1Pod>(current, podType);
    const pools = options.poolsOf(kafka);
    const existing = existingState(pods);
    const secrets = ofKind<V1Secret>(current, secretType);
    // Throws on a spec that cannot run: the reconcile fails before anything is created.
    const specified = buildClusterModel(kafka, pools, existing);
    const authorities = await ensureClusterAuthorities(options.core, api, kafka, specified, secrets);
    signal.throwIfAborted();
    const { model, warnings } = await holdBackScaleDown(
      options.replicaCheck,
      replicationAccess(specified, authorities.clusterCa, authorities.operatorCertificate),
      { kafka, pools, existing, pods },
      specified,
    );
    const nodeCertificates = await ensureNodeCertificates(
      model,
      authorities.clusterCa,
      secrets,
      authorities.settings,
      nodePortCertificateAddresses(model, { pods, nodes: await nodesOfTlsNodePorts(model, pods) }),
    );
    signal.throwIfAborted();
    // Services first: the configuration advertises the node ports Kubernetes assigns them.
    const services = await applyChangedObjects(api, buildServices(model), current, signal);
    const desired = buildDesiredObjects(model, {
      nodeCertificates,
      caGenerations: authorities.caGenerations,
      assignedAddresses: assignedAddresses(model, services.current),
      operator: options.operator,
    });
    const supporting = [
      ...supportingObjects(desired),
      buildOperatorCertificateSecret(model, authorities.operatorCertificate),
    ];
    // The services as just applied come last, so they stand for the ones read before.
    await applyChangedObjects(api, supporting, [...current, ...services.current], signal);
    const wantedPods = desiredPods(desired);
    await pruneObjects(
      api,
      [...supporting, ...wantedPods],
      current,
      { ownerUid: model.uid, keep: new Set(caSecretIds(model.name)) },
      signal,
    );
    return {
      model,
      warnings,
      clusterCaCertificate: authorities.clusterCa.certificatePem,
      ...planPods(
        wantedPods,
        pods,
        new Set(pools.filter(isManualRollRequested).map((pool) => pool.metadata?.name ?? '')),
      ),
    };
  }

  async function scaleCluster({ kafka, plan }: ClusterStepInput, signal: AbortSignal): Promise<void> {
    await scaleNodes(api, {
      namespace: kafka.metadata?.namespace ?? '',
      create: plan.create,
      remove: plan.remove,
      timeoutMs: options.operationTimeoutMs,
      signal,
    });
  }

  async function rollClusterPods({ kafka, plan }: ClusterStepInput, signal: AbortSignal): Promise<void> {
    // The operator's certificate and the cluster CA, as applying left them in their Secrets.
    const access = await managedClusterAccess(kafka, secretDataReader(options.core));
    const gate = options.openRestartGate(access, plan.model);
    try {
      await rollPods(api, options.roller, {
        namespace: kafka.metadata?.namespace ?? '',
        roll: plan.roll,
        manualPools: new Set(plan.manuallyRolledPools),
        gate,
        timeoutMs: options.operationTimeoutMs,
        signal,
      });
    } finally {
      await gate.close();
    }
    await removeManualRollRequests(kafka, plan.manuallyRolledPools);
  }

  // Strimzi's behaviour: a pool's manual rolling update is done once every pod of it has rolled.
  async function removeManualRollRequests(kafka: Kafka, rolledPools: readonly string[]): Promise<void> {
    for (const pool of options.poolsOf(kafka)) {
      if (!rolledPools.includes(pool.metadata?.name ?? '')) continue;
      await options.resources.removeAnnotation(kafkaNodePoolType, pool, manualRollingUpdateAnnotation);
    }
  }

  async function writePoolStatuses(kafka: Kafka, model: ClusterModel): Promise<void> {
    for (const pool of options.poolsOf(kafka)) {
      const modelled = model.pools.find((candidate) => candidate.name === pool.metadata?.name);
      if (!modelled) continue;
      const status = buildPoolStatus(model, modelled, pool);
      if (statusEquivalent(status, pool.status)) continue;
      await options.resources.patchStatus(
        kafkaNodePoolType,
        { namespace: model.namespace, name: modelled.name },
        status,
      );
    }
  }

  // The certificates of brokers behind TLS nodeport listeners name the nodes they may run on: every
  // node, or where the operator may not list nodes, those its pods run on.
  async function nodesOfTlsNodePorts(model: ClusterModel, pods: readonly V1Pod[]): Promise<V1Node[]> {
    if (!model.listeners.some((listener) => listener.type === 'nodeport' && listener.tls)) return [];
    try {
      return await api.list<V1Node>(nodeType, undefined);
    } catch (error) {
      if (!(error instanceof KubernetesRequestError && error.statusCode === 403)) throw error;
      return readNodes(pods);
    }
  }

  // The nodes the pods run on. Nodes are cluster-scoped: an operator granted only namespaced Roles
  // cannot read them (403) and knows a node by the address its pod reports (hostIP, internal) instead.
  async function readNodes(pods: readonly V1Pod[]): Promise<V1Node[]> {
    const running = pods.filter((pod) => pod.spec?.nodeName);
    const names = [...new Set(running.map((pod) => pod.spec?.nodeName ?? ''))];
    const nodes = await Promise.all(
      names.map((name) =>
        api.get<V1Node>(nodeType, undefined, name).catch((error: unknown) => {
          if (!(error instanceof KubernetesRequestError && error.statusCode === 403)) throw error;
          const hostIP = running.find((pod) => pod.spec?.nodeName === name)?.status?.hostIP;
          return {
            metadata: { name },
            status: { addresses: hostIP ? [{ type: 'InternalIP', address: hostIP }] : [] },
          };
        }),
      ),
    );
    return nodes.filter((node) => node !== undefined);
  }

  async function observeCluster(
    { kafka, plan }: ClusterStepInput,
    signal: AbortSignal,
  ): Promise<ListenerStatus[]> {
    const { model } = plan;
    await waitForPodsReady(
      api,
      model.namespace,
      model.nodes.map((node) => node.podName),
      { timeoutMs: options.operationTimeoutMs, signal },
    );
    const selector = clusterObjectSelector(model.name);
    const [pods, services] = await Promise.all([
      api.list<V1Pod>(podType, model.namespace, selector),
      api.list<V1Service>(serviceType, model.namespace, selector),
    ]);
    // Only nodeport listeners need the Kubernetes nodes (and the permission to read them).
    const nodes = model.listeners.some((listener) => listener.type === 'nodeport')
      ? await readNodes(pods)
      : [];
    await writePoolStatuses(kafka, model);
    return listenerStatuses(model, { pods, services, nodes }, plan.clusterCaCertificate);
  }

  return { applyCluster, scaleCluster, rollPods: rollClusterPods, observeCluster };
}
