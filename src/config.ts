// The operator's settings, from environment variables with documented defaults. A bad value stops
// the process at start with a message that names the variable.

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ExternalKafkaCluster } from './actors/kafka/kafka-clusters.ts';
import type { RedisConnection, RedisSentinels } from './supervisor/reconcile-queue.ts';
import type { GuardedService } from './supervisor/request-authorizer.ts';

export interface OperatorConfig {
  operatorNamespace: string;
  identity: string;
  watchNamespaces: string[] | 'all';
  labelSelector: string | undefined;
  resyncIntervalMs: number;
  informerIdleRestartMs: number;
  redis: RedisConnection;
  queuePrefix: string;
  reconcileConcurrency: number;
  coalesceMs: number;
  // A failed reconcile is retried after retryInitialMs, doubling up to retryMaxMs.
  retry: { initialMs: number; maxMs: number };
  // On SIGTERM the reconciles running may finish within this long before the rest are aborted and the
  // Lease is released.
  shutdownDrainMs: number;
  lease: { name: string; durationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  logLevel: string;
  // metricsAuthorization: /metrics answers only callers allowed `get services/proxy` on this Service.
  http: { host: string; port: number; metricsAuthorization: GuardedService | undefined };
  // The state-chart view's address; undefined: the view is off.
  stateChartView:
    | { host: string; port: number; authorization: GuardedService | undefined; maxStreams: number }
    | undefined;
  kafkaClusters: Record<string, ExternalKafkaCluster>;
  useFinalizers: boolean;
  // The most partitions a KafkaTopic may ask for; more is refused before Kafka is asked.
  maxTopicPartitions: number;
  users: UserOperatorSettings;
  // Whether this operator runs Kafka clusters (Kafka and KafkaNodePool resources); off, it manages only
  // topics and users, and needs no rights on pods, services or nodes.
  runKafkaClusters: boolean;
  // How long a cluster's step may wait for the same thing (a pod to start or go, a node to be back in
  // Kafka) before the Kafka is NotReady with the reason (Strimzi's STRIMZI_OPERATION_TIMEOUT_MS).
  operationTimeoutMs: number;
  // The brokers' readiness agent jar (kafka-agent/build.sh writes it under dist/).
  brokerAgentJar: string;
}

export interface UserOperatorSettings {
  // tls users' certificates, unless the KafkaUser sets its own (Strimzi's clients CA defaults).
  certificateValidityDays: number;
  certificateRenewalDays: number;
  // Whether Kafka users with no KafkaUser are deleted; off by default, as deleting hurts more than keeping.
  deleteOrphans: boolean;
  // Kafka users never deleted as orphans, besides the operator's own.
  ignoredUsers: RegExp | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Environment = Record<string, string | undefined>;

function integer(
  env: Environment,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: expected an integer ${range}`);
  }
  return value;
}

// Kafka counts a topic's partitions in a 32-bit signed integer.
const kafkaMaxPartitions = 2_147_483_647;

function oneOf<T extends string>(env: Environment, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(
      `${name}=${JSON.stringify(raw)} is not valid: expected one of ${allowed.join(', ')}`,
    );
  }
  return raw as T;
}

function optionalPort(env: Environment, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(
      `${name}=${JSON.stringify(raw)} is not valid: expected a port 0–65535 (0: any free port)`,
    );
  }
  return port;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function namespaces(env: Environment, fallback: string): string[] | 'all' {
  const raw = env.WATCH_NAMESPACES?.trim();
  if (!raw) return [fallback];
  if (raw === '*') return 'all';
  const list = raw.split(',').map((n) => n.trim());
  const bad = list.filter((n) => !dnsLabel.test(n));
  if (bad.length > 0) {
    throw new ConfigError(
      `WATCH_NAMESPACES=${JSON.stringify(raw)} is not valid: ${bad.map((n) => JSON.stringify(n)).join(', ')} ` +
        'is not a namespace name; give a comma-separated list, or * for all namespaces',
    );
  }
  return [...new Set(list)];
}

function kafkaClusters(env: Environment): Record<string, ExternalKafkaCluster> {
  const raw = env.KAFKA_CLUSTERS;
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(`KAFKA_CLUSTERS is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('KAFKA_CLUSTERS must be a JSON object: {"<cluster>": {"bootstrap": "host:port"}}');
  }
  const clusters: Record<string, ExternalKafkaCluster> = {};
  for (const [name, value] of Object.entries(parsed)) {
    const cluster = value as Partial<ExternalKafkaCluster> | null;
    if (typeof cluster?.bootstrap !== 'string' || !/^[^:,\s]+:\d+(,[^:,\s]+:\d+)*$/.test(cluster.bootstrap)) {
      throw new ConfigError(`KAFKA_CLUSTERS.${name}.bootstrap must be "host:port[,host:port…]"`);
    }
    if (cluster.credentialsSecret !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(cluster.credentialsSecret)) {
      throw new ConfigError(`KAFKA_CLUSTERS.${name}.credentialsSecret must be "namespace/name"`);
    }
    const superUsers = cluster.superUsers;
    if (
      superUsers !== undefined &&
      !(Array.isArray(superUsers) && superUsers.every((p) => typeof p === 'string' && /^[^:\s]+:\S/.test(p)))
    ) {
      throw new ConfigError(
        `KAFKA_CLUSTERS.${name}.superUsers must be a list of principals as the brokers' super.users has them, e.g. ["User:admin"]`,
      );
    }
    clusters[name] = {
      bootstrap: cluster.bootstrap,
      credentialsSecret: cluster.credentialsSecret,
      tls: cluster.tls,
      ...(superUsers ? { superUsers } : {}),
    };
  }
  return clusters;
}

// Off unless a port is given; bound to loopback unless told otherwise, as it has no authentication.
function stateChartView(env: Environment): OperatorConfig['stateChartView'] {
  const port = optionalPort(env, 'STATE_CHART_VIEW_PORT');
  if (port === undefined) return undefined;
  const host = env.STATE_CHART_VIEW_HOST || '127.0.0.1';
  const authorization = guardedService(env, 'STATE_CHART_VIEW_AUTHORIZATION_SERVICE');
  if (!['127.0.0.1', '::1', 'localhost'].includes(host) && authorization === undefined) {
    throw new ConfigError(
      `STATE_CHART_VIEW_HOST=${host} serves the view beyond loopback: set STATE_CHART_VIEW_AUTHORIZATION_SERVICE ` +
        '(namespace/name of the Service whose services/proxy right admits a caller)',
    );
  }
  return { host, port, authorization, maxStreams: integer(env, 'STATE_CHART_VIEW_MAX_STREAMS', 20, 1) };
}

// namespace/name of a Service, for a setting that guards an HTTP surface with it.
function guardedService(env: Environment, name: string): GuardedService | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const [namespace = '', service = '', ...rest] = raw.split('/');
  if (rest.length > 0 || !dnsLabel.test(namespace) || !dnsLabel.test(service)) {
    throw new ConfigError(
      `${name}=${JSON.stringify(raw)} is not valid: expected namespace/name of a Service`,
    );
  }
  return { namespace, name: service };
}

