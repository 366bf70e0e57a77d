// The checks a Kafka and its KafkaNodePools must pass before anything is created. The CRD rejects most
// listener mistakes at admission; these checks also cover v1beta2 resources and what a schema cannot see
// (roles across pools, storage of pools, forbidden configuration keys). All problems are reported at once.
import type { Storage } from '../../api/common.ts';
import {
  type Kafka,
  type KafkaListener,
  listenerNamePattern,
  lowestListenerPort,
  reservedListenerPorts,
} from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { kafkaIdentity } from './cluster-names.ts';
import { forbiddenConfigKeys } from './kafka-config-rules.ts';

/** Throws ReconcileFailure(InvalidResource) naming every problem of the spec; `pools` are the Kafka's own. */
export function validateCluster(kafka: Kafka, pools: readonly KafkaNodePool[]): void {
  const listeners = kafka.spec.kafka.listeners ?? [];
  const problems = [
    ...listenerProblems(listeners),
    ...forbiddenConfigKeys(kafka.spec.kafka.config ?? {}, listeners).map(
      (key) => `spec.kafka.config key "${key}" is managed by the operator and may not be set; remove it`,
    ),
    ...(pools.length > 0 ? poolProblems(pools) : implicitPoolProblems(kafka)),
    ...metricsProblems(kafka),
  ];
  if (problems.length > 0) {
    throw new ReconcileFailure(
      'InvalidResource',
      `${kafkaIdentity(kafka)} is invalid: ${problems.join('; ')}.`,
      {
        retryable: false,
      },
    );
  }
}

function metricsProblems(kafka: Kafka): string[] {
  const metrics = kafka.spec.kafka.metricsConfig;
  const reference = metrics?.valueFrom?.configMapKeyRef;
  if (metrics?.type !== 'jmxPrometheusExporter' || (reference?.name && reference.key)) return [];
  return [
    'spec.kafka.metricsConfig of type jmxPrometheusExporter needs valueFrom.configMapKeyRef with the name and ' +
      'key of the ConfigMap that holds the exporter rules',
  ];
}

const listenerName = new RegExp(listenerNamePattern);

function listenerProblems(listeners: readonly KafkaListener[]): string[] {
  const problems: string[] = [];
  if (listeners.length === 0) problems.push('spec.kafka.listeners needs at least one listener');
  for (const listener of listeners) {
    const where = `listener "${listener.name}"`;
    if (!listenerName.test(listener.name)) {
      problems.push(
        `${where}: a listener name must be 1 to 11 lowercase letters or digits, e.g. plain, tls or external`,
      );
    }
    if (listener.port < lowestListenerPort || reservedListenerPorts.includes(listener.port)) {
      problems.push(
        `${where}: port ${listener.port} is reserved; use ${lowestListenerPort} or higher, except ` +
          reservedListenerPorts.join(' and '),
      );
    }
    if (listener.authentication?.type === 'tls' && !listener.tls) {
      problems.push(`${where}: tls authentication needs tls: true`);
    }
    // Routers and ingress controllers pass the connection to the broker by its TLS SNI host.
    if (['ingress', 'route', 'tlsroute'].includes(listener.type) && !listener.tls) {
      problems.push(`${where}: listeners of type ${listener.type} need tls: true`);
    }
    if (listener.type === 'ingress' && !listener.configuration?.bootstrap?.host) {
      problems.push(
        `${where}: an ingress listener needs configuration.bootstrap.host, the host its clients connect to`,
      );
    }
    // Strimzi's KafkaListenerAuthenticationCustom.FORBIDDEN_PREFIXES: the operator provides the keystore.
    for (const key of Object.keys(listener.authentication?.listenerConfig ?? {})) {
      if (key.toLowerCase().startsWith('ssl.keystore.')) {
        problems.push(
          `${where}: authentication.listenerConfig key "${key}" is managed by the operator; remove it`,
        );
      }
    }
  }
  for (const [port, sharing] of groupBy(listeners, (listener) => listener.port)) {
    if (sharing.length > 1) {
      problems.push(
        `listeners ${sharing.map((l) => `"${l.name}"`).join(' and ')} use the same port ${port}; give each its own port`,
      );
    }
  }
  for (const [name, sharing] of groupBy(listeners, (listener) => listener.name)) {
    if (sharing.length > 1)
      problems.push(`${sharing.length} listeners are named "${name}"; listener names must be unique`);
  }
  return problems;
}

function poolProblems(pools: readonly KafkaNodePool[]): string[] {
  const problems: string[] = [];
  for (const pool of pools) {
    const name = pool.metadata.name ?? '';
    if ((pool.spec.roles ?? []).length === 0) {
      problems.push(
        `KafkaNodePool ${name} has no role defined in .spec.roles; give it controller, broker or both`,
      );
    }
    problems.push(...storageProblems(pool.spec.storage, `KafkaNodePool ${name}`));
  }
  const withRole = (role: 'controller' | 'broker') =>
    pools.some((pool) => (pool.spec.roles ?? []).includes(role) && pool.spec.replicas > 0);
  if (!withRole('controller')) {
    problems.push('at least one KafkaNodePool with the controller role and at least one replica is required');
  }
  if (!withRole('broker')) {
    problems.push('at least one KafkaNodePool with the broker role and at least one replica is required');
  }
  return problems;
}

// A v1beta2 Kafka without pools: spec.kafka.replicas and spec.kafka.storage make the implicit pool.
function implicitPoolProblems(kafka: Kafka): string[] {
  const { replicas, storage } = kafka.spec.kafka;
  if (replicas === undefined && storage === undefined) return [];
  const problems = replicas === undefined || replicas < 1 ? ['spec.kafka.replicas must be 1 or more'] : [];
  return [...problems, ...storageProblems(storage, 'spec.kafka')];
}

function storageProblems(storage: Storage | undefined, owner: string): string[] {
  if (!storage) return [`${owner} has no storage; set its storage (ephemeral, persistent-claim or jbod)`];
  if (storage.type !== 'jbod') {
    return storage.type === 'persistent-claim' && !storage.size
      ? [`${owner}: persistent-claim storage needs a size, e.g. 100Gi`]
      : [];
  }
  const volumes = storage.volumes ?? [];
  const problems = volumes.length === 0 ? [`${owner}: jbod storage needs at least one volume`] : [];
  for (const [id, sharing] of groupBy(volumes, (volume) => volume.id)) {
    if (id === undefined) problems.push(`${owner}: every jbod volume needs an id`);
    else if (sharing.length > 1)
      problems.push(`${owner}: jbod volume id ${id} is used ${sharing.length} times`);
  }
  if (volumes.filter((volume) => volume.kraftMetadata === 'shared').length > 1) {
    problems.push(`${owner}: only one jbod volume may hold the KRaft metadata (kraftMetadata: shared)`);
  }
  for (const volume of volumes) {
    if (volume.type === 'persistent-claim' && !volume.size) {
      problems.push(`${owner}: jbod volume ${volume.id} needs a size, e.g. 100Gi`);
    }
  }
  return problems;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
