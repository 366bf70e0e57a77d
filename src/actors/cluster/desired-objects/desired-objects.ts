// Everything a Kafka cluster should have in Kubernetes, built from the model: the cluster-wide objects
// (service account, services, disruption budget, network policy) and per node its ConfigMap, certificate
// Secret, claims, per-broker services and pod. The effects apply these, prune what is not among them,
// and roll pods whose strimzi.io/revision differs.
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Ingress,
  V1NetworkPolicy,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1Secret,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import type { ClusterModel, NodeModel, PoolModel } from '../../../machines/cluster-model.ts';
import type { KeyAndCertificate } from '../../certificates/certificates.ts';
import type { AssignedAddresses } from '../broker-config/advertised-addresses.ts';
import { dynamicUserConfig, staticUserConfig } from '../broker-config/dynamic-config.ts';
import { buildNodeConfiguration } from '../broker-config/node-configuration.ts';
import { buildStartupScript } from '../broker-config/startup-script.ts';
import { buildBrokerAgentConfigMap } from './broker-agent.ts';
import { buildBootstrapService, buildBrokersService } from './cluster-services.ts';
import { objectHash } from './content-hash.ts';
import { buildListenerBootstrapIngresses, buildPerBrokerIngresses } from './listener-ingresses.ts';
import { buildListenerBootstrapServices, buildPerBrokerServices } from './listener-services.ts';
import { buildNetworkPolicy, type OperatorPeer } from './network-policy.ts';
import { buildNodeCertificateSecret, serverCertificateHash } from './node-certificates.ts';
import { buildNodeConfigMap } from './node-config-map.ts';
import { buildNodePod, type CaGenerations } from './node-pod.ts';
import { buildNodeClaims } from './persistent-volume-claims.ts';
import { buildPodDisruptionBudget } from './pod-disruption-budget.ts';
import { buildServiceAccount } from './service-account.ts';

export interface DesiredObjectInputs {
  /** Each node's server certificate by node id, issued for nodeCertificateNames(model, node). */
  nodeCertificates: ReadonlyMap<number, KeyAndCertificate>;
  /** The CA generations now: on the certificate Secrets and pods, so that a new CA rolls the nodes. */
  caGenerations: CaGenerations;
  /** Node ports and load balancer hosts Kubernetes assigned to the per-broker services (for advertised.listeners). */
  assignedAddresses?: AssignedAddresses;
  /** The operator's pods, which the network policy lets reach the controller and replication ports. */
  operator: OperatorPeer;
  /** The brokers' readiness agent jar, base64-encoded. */
  brokerAgentJar: string;
}

export interface DesiredNodeObjects {
  node: NodeModel;
  configMap: V1ConfigMap;
  certificateSecret: V1Secret;
  persistentVolumeClaims: V1PersistentVolumeClaim[];
  /** The node's per-broker services (none for controller-only nodes). */
  services: V1Service[];
  /** The node's per-broker Ingresses of ingress listeners. */
  ingresses: V1Ingress[];
  /** Annotated with strimzi.io/revision, configuration-hash and server-cert-hash. */
  pod: V1Pod;
}

export interface DesiredObjects {
  serviceAccount: V1ServiceAccount;
  brokerAgent: V1ConfigMap;
  /** The bootstrap, brokers and listener bootstrap services. */
  services: V1Service[];
  /** The bootstrap Ingresses of ingress listeners. */
  ingresses: V1Ingress[];
  podDisruptionBudget: V1PodDisruptionBudget;
  networkPolicy: V1NetworkPolicy;
  /** One entry per node of the model, by node id. */
  nodes: DesiredNodeObjects[];
}

export function buildDesiredObjects(model: ClusterModel, inputs: DesiredObjectInputs): DesiredObjects {
  return {
    serviceAccount: buildServiceAccount(model),
    brokerAgent: buildBrokerAgentConfigMap(model, inputs.brokerAgentJar),
    services: buildClusterServices(model),
    ingresses: buildListenerBootstrapIngresses(model),
    podDisruptionBudget: buildPodDisruptionBudget(model),
    networkPolicy: buildNetworkPolicy(model, inputs.operator),
    nodes: model.nodes.map((node) => buildNodeObjects(model, node, inputs)),
  };
}

/** The services of the cluster and of its brokers: they need no certificates nor assigned addresses, so the
 * effects can apply them first and read the node ports Kubernetes assigns before building configurations. */
export function buildServices(model: ClusterModel): V1Service[] {
  return [
    ...buildClusterServices(model),
    ...model.nodes.flatMap((node) => buildPerBrokerServices(model, node)),
  ];
}

/** Every object but the pods, in an order in which each finds what it refers to. */
export function supportingObjects(desired: DesiredObjects): KubernetesObject[] {
  return [
    desired.serviceAccount,
    desired.brokerAgent,
    ...desired.services,
    ...desired.ingresses,
    desired.podDisruptionBudget,
    desired.networkPolicy,
    ...desired.nodes.flatMap((node) => [
      node.configMap,
      node.certificateSecret,
      ...node.persistentVolumeClaims,
      ...node.services,
      ...node.ingresses,
    ]),
  ];
}

export function desiredPods(desired: DesiredObjects): V1Pod[] {
  return desired.nodes.map((node) => node.pod);
}

function buildClusterServices(model: ClusterModel): V1Service[] {
  return [buildBootstrapService(model), buildBrokersService(model), ...buildListenerBootstrapServices(model)];
}

function buildNodeObjects(
  model: ClusterModel,
  node: NodeModel,
  inputs: DesiredObjectInputs,
): DesiredNodeObjects {
  const pool = poolOf(model, node);
  const certificate = inputs.nodeCertificates.get(node.id);
  if (!certificate) {
    throw new Error(
      `node ${node.id} of Kafka ${model.namespace}/${model.name} has no certificate: issue it first`,
    );
  }
  const staticModel = { ...model, brokerConfig: staticUserConfig(model.brokerConfig) };
  const { configMap, configurationHash } = buildNodeConfigMap(model, node, {
    serverConfig: buildNodeConfiguration(model, node, inputs.assignedAddresses),
    staticServerConfig: buildNodeConfiguration(staticModel, node, inputs.assignedAddresses),
    startupScript: buildStartupScript(model, node),
  });
  return {
    node,
    configMap,
    certificateSecret: buildNodeCertificateSecret(
      model,
      node,
      certificate,
      inputs.caGenerations.clusterCaCert,
    ),
    persistentVolumeClaims: buildNodeClaims(model, node, pool),
    services: buildPerBrokerServices(model, node),
    ingresses: buildPerBrokerIngresses(model, node),
    pod: buildNodePod(model, node, pool, {
      configurationHash,
      dynamicConfigurationHash: dynamicConfigurationHash(model),
      serverCertificateHash: serverCertificateHash(certificate),
      caGenerations: inputs.caGenerations,
    }),
  };
}

// What the pods carry of the configuration Kafka takes at runtime (see dynamic-config.ts).
export function dynamicConfigurationHash(model: Pick<ClusterModel, 'brokerConfig'>): string {
  return objectHash(dynamicUserConfig(model.brokerConfig));
}

function poolOf(model: ClusterModel, node: NodeModel): PoolModel {
  const pool = model.pools.find((candidate) => candidate.name === node.pool);
  if (!pool) throw new Error(`node ${node.id} names pool ${node.pool}, which the model does not have`);
  return pool;
}