function pattern(env: Environment, name: string): RegExp | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return new RegExp(raw);
  } catch (error) {
    throw new ConfigError(
      `${name}=${JSON.stringify(raw)} is not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

function redisConnection(env: Environment): RedisConnection {
  if (env.REDIS_SENTINELS) return redisSentinels(env, env.REDIS_SENTINELS);
  const url = env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(url)) {
    throw new ConfigError(`REDIS_URL=${JSON.stringify(url)} is not valid: expected redis://host:port`);
  }
  const caFile = env.REDIS_TLS_CA_FILE || undefined;
  if (caFile && !url.startsWith('rediss://')) {
    throw new ConfigError('REDIS_TLS_CA_FILE is set but REDIS_URL is not a rediss:// (TLS) URL');
  }
  let tlsCa: string | undefined;
  if (caFile) {
    try {
      tlsCa = readFileSync(caFile, 'utf8');
    } catch (error) {
      throw new ConfigError(`REDIS_TLS_CA_FILE=${caFile} cannot be read: ${(error as Error).message}`);
    }
  }
  return { url, password: env.REDIS_PASSWORD || undefined, tlsCa };
}

// REDIS_SENTINELS=host:port[,host:port…] and REDIS_SENTINEL_MASTER: the master the sentinels name.
function redisSentinels(env: Environment, list: string): RedisSentinels {
  if (env.REDIS_URL) {
    throw new ConfigError(
      'REDIS_URL and REDIS_SENTINELS are both set: give the Redis by its URL or by its sentinels',
    );
  }
  if (env.REDIS_TLS_CA_FILE) {
    throw new ConfigError(
      'REDIS_TLS_CA_FILE is set with REDIS_SENTINELS: TLS through Sentinel is not supported',
    );
  }
  const masterName = env.REDIS_SENTINEL_MASTER;
  if (!masterName) {
    throw new ConfigError(
      'REDIS_SENTINELS is set but REDIS_SENTINEL_MASTER is not: give the name the sentinels monitor the master by',
    );
  }
  const sentinels = list.split(',').map((address) => {
    // host:port, or [IPv6]:port.
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(address.trim());
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65_535) {
      throw new ConfigError(
        `REDIS_SENTINELS=${JSON.stringify(list)} is not valid: expected host:port[,host:port…], e.g. redis-sentinel:26379`,
      );
    }
    return { host: match[1] ?? match[2] ?? '', port };
  });
  return {
    sentinels,
    masterName,
    password: env.REDIS_PASSWORD || undefined,
    sentinelPassword: env.REDIS_SENTINEL_PASSWORD || undefined,
  };
}

