// The spec fields a user set that this operator accepts (Strimzi's schema) but does not act on yet, so a
// Kafka says so in a Warning condition (reason UnusedFields) instead of silently doing nothing. The lists
// below are what the cluster operator reads; a field read elsewhere must be added here when it is built.
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import type { ClusterWarning } from '../../machines/cluster-model.ts';
import type { EventToRecord } from '../kubernetes/event-recorder.ts';

/**
 * What the operator acts on: `true` is the field and everything in it; an object lists the fields acted on
 * within it (for a list, within each item); a field it does not list is unused.
 */
export type ActedOn = true | { readonly [field: string]: ActedOn };

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

// Template fields the nodes' pods get (node-pool-model.ts).
const nodeTemplate: ActedOn = { pod: { metadata: true, affinity: true, tolerations: true } };

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
  },
};

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
    // Legacy fields mapped to the implicit pool; spec.zookeeper and rack have Warnings of their own.
    replicas: true,
    storage,
    listeners: listener,
    config: true,
    authorization: true,
    rack: true,
    resources: true,
    jvmOptions: true,
    livenessProbe: true,
    readinessProbe: true,
    template: nodeTemplate,
  },
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

/** The outermost paths of `value` (set by the user) that `actedOn` does not cover, e.g. `spec.cruiseControl`. */
export function unusedFieldPaths(value: unknown, actedOn: ActedOn, path: string): string[] {
  if (actedOn === true) return [];
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => unusedFieldPaths(item, actedOn, `${path}[${index}]`));
  }
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([field, child]) => {
    const rule = actedOn[field];
    if (child === undefined || child === null) return [];
    return rule === undefined ? [`${path}.${field}`] : unusedFieldPaths(child, rule, `${path}.${field}`);
  });
}

/** One Warning naming every unused field of the Kafka and of its pools, or none. */
export function unusedFieldsWarnings(kafka: Kafka, pools: readonly KafkaNodePool[]): ClusterWarning[] {
  const paths = [
    ...unusedFieldPaths(kafka.spec, kafkaSpecActedOn, 'spec'),
    ...pools.flatMap((pool) =>
      unusedFieldPaths(pool.spec, kafkaNodePoolSpecActedOn, 'spec').map(
        (path) => `KafkaNodePool ${pool.metadata.name} ${path}`,
      ),
    ),
  ];
  if (paths.length === 0) return [];
  return [
    {
      reason: 'UnusedFields',
      message:
        'These fields are valid but this operator does not act on them yet, so they change nothing: ' +
        `${paths.join(', ')}. Remove them, or expect no effect from them.`,
    },
  ];
}

/**
 * The Warning Event for a Kafka's UnusedFields warning, once per generation: none when its status already
 * shows the same warning for this generation (an earlier reconcile recorded the Event).
 */
export function unusedFieldsEvent(
  kafka: Kafka,
  warnings: readonly ClusterWarning[],
): EventToRecord | undefined {
  const warning = warnings.find(({ reason }) => reason === 'UnusedFields');
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
