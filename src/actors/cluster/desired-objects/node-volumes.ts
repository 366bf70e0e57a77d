// The volumes of a node's pod and where they are mounted, at the paths the broker configuration points at
// (broker-config/broker-paths.ts): the data volumes (emptyDir or the node's claims), the per-node ConfigMap,
// the node's certificate Secret, the CA certificates, the own certificates of TLS listeners, and on brokers
// the readiness agent's jar.
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
  nodeCertsDir,
  persistentVolumeClaimName,
} from '../broker-config/broker-paths.ts';
import { brokerAgentVolume } from './broker-agent.ts';
import { rackTopologyKey, rackVolume } from './broker-rack.ts';
import { isBroker } from './object-metadata.ts';

// Strimzi's /tmp: a small memory-backed emptyDir (template.pod.tmpDirSizeLimit, default 5Mi), scratch
// space that survives a read-only root filesystem.
function tmpVolume(model: ClusterModel, node: NodeModel): V1Volume {
  const sizeLimit = model.pools.find((pool) => pool.name === node.pool)?.template.tmpDirSizeLimit ?? '5Mi';
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
  return mountedVolumes(model, node, storage).map((mounted) => mounted.volume);
}

export function nodeVolumeMounts(
  model: ClusterModel,
  node: NodeModel,
  storage: StorageModel,
): V1VolumeMount[] {
  return mountedVolumes(model, node, storage).map(({ volume, mountPath, readOnly }) => ({
    name: volume.name,
    mountPath,
    ...(readOnly && { readOnly }),
  }));
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
    ...(rackTopologyKey(model, node) ? [rackVolume()] : []),
  ];
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
