// The cluster-wide fields of the model: identity, cluster id, authorization, user configuration, entity
// operators, rack, metrics, probe timings, the templates of the objects a cluster has once; and the
// Warnings for what a legacy (v1beta2, ZooKeeper-era) Kafka sets that KRaft ignores.
import { createHash } from 'node:crypto';
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaNodePool } from '../../api/kafka-node-pool.ts';
import { kraftAnnotation, nodePoolsAnnotation } from '../../api/labels.ts';
import type {
  AuthorizationModel,
  ClusterModel,
  ClusterWarning,
  ProbeModel,
  RackModel,
} from '../../machines/cluster-model.ts';
import { obsoleteConfigKeys } from './kafka-config-rules.ts';
import { stringifyConfig } from './listener-model.ts';
import { modelClusterTemplates } from './template-model.ts';

type ClusterFields = Pick<
  ClusterModel,
  | 'name'
  | 'namespace'
  | 'uid'
  | 'apiVersion'
  | 'clusterId'
  | 'authorization'
  | 'brokerConfig'
  | 'entityOperator'
  | 'rack'
  | 'metrics'
  | 'probes'
  | 'templates'
>;

// Since Strimzi 0.48 these annotations are ignored: KRaft and node pools are always on.
const ignoredAnnotations = [kraftAnnotation, nodePoolsAnnotation];

export function modelClusterFields(
  kafka: Kafka,
  pools: readonly KafkaNodePool[],
  warnings: ClusterWarning[],
): ClusterFields {
  const spec = kafka.spec;
  if (spec.zookeeper !== undefined) {
    warnings.push({
      reason: 'ZooKeeperIgnored',
      message:
        'spec.zookeeper is ignored: the cluster runs in KRaft mode, its controllers are Kafka nodes ' +
        '(the implicit pool or KafkaNodePools with the controller role). Remove spec.zookeeper.',
    });
  }
  for (const annotation of ignoredAnnotations) {
    const value = kafka.metadata.annotations?.[annotation];
    if (value !== undefined && value !== 'enabled') {
      warnings.push({
        reason: 'AnnotationIgnored',
        message: `annotation ${annotation}: ${value} is ignored: clusters always run in KRaft mode with node pools.`,
      });
    }
  }
  return {
    name: kafka.metadata.name ?? '',
    namespace: kafka.metadata.namespace ?? 'default',
    uid: kafka.metadata.uid ?? '',
    apiVersion: kafka.apiVersion,
    clusterId: existingClusterId(kafka, pools) ?? clusterIdFor(kafka),
    authorization: modelAuthorization(kafka),
    brokerConfig: userConfig(kafka, warnings),
    entityOperator: {
      topicOperator: spec.entityOperator?.topicOperator !== undefined,
      userOperator: spec.entityOperator?.userOperator !== undefined,
    },
    rack: modelRack(kafka),
    metrics: modelMetrics(kafka, warnings),
    probes: {
      liveness: { ...strimziProbeDefaults, ...spec.kafka.livenessProbe },
      readiness: { ...strimziProbeDefaults, ...spec.kafka.readinessProbe },
    },
    templates: modelClusterTemplates(spec.kafka.template),
  };
}

// Strimzi's defaults for the Kafka nodes' probes, field by field.
const strimziProbeDefaults: ProbeModel = {
  initialDelaySeconds: 15,
  timeoutSeconds: 5,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
};

function modelRack(kafka: Kafka): RackModel | undefined {
  const rack = kafka.spec.kafka.rack;
  if (!rack) return undefined;
  if (rack.type === 'environment-variable' && rack.envVarName) {
    return { type: 'environment-variable', envVarName: rack.envVarName };
  }
  if (rack.topologyKey) return { type: 'topology-label', topologyKey: rack.topologyKey };
  return undefined;
}

// The Prometheus JMX exporter's rules. The Strimzi metrics reporter is a plugin Kafka's own images lack.
function modelMetrics(kafka: Kafka, warnings: ClusterWarning[]): ClusterModel['metrics'] {
  const metrics = kafka.spec.kafka.metricsConfig;
  if (metrics?.type === 'strimziMetricsReporter') {
    warnings.push({
      reason: 'MetricsReporterNotRun',
      message:
        'spec.kafka.metricsConfig of type strimziMetricsReporter is not run: no metrics are served. Use type ' +
        'jmxPrometheusExporter with the exporter rules in a ConfigMap.',
    });
  }
  const reference = metrics?.valueFrom?.configMapKeyRef;
  if (metrics?.type !== 'jmxPrometheusExporter' || !reference?.name || !reference.key) return undefined;
  return { configMap: reference.name, key: reference.key };
}

function existingClusterId(kafka: Kafka, pools: readonly KafkaNodePool[]): string | undefined {
  return kafka.status?.clusterId ?? pools.find((pool) => pool.status?.clusterId)?.status?.clusterId;
}

/**
 * A KRaft cluster id (16 bytes, base64url, as `kafka-storage.sh random-uuid` prints) derived from the Kafka's
 * uid: the same on every reconcile even before status holds it, so a lost status write cannot split a cluster.
 */
export function clusterIdFor(kafka: Kafka): string {
  const uid = kafka.metadata.uid;
  const bytes =
    uid && /^[0-9a-f-]{36}$/i.test(uid)
      ? Buffer.from(uid.replaceAll('-', ''), 'hex')
      : createHash('sha256')
          .update(`${kafka.metadata.namespace}/${kafka.metadata.name}`)
          .digest()
          .subarray(0, 16);
  // Kafka's own random ids never start with '-' (tools would read them as options): clear the top bit.
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('base64url');
}

function modelAuthorization(kafka: Kafka): AuthorizationModel | undefined {
  const authorization = kafka.spec.kafka.authorization;
  if (!authorization) return undefined;
  const superUsers = authorization.superUsers ?? [];
  if (authorization.type === 'simple') return { type: 'simple', superUsers };
  return {
    type: 'custom',
    authorizerClass: authorization.authorizerClass ?? '',
    superUsers,
    supportsAdminApi: authorization.supportsAdminApi ?? false,
  };
}

// spec.kafka.config, without the keys Kafka 4.x removed (validation has refused the forbidden ones); each
// dropped key gets Strimzi's Warning.
function userConfig(kafka: Kafka, warnings: ClusterWarning[]): Record<string, string> {
  const config = { ...(kafka.spec.kafka.config ?? {}) };
  for (const [key, reason] of Object.entries(obsoleteConfigKeys)) {
    if (!(key in config)) continue;
    delete config[key];
    warnings.push({
      reason,
      message:
        `${key} is not used in KRaft-based Kafka clusters and is ignored (the metadata version, ` +
        'spec.kafka.metadataVersion, takes its place); remove it from the Kafka custom resource.',
    });
  }
  return stringifyConfig(config);
}