function retrySettings(env: Environment): OperatorConfig['retry'] {
  const initialMs = integer(env, 'RECONCILE_RETRY_INITIAL_MS', 1_000, 100);
  const maxMs = integer(env, 'RECONCILE_RETRY_MAX_MS', 300_000, 100);
  if (maxMs < initialMs) {
    throw new ConfigError('RECONCILE_RETRY_MAX_MS must not be less than RECONCILE_RETRY_INITIAL_MS');
  }
  return { initialMs, maxMs };
}

function userOperatorSettings(env: Environment): UserOperatorSettings {
  const certificateValidityDays = integer(env, 'USER_CERTIFICATE_VALIDITY_DAYS', 365, 1);
  const certificateRenewalDays = integer(env, 'USER_CERTIFICATE_RENEWAL_DAYS', 30, 1);
  if (certificateRenewalDays >= certificateValidityDays) {
    throw new ConfigError('USER_CERTIFICATE_RENEWAL_DAYS must be less than USER_CERTIFICATE_VALIDITY_DAYS');
  }
  return {
    certificateValidityDays,
    certificateRenewalDays,
    deleteOrphans: oneOf(env, 'USER_OPERATOR_DELETE_ORPHANS', 'false', ['true', 'false']) === 'true',
    ignoredUsers: pattern(env, 'USER_OPERATOR_IGNORE_USERS'),
  };
}

export function loadConfig(env: Environment = process.env): OperatorConfig {
  const operatorNamespace = env.OPERATOR_NAMESPACE || 'default';
  const lease = {
    name: env.LEASE_NAME || 'kafka-actor-operator',
    durationMs: integer(env, 'LEASE_DURATION_MS', 15_000, 1_000),
    renewDeadlineMs: integer(env, 'LEASE_RENEW_DEADLINE_MS', 10_000, 500),
    retryPeriodMs: integer(env, 'LEASE_RETRY_PERIOD_MS', 2_000, 100),
  };
  if (lease.renewDeadlineMs >= lease.durationMs) {
    throw new ConfigError('LEASE_RENEW_DEADLINE_MS must be less than LEASE_DURATION_MS');
  }
  if (lease.retryPeriodMs >= lease.renewDeadlineMs) {
    throw new ConfigError('LEASE_RETRY_PERIOD_MS must be less than LEASE_RENEW_DEADLINE_MS');
  }
  return {
    operatorNamespace,
    identity: env.POD_NAME || hostname(),
    watchNamespaces: namespaces(env, operatorNamespace),
    labelSelector: env.LABEL_SELECTOR || undefined,
    resyncIntervalMs: integer(env, 'RESYNC_INTERVAL_MS', 120_000, 1_000),
    informerIdleRestartMs: integer(env, 'INFORMER_IDLE_RESTART_MS', 300_000, 1_000),
    redis: redisConnection(env),
    queuePrefix: env.QUEUE_PREFIX || 'kafka-actor-operator',
    reconcileConcurrency: integer(env, 'RECONCILE_CONCURRENCY', 64, 1),
    coalesceMs: integer(env, 'RECONCILE_COALESCE_MS', 200, 0),
    retry: retrySettings(env),
    shutdownDrainMs: integer(env, 'SHUTDOWN_DRAIN_MS', 10_000, 0),
    lease,
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
    http: {
      host: env.HTTP_HOST || '0.0.0.0',
      port: integer(env, 'HTTP_PORT', 8080, 0),
      metricsAuthorization: guardedService(env, 'METRICS_AUTHORIZATION_SERVICE'),
    },
    stateChartView: stateChartView(env),
    kafkaClusters: kafkaClusters(env),
    useFinalizers: oneOf(env, 'USE_FINALIZERS', 'true', ['true', 'false']) === 'true',
    // Kafka's controller creates at most 10,000 partitions in one request, so no topic of more can
    // be made in one step; each partition also costs every broker holding it files and memory.
    maxTopicPartitions: integer(env, 'TOPIC_MAX_PARTITIONS', 10_000, 1, kafkaMaxPartitions),
    users: userOperatorSettings(env),
    runKafkaClusters: oneOf(env, 'RUN_KAFKA_CLUSTERS', 'true', ['true', 'false']) === 'true',
    operationTimeoutMs: integer(env, 'OPERATION_TIMEOUT_MS', 300_000, 1_000),
    brokerAgentJar:
      env.BROKER_AGENT_JAR ||
      fileURLToPath(new URL('../dist/kafka-agent/broker-state-agent.jar', import.meta.url)),
  };
}
