// The per-node ConfigMap, named after the pod as Strimzi names it: the node's server configuration
// (key server.config), the start-up script, the cluster id and metadata version; and the hash of it all
// that the pod carries, so that any change to what the node starts with rolls the node — all but the
// values Kafka takes at runtime, which are written to Kafka instead.
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { ClusterModel, NodeModel } from '../../../machines/cluster-model.ts';
import { serverConfigKey, startupScriptKey } from '../broker-config/broker-paths.ts';
import { objectHash } from './content-hash.ts';
import { kafkaOwnerReference, nodeLabels } from './object-metadata.ts';

export const clusterIdKey = 'cluster.id';
export const metadataVersionKey = 'metadata.version';

export interface NodeFiles {
  /** The node's server.properties text. */
  serverConfig: string;
  /** The same without the values Kafka takes at runtime: what the node must restart for. */
  staticServerConfig: string;
  /** The script the container runs: formats storage on first start, then starts the server. */
  startupScript: string;
}

export interface NodeConfigMap {
  configMap: V1ConfigMap;
  /** strimzi.io/configuration-hash of the pod. */
  configurationHash: string;
}

export function buildNodeConfigMap(model: ClusterModel, node: NodeModel, files: NodeFiles): NodeConfigMap {
  const data = {
    [serverConfigKey]: files.serverConfig,
    [startupScriptKey]: files.startupScript,
    [clusterIdKey]: model.clusterId,
    [metadataVersionKey]: model.metadataVersion,
  };
  return {
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: node.podName,
        namespace: model.namespace,
        labels: nodeLabels(model, node),
        ownerReferences: [kafkaOwnerReference(model)],
      },
      data,
    },
    configurationHash: objectHash({ ...data, [serverConfigKey]: files.staticServerConfig }),
  };
}
