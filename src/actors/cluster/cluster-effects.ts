// What a Kafka's actor does to the world, one effect per state of the cluster machine: applying
// (model, certificates, every object but the pods, pruning, the pod plan), scaling, rolling and
// observing (every pod Ready, the listeners' addresses, the KafkaNodePools' status). A step that must
// wait returns what it waits for instead of holding the reconcile.
import type {
  CoreV1Api,
  KubernetesObject,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { statusEquivalent } from '../../api/conditions.ts';
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import { KubernetesRequestError } from '../../api/kubernetes-request.ts';
import {
  dynamicConfigurationHashAnnotation,
  manualRollingUpdateAnnotation,
  poolNameLabel,
} from '../../api/labels.ts';
import { kafkaNodePoolType } from '../../api/resources.ts';
import type {
  ClusterPlan,
  ClusterStep,
  ClusterStepInput,
  ClusterWait,
  ListenerStatus,
  StepProgress,
} from '../../machines/cluster-machine.ts';
import type { ClusterModel, ClusterWarning, ExistingState } from '../../machines/cluster-model.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import type { ClusterDefaultsAdmin, ClusterHealthAdmin } from '../kafka/kafka-admin.ts';
import { managedClusterAccess } from '../kafka/managed-cluster-access.ts';
import type { CustomResources } from '../kubernetes/custom-resources.ts';
import type { EventToRecord } from '../kubernetes/event-recorder.ts';
import {
  type KubernetesObjects,
  nodeType,
  type ObjectType,
  persistentVolumeClaimType,
  podType,
  secretType,
  serviceType,
} from '../kubernetes/kubernetes-objects.ts';
import { secretDataReader } from '../kubernetes/secret-data.ts';
import { applyChangedObjects } from './apply-objects.ts';
import type { AssignedAddresses } from './broker-config/advertised-addresses.ts';
import { clusterDefaultChanges, dynamicUserConfig } from './broker-config/dynamic-config.ts';
import { claimsResizing, growsClaim, holdClaimChanges, podsToRestartForResize } from './claim-changes.ts';
import { caSecretIds, ensureClusterAuthorities } from './cluster-certificates.ts';
import { buildClusterModel } from './cluster-model.ts';
import { perBrokerServiceName } from './cluster-names.ts';
import { buildPoolStatus } from './cluster-status.ts';
import { continueWaiting, podWaitRetryMs, type WaitRequest } from './cluster-waits.ts';
import {
  buildDesiredObjects,
  buildServices,
  desiredPods,
  dynamicConfigurationHash,
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
import { isManualRollRequested, nodeIdOf, planPods, poolOf } from './pod-plan.ts';
import { podsNotReady } from './pod-readiness.ts';
import { pruneObjects } from './prune-objects.ts';
import { KafkaRestartGate, type RestartGate } from './restart-gate.ts';
import { rollPods } from './roll-pods.ts';
import { holdBackScaleDown } from './scale-down-check.ts';
import { createAbsentPods, readPods, removeNodes } from './scale-nodes.ts';
import { unsupportedFieldsEvent } from './unsupported-fields.ts';
import { refuseVolumeRemoval } from './volume-removal-check.ts';

export interface ClusterEffectsOptions {
  api: KubernetesObjects;
  core: CoreV1Api;
  resources: CustomResources;
  // The watched KafkaNodePools of a Kafka (the informer's cache, by strimzi.io/cluster).
  poolsOf: (kafka: Kafka) => KafkaNodePool[];
  // The objects made for a cluster, as the informers' caches have them (every kind of
  // namespacedObjectTypes, labelled strimzi.io/kind=Kafka): a reconcile lists nothing from the apiserver.
  objectsOf: (namespace: string, cluster: string) => KubernetesObject[];
  replicaCheck: PartitionReplicaCheck;
  // Opens an Admin client of one cluster, for one step: what Kafka says about restarting its nodes, and
  // the configuration it takes at runtime.
  openClusterAdmin: (access: ClusterAccess) => ClusterHealthAdmin & ClusterDefaultsAdmin;
  // An Event that cannot be written is logged by the recorder; it does not fail what it reports.
  recordEvent: (kafka: Kafka, event: EventToRecord) => Promise<void>;
  // The operator's pods, which the network policy lets reach the controller and replication ports.
  operator: OperatorPeer;
  // The brokers' readiness agent jar (kafka-agent/), base64-encoded.
  brokerAgentJar: string;
  // How long a step may wait for the same thing (a pod to start, a node to be back in Kafka) before
  // the reconcile fails with what it waited for.
  operationTimeoutMs: number;
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

// Keys only: a value may be sensitive, and the spec already says it.
function describeChanges(set: Record<string, string>, remove: readonly string[]): string {
  return [
    ...(Object.keys(set).length > 0 ? [`set ${Object.keys(set).sort().join(', ')}`] : []),
    ...(remove.length > 0 ? [`removed ${remove.join(', ')}`] : []),
  ].join('; ');
}

export function createClusterEffects(options: ClusterEffectsOptions) {
  const { api } = options;

  async function applyCluster(kafka: Kafka, signal: AbortSignal): Promise<ClusterPlan> {
    const namespace = kafka.metadata?.namespace ?? '';
    const name = kafka.metadata?.name ?? '';
    const current = options.objectsOf(namespace, name);
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
      brokerAgentJar: options.brokerAgentJar,
    });
    // Before any object of the nodes changes.
    await refuseVolumeRemoval({
      kafka,
      desired: desiredPods(desired),
      pods,
      check: options.replicaCheck,
      access: replicationAccess(model, authorities.clusterCa, authorities.operatorCertificate),
    });
    const supporting = [
      ...supportingObjects(desired),
      buildOperatorCertificateSecret(model, authorities.operatorCertificate),
    ];
    // The services as just applied come last, so they stand for the ones read before.
    await applyChangedObjects(
      api,
      supporting.filter((object) => object.kind !== persistentVolumeClaimType.kind),
      [...current, ...services.current],
      signal,
    );
    const heldClaims = holdClaimChanges(ofKind(supporting, persistentVolumeClaimType), current);
    const claimWarnings = await applyClaims(heldClaims.claims, current, signal);
    const wantedPods = desiredPods(desired);
    const rolledPods = await handOverManualRollRequests(pods, pools);
    await pruneObjects(
      api,
      [...supporting, ...wantedPods],
      current,
      { ownerUid: model.uid, keep: new Set(caSecretIds(model.name)) },
      signal,
    );
    // After everything is applied: the status this reconcile writes shows the warning, so the Event is not
    // recorded again for this generation.
    const unsupported = unsupportedFieldsEvent(kafka, model.warnings);
    if (unsupported) await options.recordEvent(kafka, unsupported);
    return {
      model,
      warnings: [...warnings, ...heldClaims.warnings, ...claimWarnings],
      clusterCaCertificate: authorities.clusterCa.certificatePem,
      ...planPods(wantedPods, rolledPods, podsToRestartForResize(current)),
    };
  }

  // Claims one at a time: Kubernetes refusing to grow one (its StorageClass does not allow expansion)
  // holds back that claim alone, with a Warning. Claims still growing are reported too.
  async function applyClaims(
    claims: readonly V1PersistentVolumeClaim[],
    current: readonly KubernetesObject[],
    signal: AbortSignal,
  ): Promise<ClusterWarning[]> {
    const refused: ClusterWarning[] = [];
    const applied: KubernetesObject[] = [];
    for (const claim of claims) {
      try {
        applied.push(...(await applyChangedObjects(api, [claim], current, signal)).current);
      } catch (error) {
        const refusedGrowth =
          error instanceof KubernetesRequestError &&
          (error.statusCode === 403 || error.statusCode === 422) &&
          growsClaim(claim, current);
        if (!refusedGrowth) throw error;
        refused.push({
          reason: 'StorageExpansionRefused',
          message:
            `PersistentVolumeClaim ${claim.metadata?.name} was not grown to ` +
            `${claim.spec?.resources?.requests?.storage}: ${error.message}`,
        });
      }
    }
    return [...refused, ...claimsResizing(applied)];
  }

  // Strimzi's manual rolling update of a KafkaNodePool: each of its pods is annotated to roll (a pod
  // created again is not), then the pool's annotation is removed; the roll carries on from the pods,
  // across reconciles. Returns the pods as annotated.
  async function handOverManualRollRequests(pods: V1Pod[], pools: KafkaNodePool[]): Promise<V1Pod[]> {
    const requested = new Set(pools.filter(isManualRollRequested).map((pool) => pool.metadata?.name ?? ''));
    if (requested.size === 0) return pods;
    const annotated = await Promise.all(
      pods.map(async (pod) => {
        if (!requested.has(poolOf(pod)) || isManualRollRequested(pod) || pod.metadata?.deletionTimestamp) {
          return pod;
        }
        const annotations = { [manualRollingUpdateAnnotation]: 'true' };
        await api.annotate(pod, annotations);
        return {
          ...pod,
          metadata: { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...annotations } },
        };
      }),
    );
    for (const pool of pools) {
      if (requested.has(pool.metadata?.name ?? '')) {
        await options.resources.removeAnnotation(kafkaNodePoolType, pool, manualRollingUpdateAnnotation);
      }
    }
    return annotated;
  }

  async function openAdmin(kafka: Kafka): Promise<ClusterHealthAdmin & ClusterDefaultsAdmin> {
    return options.openClusterAdmin(await managedClusterAccess(kafka, secretDataReader(options.core)));
  }

  // The configuration Kafka takes at runtime is written to Kafka's cluster-wide default entity, once
  // every node runs, and restarts nothing; each pod then carries the hash of what was written. Kafka
  // is asked only when a pod's hash differs, so a cluster whose configuration did not change needs no
  // connection to Kafka here.
  async function applyDynamicConfiguration(
    kafka: Kafka,
    model: ClusterModel,
    pods: readonly V1Pod[],
    signal: AbortSignal,
  ): Promise<void> {
    const hash = dynamicConfigurationHash(model);
    const stale = pods.filter(
      (pod) => pod.metadata?.annotations?.[dynamicConfigurationHashAnnotation] !== hash,
    );
    if (stale.length === 0) return;
    const admin = await openAdmin(kafka);
    try {
      await writeClusterDefaults(kafka, admin, dynamicUserConfig(model.brokerConfig), signal);
    } catch (error) {
      throw new ReconcileFailure(
        'ConfigurationUpdateFailed',
        `Kafka ${model.namespace}/${model.name}: the configuration Kafka takes at runtime could not be ` +
          `written: ${error instanceof Error ? error.message : String(error)}. It is retried.`,
        { cause: error },
      );
    } finally {
      await admin.close();
    }
    for (const pod of stale) {
      signal.throwIfAborted();
      await api.annotate(pod, { [dynamicConfigurationHashAnnotation]: hash });
    }
  }

  async function writeClusterDefaults(
    kafka: Kafka,
    admin: ClusterDefaultsAdmin,
    desired: Record<string, string>,
    signal: AbortSignal,
  ): Promise<void> {
    const changes = clusterDefaultChanges(desired, await admin.describeClusterDefaults());
    if (Object.keys(changes.set).length + changes.remove.length === 0) return;
    // Fenced: a replica that stopped leading writes nothing more.
    signal.throwIfAborted();
    await admin.alterClusterDefaults(changes);
    await options.recordEvent(kafka, {
      type: 'Normal',
      reason: 'ConfigurationUpdated',
      message: `Kafka took the configuration at runtime, no node restarted: ${describeChanges(changes.set, changes.remove)}`,
    });
  }

  function waitOrThrow(step: ClusterStep, input: ClusterStepInput, request: WaitRequest): ClusterWait {
    return continueWaiting(step, request, input.waiting, options.operationTimeoutMs, Date.now());
  }

  function podsOf(model: ClusterModel): V1Pod[] {
    return ofKind<V1Pod>(options.objectsOf(model.namespace, model.name), podType);
  }

  async function scaleCluster(input: ClusterStepInput, signal: AbortSignal): Promise<StepProgress> {
    const { namespace } = input.plan.model;
    await createAbsentPods(api, input.plan.create, signal);
    await removeNodes(api, namespace, input.plan.remove, signal);
    const created = input.plan.create.map((pod) => pod.metadata?.name ?? '');
    const starting = podsNotReady(await readPods(api, namespace, created), created);
    if (!starting) return undefined;
    return waitOrThrow('scaling', input, {
      reason: 'ScalingUp',
      subject: `ready ${starting.names.join(',')}`,
      message: `Waiting for new pods to be Ready: ${starting.details}`,
      retryAfterMs: podWaitRetryMs,
    });
  }

  async function rollClusterPods(input: ClusterStepInput, signal: AbortSignal): Promise<StepProgress> {
    const { kafka, plan } = input;
    // Opened at the first question to Kafka, with the operator's certificate and the cluster CA as
    // applying left them in their Secrets.
    let opened: Promise<RestartGate> | undefined;
    const gate = () => {
      opened ??= openAdmin(kafka).then((admin) => new KafkaRestartGate(admin, plan.model));
      return opened;
    };
    try {
      const request = await rollPods(api, {
        roll: plan.roll,
        create: plan.create,
        pods: podsOf(plan.model),
        gate,
        signal,
      });
      return request === undefined ? undefined : waitOrThrow('rolling', input, request);
    } finally {
      // A gate that could not be opened failed the step above with its own error.
      await opened?.then(
        (restartGate) => restartGate.close(),
        () => undefined,
      );
    }
  }

  async function writePoolStatuses(kafka: Kafka, model: ClusterModel): Promise<void> {
    for (const pool of options.poolsOf(kafka)) {
      const modelled = model.pools.find((candidate) => candidate.name === pool.metadata?.name);
      if (!modelled) continue;
      const status = buildPoolStatus(model, modelled, pool, new Date());
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
    input: ClusterStepInput,
    signal: AbortSignal,
  ): Promise<ListenerStatus[] | ClusterWait> {
    const { kafka, plan } = input;
    const { model } = plan;
    const objects = options.objectsOf(model.namespace, model.name);
    const pods = ofKind<V1Pod>(objects, podType);
    const services = ofKind<V1Service>(objects, serviceType);
    const starting = podsNotReady(
      pods,
      model.nodes.map((node) => node.podName),
    );
    if (starting) {
      return waitOrThrow('observing', input, {
        reason: 'PodsStarting',
        subject: `ready ${starting.names.join(',')}`,
        message: `Waiting for pods to be Ready: ${starting.details}; check kubectl describe pod and the pod logs`,
        retryAfterMs: podWaitRetryMs,
      });
    }
    await applyDynamicConfiguration(kafka, model, pods, signal);
    // Only nodeport listeners need the Kubernetes nodes (and the permission to read them).
    const nodes = model.listeners.some((listener) => listener.type === 'nodeport')
      ? await readNodes(pods)
      : [];
    await writePoolStatuses(kafka, model);
    return listenerStatuses(model, { pods, services, nodes }, plan.clusterCaCertificate);
  }

  return { applyCluster, scaleCluster, rollPods: rollClusterPods, observeCluster };
}
