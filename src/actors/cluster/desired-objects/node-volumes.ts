// The volumes of a node's pod and where they are mounted, at the paths the broker configuration points at
// (broker-config/broker-paths.ts): the data volumes (emptyDir or the node's claims), the per-node ConfigMap,
// the node's certificate Secret, the CA certificates, the own certificates of TLS listeners, on brokers
// the readiness agent's jar; then the template's own volumes, mounted under /mnt.
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type {
  ClusterModel,
  ListenerModel,
  NodeModel,
  StorageModel,
} from '../../../machines/cluster-model.ts';
import { caSecretNames } from '../../certificates/ca-secrets.ts';
import {
  clientsCaCertsDir,
  clusterCaCertsDir,
  configDir,
  dataVolumes,
  listenerCertsDir,
  metricsConfigDir,
  metricsConfigFile,
  nodeCertsDir,
  persistentVolumeClaimName,
} from '../broker-config/broker-paths.ts';
import { brokerAgentVolume } from './broker-agent.ts';
import { rackTopologyKey, rackVolume } from './broker-rack.ts';
import { isBroker } from './object-metadata.ts';

// Strimzi's /tmp: a small memory-backed emptyDir (template.pod.tmpDirSizeLimit, default 5Mi), scratch
// space that survives a read-only root filesystem.
function tmpVolume(model: ClusterModel, node: NodeModel): V1Volume {
  const sizeLimit = templateOf(model, node)?.tmpDirSizeLimit ?? '5Mi';
  return { name: 'strimzi-tmp', emptyDir: { medium: 'Memory', sizeLimit } };
}
// Readable by the image's user whatever its uid (Strimzi's default mode).
const secretFileMode = 0o444;

interface MountedVolume {
  volume: V1Volume;
  mountPath: string;
  readOnly?: boolean;
}

export function nodeVolumes(model: ClusterModel, node: NodeModel, storage: StorageModel): V1Volume[] {
  return [
    ...mountedVolumes(model, node, storage).map((mounted) => mounted.volume),
    ...(templateOf(model, node)?.volumes ?? []),
  ];
}

export function nodeVolumeMounts(
  model: ClusterModel,
  node: NodeModel,
  storage: StorageModel,
): V1VolumeMount[] {
  return [
    ...mountedVolumes(model, node, storage).map(({ volume, mountPath, readOnly }) => ({
      name: volume.name,
      mountPath,
      ...(readOnly && { readOnly }),
    })),
    ...(templateOf(model, node)?.containerVolumeMounts ?? []),
  ];
}

// Strimzi's rules for template.pod.volumes and template.kafkaContainer.volumeMounts: the volume sources it
// allows, names of their own, and mounts under /mnt, clear of every path the operator mounts.
const additionalVolumeSources = [
  'secret',
  'configMap',
  'emptyDir',
  'persistentVolumeClaim',
  'csi',
  'image',
] as const;
const additionalMountRoot = '/mnt';

/** What is wrong with the additional volumes and mounts of each pool's template; none when all is well. */
export function additionalVolumeProblems(model: ClusterModel): string[] {
  return model.pools.flatMap((pool) => {
    const node = model.nodes.find((candidate) => candidate.pool === pool.name);
    if (!node) return [];
    const where = `the pod template of pool ${pool.name}`;
    const volumes = pool.template.volumes ?? [];
    const own = new Set(mountedVolumes(model, node, pool.storage).map(({ volume }) => volume.name));
    const names = volumes.map((volume) => volume.name);
    const problems: string[] = [];
    for (const volume of volumes) {
      const sources = additionalVolumeSources.filter((source) => volume[source] !== undefined);
      if (sources.length !== 1 || Object.keys(volume).length !== 2) {
        problems.push(
          `${where}: volume "${volume.name}" needs exactly one source, of ${additionalVolumeSources.join(', ')}`,
        );
      }
      if (own.has(volume.name)) {
        problems.push(`${where}: volume name "${volume.name}" is one the operator uses; choose another`);
      }
    }
    for (const name of new Set(names.filter((name, index) => names.indexOf(name) !== index))) {
      problems.push(`${where}: volume name "${name}" appears more than once`);
    }
    for (const mount of pool.template.containerVolumeMounts ?? []) {
      if (!names.includes(mount.name)) {
        problems.push(`${where}: volume mount "${mount.name}" names no volume of template.pod.volumes`);
      }
      const path = mount.mountPath.replace(/\/+$/, '');
      if (!path.startsWith(`${additionalMountRoot}/`) || path.split('/').includes('..')) {
        problems.push(
          `${where}: volume mount "${mount.name}" at ${mount.mountPath} must be below ${additionalMountRoot}/`,
        );
      }
    }
    return problems;
  });
}

function templateOf(model: ClusterModel, node: NodeModel) {
  return model.pools.find((pool) => pool.name === node.pool)?.template;
}

function mountedVolumes(model: ClusterModel, node: NodeModel, storage: StorageModel): MountedVolume[] {
  const data = dataVolumes(storage).map(
    (data): MountedVolume => ({
      mountPath: data.mountPath,
      volume:
        data.volume.type === 'ephemeral'
          ? { name: data.name, emptyDir: data.volume.sizeLimit ? { sizeLimit: data.volume.sizeLimit } : {} }
          : {
              name: data.name,
              persistentVolumeClaim: { claimName: persistentVolumeClaimName(data, node.podName) },
            },
    }),
  );
  const listenerCertificates = isBroker(node) ? model.listeners.flatMap(ownCertificateVolume) : [];
  return [
    ...data,
    { volume: tmpVolume(model, node), mountPath: '/tmp' },
    { volume: { name: 'kafka-config', configMap: { name: node.podName } }, mountPath: configDir },
    secretMount('broker-certs', node.podName, nodeCertsDir),
    secretMount('cluster-ca', caSecretNames(model.name, 'cluster').certSecretName, clusterCaCertsDir),
    secretMount('client-ca-cert', caSecretNames(model.name, 'clients').certSecretName, clientsCaCertsDir),
    ...listenerCertificates,
    ...(isBroker(node) ? [brokerAgentVolume(model)] : []),
    ...(model.metrics ? [metricsConfigVolume(model.metrics)] : []),
    ...(rackTopologyKey(model, node) ? [rackVolume()] : []),
  ];
}

// The exporter's rules, mounted from the user's ConfigMap: an edit reaches the running exporter, which
// reads its file again, without a restart.
function metricsConfigVolume(metrics: NonNullable<ClusterModel['metrics']>): MountedVolume {
  return {
    volume: {
      name: 'metrics-config',
      configMap: { name: metrics.configMap, items: [{ key: metrics.key, path: metricsConfigFile }] },
    },
    mountPath: metricsConfigDir,
    readOnly: true,
  };
}

// configuration.brokerCertChainAndKey: a TLS listener that presents the user's certificate instead of the node's.
function ownCertificateVolume(listener: ListenerModel): MountedVolume[] {
  const own = listener.configuration.brokerCertChainAndKey as { secretName?: string } | undefined;
  if (!own?.secretName) return [];
  return [
    secretMount(`custom-${listener.name}-${listener.port}-certs`, own.secretName, listenerCertsDir(listener)),
  ];
}

function secretMount(name: string, secretName: string, mountPath: string): MountedVolume {
  return { volume: { name, secret: { secretName, defaultMode: secretFileMode } }, mountPath, readOnly: true };
}
