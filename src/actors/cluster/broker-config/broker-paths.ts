// Where a node's files live in its pod (the official apache/kafka image keeps Kafka in /opt/kafka): the
// per-node ConfigMap, the certificates the configuration points at, and the data volumes. The pod builder
// mounts exactly these paths; the broker configuration refers to them.
import type { ListenerModel, StorageModel, VolumeModel } from '../../../machines/cluster-model.ts';

/** The Kafka installation of the apache/kafka image. */
export const kafkaHome = '/opt/kafka';
/** The per-node ConfigMap (keys serverConfigKey and startupScriptKey). */
export const configDir = `${kafkaHome}/custom-config`;
/** The ConfigMap key of the server configuration, as Strimzi names it. */
export const serverConfigKey = 'server.config';
/** The ConfigMap key of the start-up script the pod's command runs with /bin/sh. */
export const startupScriptKey = 'kafka-start.sh';
/** The node's certificate Secret `<pod>` (keys `<pod>.crt`, `<pod>.key`). */
export const nodeCertsDir = `${kafkaHome}/broker-certs`;
/** The cluster CA certificate Secret `<cluster>-cluster-ca-cert` (key ca.crt). */
export const clusterCaCertsDir = `${kafkaHome}/cluster-ca-certs`;
/** The clients CA certificate Secret `<cluster>-clients-ca-cert` (key ca.crt). */
export const clientsCaCertsDir = `${kafkaHome}/client-ca-certs`;
/** The rack of a broker whose rack is a node label: file rackFile of a downward API volume. */
export const rackDir = `${kafkaHome}/rack`;
export const rackFile = 'rack';
/** The root of the data volumes. */
export const dataRoot = '/var/lib/kafka';
/** The environment variable holding the address of the Kubernetes node the pod runs on (downward API status.hostIP). */
export const nodeAddressEnvVar = 'KAFKA_NODE_ADDRESS';

/** The Secret of a TLS listener's own certificate (configuration.brokerCertChainAndKey), mounted here. */
export function listenerCertsDir(listener: Pick<ListenerModel, 'name' | 'port'>): string {
  return `${kafkaHome}/certificates/${listener.name}-${listener.port}-certs`;
}

export interface DataVolume {
  /** The pod volume name: `data`, or `data-<id>` in a JBOD storage. */
  name: string;
  /** Where the volume is mounted. */
  mountPath: string;
  /** The volume's storage. */
  volume: VolumeModel;
}

/** The data volumes of a storage, in volume id order. */
export function dataVolumes(storage: StorageModel): DataVolume[] {
  if (storage.type !== 'jbod') return [{ name: 'data', mountPath: `${dataRoot}/data`, volume: storage }];
  return storage.volumes.map((volume) => ({
    name: `data-${volume.id}`,
    mountPath: `${dataRoot}/data-${volume.id}`,
    volume,
  }));
}

/** The PersistentVolumeClaim of a data volume of a pod, as Strimzi names it: `data-<pod>` or `data-<id>-<pod>`. */
export function persistentVolumeClaimName(volume: DataVolume, podName: string): string {
  return `${volume.name}-${podName}`;
}

/** The Kafka log directory of a node on a data volume. */
export function logDir(volume: DataVolume, nodeId: number): string {
  return `${volume.mountPath}/kafka-log${nodeId}`;
}

// The Prometheus JMX exporter: its jar comes with the image (Strimzi's Kafka images carry it in libs),
// its rules from the user's ConfigMap, mounted here; it serves Strimzi's metrics port.
export const metricsAgentJarPattern = `${kafkaHome}/libs/jmx_prometheus_javaagent*.jar`;
export const metricsConfigDir = `${kafkaHome}/metrics-config`;
export const metricsConfigFile = 'metrics-config.yml';
export const metricsPort = 9404;
