// The spec fields a user set that the schema accepts (it types all of Strimzi's) but this operator does not
// act on, so a Kafka says so in a Warning condition and an Event instead of silently doing nothing, as
// Strimzi's UnknownFields and DeprecatedFields conditions do. The trees below follow what the cluster's
// model and builders read (cluster-fields.ts, node-pool-model.ts, listener-model.ts, cluster-certificates.ts);
// a field that gets built is added here.
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import type { ClusterWarning } from '../../machines/cluster-model.ts';
import type { EventToRecord } from '../kubernetes/event-recorder.ts';

export const unsupportedFieldsReason = 'UnsupportedFields';

/**
 * What the operator acts on: `true` is the field and everything in it; an object lists the fields acted on
 * within it (for a list, within each item); a field it does not list is not acted on.
 */
export type ActedOn = true | { readonly [field: string]: ActedOn };

// volumeAttributesClass is not among them: the claims are made without it.
const volumeFields = {
  type: true,
  id: true,
  size: true,
  sizeLimit: true,
  class: true,
  selector: true,
  deleteClaim: true,
  kraftMetadata: true,
} as const;

const storage: ActedOn = { ...volumeFields, volumes: volumeFields };

// The template fields a pool's objects get (template-model.ts); podSet, perPodRoute and initContainer are
// not applied: there are no pod sets, routes nor init containers.
const nodeTemplate: ActedOn = {
  pod: {
    metadata: true,
    affinity: true,
    tolerations: true,
    topologySpreadConstraints: true,
    priorityClassName: true,
    securityContext: true,
    imagePullSecrets: true,
    terminationGracePeriodSeconds: true,
    hostAliases: true,
    enableServiceLinks: true,
    schedulerName: true,
    dnsPolicy: true,
    dnsConfig: true,
    tmpDirSizeLimit: true,
    volumes: true,
  },
  kafkaContainer: { env: true, securityContext: true, volumeMounts: true },
  perPodService: { metadata: true },
  perPodIngress: { metadata: true },
  persistentVolumeClaim: { metadata: true },
};

// And the objects a cluster has once, from the Kafka's template.
const kafkaTemplate: ActedOn = {
  ...nodeTemplate,
  bootstrapService: true,
  brokersService: true,
  externalBootstrapService: { metadata: true },
  externalBootstrapIngress: { metadata: true },
  podDisruptionBudget: true,
  serviceAccount: { metadata: true },
};

const serviceOverrides = {
  nodePort: true,
  host: true,
  loadBalancerIP: true,
  annotations: true,
  labels: true,
} as const;

const listener: ActedOn = {
  name: true,
  port: true,
  type: true,
  tls: true,
  authentication: true,
  networkPolicyPeers: true,
  configuration: {
    bootstrap: { ...serviceOverrides, alternativeNames: true },
    brokers: { ...serviceOverrides, broker: true, advertisedHost: true, advertisedPort: true },
    brokerCertChainAndKey: true,
    maxConnections: true,
    maxConnectionCreationRate: true,
    externalTrafficPolicy: true,
    loadBalancerSourceRanges: true,
    publishNotReadyAddresses: true,
    createBootstrapService: true,
    controllerClass: true,
    allocateLoadBalancerNodePorts: true,
    class: true,
  },
};

// certificateExpirationPolicy is not among them: an expiring CA is always renewed with its key.
const certificateAuthority: ActedOn = {
  generateCertificateAuthority: true,
  generateSecretOwnerReference: true,
  validityDays: true,
  renewalDays: true,
};

export const kafkaSpecActedOn: ActedOn = {
  kafka: {
    version: true,
    metadataVersion: true,
    image: true,
    // Mapped to the implicit pool, or ignored with a Warning of their own when KafkaNodePools exist.
    replicas: true,
    storage,
    listeners: listener,
    config: true,
    authorization: true,
    rack: true,
    // The JMX exporter runs; type strimziMetricsReporter has a Warning of its own (MetricsReporterNotRun).
    metricsConfig: { type: true, valueFrom: true },
    resources: true,
    jvmOptions: true,
    livenessProbe: true,
    readinessProbe: true,
    template: kafkaTemplate,
  },
  // Ignored with a Warning of its own (ZooKeeperIgnored).
  zookeeper: true,
  // The topic and user operators run inside this operator when their sections are present; their settings
  // (images, resources, watched namespace, ...) are for Strimzi's separate Deployment.
  entityOperator: { topicOperator: {}, userOperator: {} },
  clusterCa: certificateAuthority,
  clientsCa: certificateAuthority,
};

export const kafkaNodePoolSpecActedOn: ActedOn = {
  replicas: true,
  roles: true,
  storage,
  resources: true,
  jvmOptions: true,
  template: nodeTemplate,
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The outermost paths of `value` (as the user set it) that `actedOn` does not cover, e.g. `spec.cruiseControl`. */
export function unsupportedFieldPaths(value: unknown, actedOn: ActedOn, path: string): string[] {
  if (actedOn === true) return [];
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => unsupportedFieldPaths(item, actedOn, `${path}[${index}]`));
  }
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([field, child]) => {
    if (child === undefined || child === null) return [];
    const rule = actedOn[field];
    return rule === undefined ? [`${path}.${field}`] : unsupportedFieldPaths(child, rule, `${path}.${field}`);
  });
}

/** The paths of the fields a KafkaNodePool sets that the operator does not act on. */
export function poolUnsupportedFieldPaths(pool: KafkaNodePool): string[] {
  return unsupportedFieldPaths(pool.spec, kafkaNodePoolSpecActedOn, 'spec');
}

/** One Warning naming the fields at `paths`, or none when there are none. */
export function unsupportedFieldsWarning(paths: readonly string[]): ClusterWarning[] {
  if (paths.length === 0) return [];
  return [
    {
      reason: unsupportedFieldsReason,
      message:
        `This operator does not act on these fields, so they change nothing: ${paths.join(', ')}. ` +
        'Remove them, or expect no effect from them.',
    },
  ];
}

/** One Warning naming every field of the Kafka and of its KafkaNodePools that is not acted on, or none. */
export function unsupportedFieldsWarnings(kafka: Kafka, pools: readonly KafkaNodePool[]): ClusterWarning[] {
  return unsupportedFieldsWarning([
    ...unsupportedFieldPaths(kafka.spec, kafkaSpecActedOn, 'spec'),
    ...pools.flatMap((pool) =>
      poolUnsupportedFieldPaths(pool).map((path) => `KafkaNodePool ${pool.metadata.name} ${path}`),
    ),
  ]);
}

/**
 * The Warning Event for the UnsupportedFields warning among `warnings`, once per generation: none when the
 * Kafka's status already shows the same warning for its generation (an earlier reconcile, maybe of an
 * operator that ran before this one, recorded the Event).
 */
export function unsupportedFieldsEvent(
  kafka: Kafka,
  warnings: readonly ClusterWarning[],
): EventToRecord | undefined {
  const warning = warnings.find(({ reason }) => reason === unsupportedFieldsReason);
  if (!warning) return undefined;
  const status = kafka.status;
  const shown =
    status?.observedGeneration === kafka.metadata.generation &&
    (status?.conditions ?? []).some(
      (condition) =>
        condition.type === 'Warning' &&
        condition.reason === warning.reason &&
        condition.message === warning.message,
    );
  return shown ? undefined : { type: 'Warning', reason: warning.reason, message: warning.message };
}
