// The cluster model's types: everything the builders (broker configuration, desired Kubernetes
// objects) need of a Kafka, its KafkaNodePools and what exists now, and what the cluster machine's
// plan carries. buildClusterModel (src/actors/cluster/cluster-model.ts) derives it.
import type {
  V1Affinity,
  V1EnvVar,
  V1HostAlias,
  V1LocalObjectReference,
  V1PodDNSConfig,
  V1PodSecurityContext,
  V1SecurityContext,
  V1Toleration,
  V1TopologySpreadConstraint,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type { JvmOptions, ProbeTimings, ResourceRequirements } from '../api/common.ts';
import type { KafkaListener, KafkaListenerConfiguration } from '../api/kafka.ts';
import type { KafkaNodeRole } from '../api/kafka-node-pool.ts';

export type NodeRole = KafkaNodeRole;

/** What exists now, read by the cluster effects before the model is built. */
export interface ExistingState {
  /** Node ids that have a pod now, by pool name (label strimzi.io/pool-name); these ids are kept. */
  podNodeIds: Record<string, number[]>;
  /** Node ids a scale-down must not remove yet (they still hold partition replicas): kept beyond replicas. */
  retainedNodeIds?: number[];
}

export interface ClusterModel {
  /** metadata.name of the Kafka: the cluster name in every object name. */
  name: string;
  /** metadata.namespace of the Kafka: everything lives there. */
  namespace: string;
  /** metadata.uid of the Kafka, for owner references. */
  uid: string;
  /** The apiVersion of the Kafka (v1 or v1beta2), for owner references. */
  apiVersion: string;
  /** The Kafka version the nodes run, from the supported versions table (kafka-versions.ts). */
  kafkaVersion: string;
  /** The KRaft metadata version: spec.kafka.metadataVersion, else the version's default. */
  metadataVersion: string;
  /** The container image: spec.kafka.image, else the official apache/kafka:<version>. */
  image: string;
  /** The KRaft cluster id (22 characters, base64url): status.clusterId, else derived from the uid. */
  clusterId: string;
  /** All nodes of all pools, sorted by id. */
  nodes: NodeModel[];
  /** The node pools (KafkaNodePools, or the implicit pool `kafka` of a v1beta2 Kafka), sorted by name. */
  pools: PoolModel[];
  /** The user listeners from spec.kafka.listeners, in spec order. */
  listeners: ListenerModel[];
  /** spec.kafka.authorization, when authorization is on. */
  authorization?: AuthorizationModel;
  /** spec.kafka.config without forbidden keys, values stringified, sorted by key. */
  brokerConfig: Record<string, string>;
  /** Every field mapped or ignored, for Warning conditions on the Kafka. */
  warnings: ClusterWarning[];
  /** Which entity operators spec.entityOperator turns on. */
  entityOperator: { topicOperator: boolean; userOperator: boolean };
  /** spec.kafka.rack, when rack awareness is on. */
  rack?: RackModel;
  /** spec.kafka.metricsConfig of type jmxPrometheusExporter: the ConfigMap key with the exporter's rules. */
  metrics?: { configMap: string; key: string };
  /** spec.kafka.livenessProbe and readinessProbe, each unset field at Strimzi's default. */
  probes: { liveness: ProbeModel; readiness: ProbeModel };
  /** spec.kafka.template of the objects the cluster has once. */
  templates: ClusterTemplatesModel;
}

export interface ClusterTemplatesModel {
  /** Extra labels and annotations of the ServiceAccount the nodes run as. */
  serviceAccount: MetadataTemplateModel;
  bootstrapService: ServiceTemplateModel;
  brokersService: ServiceTemplateModel;
  /** The bootstrap services of route, loadbalancer, nodeport and ingress listeners (metadata only). */
  externalBootstrapService: ServiceTemplateModel;
  /** The bootstrap Ingresses of ingress listeners. */
  externalBootstrapIngress: MetadataTemplateModel;
  podDisruptionBudget: {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    /** How many nodes may be disrupted at once (Strimzi's default 1). */
    maxUnavailable: number;
  };
}

export interface MetadataTemplateModel {
  /** Extra labels: the operator's own win. */
  labels: Record<string, string>;
  /** Extra annotations. */
  annotations: Record<string, string>;
}

export interface ServiceTemplateModel extends MetadataTemplateModel {
  ipFamilyPolicy?: string;
  ipFamilies?: string[];
}

/** The timings of one probe, every field set. */
export type ProbeModel = Required<ProbeTimings>;

export type RackModel =
  | {
      /** The rack is a label of the Kubernetes node the pod runs on. */
      type: 'topology-label';
      /** The node label, e.g. topology.kubernetes.io/zone. */
      topologyKey: string;
    }
  | {
      /** The rack is an environment variable of the Kafka container. */
      type: 'environment-variable';
      /** The variable's name. */
      envVarName: string;
    };

export interface ClusterWarning {
  /** One CamelCase word, e.g. ZooKeeperIgnored, KafkaConfigIgnored. */
  reason: string;
  /** What was done and what the user may change. */
  message: string;
}

export interface PoolModel {
  /** metadata.name of the KafkaNodePool (`kafka` for the implicit pool). */
  name: string;
  /** True for the pool made from a v1beta2 Kafka's spec.kafka.replicas/storage (no KafkaNodePool exists). */
  implicit: boolean;
  /** metadata.uid of the KafkaNodePool (undefined for the implicit pool). */
  uid?: string;
  /** The roles of every node of the pool, sorted (controller before broker). */
  roles: NodeRole[];
  /** The number of nodes the pool has in the model (spec.replicas, plus retained nodes). */
  replicas: number;
  /** The node ids of the pool, sorted. */
  nodeIds: number[];
  /** The pool's storage. */
  storage: StorageModel;
  /** Container resources of the pool's pods (pool first, else spec.kafka.resources). */
  resources?: ResourceRequirements;
  /** JVM options of the pool's pods (pool first, else spec.kafka.jvmOptions). */
  jvmOptions?: JvmOptions;
  /** Pod template fields (pool first, else spec.kafka.template.pod). */
  template: PodTemplateModel;
}

export interface PodTemplateModel {
  /** Extra labels for the pods. */
  labels: Record<string, string>;
  /** Extra annotations for the pods. */
  annotations: Record<string, string>;
  /** Pod affinity, as written. */
  affinity?: V1Affinity;
  /** Pod tolerations, as written. */
  tolerations?: V1Toleration[];
  topologySpreadConstraints?: V1TopologySpreadConstraint[];
  priorityClassName?: string;
  /** Replaces the operator's pod security context. */
  securityContext?: V1PodSecurityContext;
  imagePullSecrets?: V1LocalObjectReference[];
  terminationGracePeriodSeconds?: number;
  hostAliases?: V1HostAlias[];
  enableServiceLinks?: boolean;
  schedulerName?: string;
  dnsPolicy?: string;
  dnsConfig?: V1PodDNSConfig;
  /** The size of the memory-backed /tmp (Strimzi's default 5Mi). */
  tmpDirSizeLimit?: string;
  /** template.pod.volumes: volumes the pod gets besides the operator's. */
  volumes?: V1Volume[];
  /** template.kafkaContainer.volumeMounts: where the kafka container mounts them (under /mnt). */
  containerVolumeMounts?: V1VolumeMount[];
  /** template.kafkaContainer.env: the operator's own variables win over these. */
  containerEnv: V1EnvVar[];
  /** template.kafkaContainer.securityContext: replaces the operator's container security context. */
  containerSecurityContext?: V1SecurityContext;
  /** template.perPodService: the per-broker services of exposed listeners (metadata only). */
  perPodService: ServiceTemplateModel;
  /** template.perPodIngress: the per-broker Ingresses of ingress listeners. */
  perPodIngress: MetadataTemplateModel;
  /** template.persistentVolumeClaim: extra labels and annotations of the nodes' claims. */
  persistentVolumeClaim: MetadataTemplateModel;
}

export interface NodeModel {
  /** The Kafka node.id. */
  id: number;
  /** The pool the node belongs to. */
  pool: string;
  /** `<cluster>-<pool>-<id>`. */
  podName: string;
  /** The node's roles (those of its pool), controller before broker. */
  roles: NodeRole[];
}

export type ListenerType = KafkaListener['type'];

export interface ListenerModel {
  /** The user's listener name, lower case, e.g. plain. */
  name: string;
  /** The name Kafka knows the listener by: `<NAME>-<PORT>`, e.g. PLAIN-9092. */
  kafkaName: string;
  /** The port inside the pod. */
  port: number;
  /** How the listener is exposed. */
  type: ListenerType;
  /** Whether the listener uses TLS. */
  tls: boolean;
  /** How clients authenticate, when they do. */
  authentication?: ListenerAuthentication;
  /** configuration.bootstrap: the bootstrap service's node port, host and metadata. */
  bootstrap: ListenerBootstrap;
  /** configuration.brokers, one entry per node id the user configured. */
  brokers: ListenerBrokerOverride[];
  /** Other listener configuration fields as written (brokerCertChainAndKey, class, externalTrafficPolicy, ...). */
  configuration: Pick<
    KafkaListenerConfiguration,
    'brokerCertChainAndKey' | 'maxConnections' | 'maxConnectionCreationRate'
  > &
    Record<string, unknown>;
  /** networkPolicyPeers as written; undefined means everyone may connect. */
  networkPolicyPeers?: Record<string, unknown>[];
}

export interface ListenerAuthentication {
  /** tls (mutual TLS), scram-sha-512 (SASL SCRAM), custom (user-provided listener configuration). */
  type: 'tls' | 'scram-sha-512' | 'custom';
  /** custom only: whether the listener uses SASL. */
  sasl: boolean;
  /** custom only: broker settings for this listener, prefixed with listener.name.<kafkaName lower>. */
  listenerConfig: Record<string, string>;
}

export interface ListenerBootstrap {
  /** The node port of the bootstrap service (nodeport listeners). */
  nodePort?: number;
  /** The bootstrap host (ingress/route listeners). */
  host?: string;
  /** The load balancer IP (loadbalancer listeners). */
  loadBalancerIP?: string;
  /** Extra names for the bootstrap certificate. */
  alternativeNames: string[];
  /** Extra annotations of the bootstrap service. */
  annotations: Record<string, string>;
  /** Extra labels of the bootstrap service. */
  labels: Record<string, string>;
}

export interface ListenerBrokerOverride {
  /** The node id (configuration.brokers[].broker). */
  nodeId: number;
  /** The host advertised to clients for this node, instead of the node's address. */
  advertisedHost?: string;
  /** The port advertised to clients for this node, instead of the listener's port/node port. */
  advertisedPort?: number;
  /** The node port of the per-broker service (nodeport listeners). */
  nodePort?: number;
  /** The per-broker host (ingress/route listeners). */
  host?: string;
  /** The load balancer IP of the per-broker service. */
  loadBalancerIP?: string;
  /** Extra annotations of the per-broker service. */
  annotations: Record<string, string>;
  /** Extra labels of the per-broker service. */
  labels: Record<string, string>;
}

export type AuthorizationModel =
  | {
      /** Kafka's StandardAuthorizer with ACLs. */
      type: 'simple';
      /** spec.kafka.authorization.superUsers, as written (Kafka principals without the User: prefix). */
      superUsers: string[];
    }
  | {
      /** A user-provided authorizer class. */
      type: 'custom';
      /** The authorizer class. */
      authorizerClass: string;
      /** spec.kafka.authorization.superUsers, as written. */
      superUsers: string[];
      /** Whether the authorizer manages ACLs through the Admin API. */
      supportsAdminApi: boolean;
    };

/** One volume: ephemeral (emptyDir) or persistent-claim (a PVC per node). */
export type VolumeModel =
  | {
      /** An emptyDir volume. */
      type: 'ephemeral';
      /** The volume id within a JBOD storage (undefined outside JBOD). */
      id?: number;
      /** The emptyDir size limit. */
      sizeLimit?: string;
      /** 'shared' when this volume also holds the KRaft metadata log. */
      kraftMetadata?: 'shared';
    }
  | {
      /** A PersistentVolumeClaim per node. */
      type: 'persistent-claim';
      /** The volume id within a JBOD storage (undefined outside JBOD). */
      id?: number;
      /** The requested size, e.g. 100Gi. */
      size: string;
      /** The storage class. */
      class?: string;
      /** Labels selecting the persistent volume to bind. */
      selector?: Record<string, string>;
      /** Whether the claim is deleted with the node or cluster. */
      deleteClaim: boolean;
      /** 'shared' when this volume also holds the KRaft metadata log. */
      kraftMetadata?: 'shared';
    };

export type StorageModel = VolumeModel | { type: 'jbod'; volumes: VolumeModel[] };
