// The readiness agent in each broker's JVM (kafka-agent/BrokerStateAgent.java, built into a jar the
// operator ships): a ConfigMap of the cluster holds the jar, each broker pod mounts it and loads it with
// -javaagent, and the readiness probe asks it whether the broker is RUNNING. Controller-only nodes have no
// broker state: their probe stays a TCP check.
import type { V1ConfigMap, V1Probe, V1Volume } from '@kubernetes/client-node';
import type { ClusterModel } from '../../../machines/cluster-model.ts';
import { clusterLabels, kafkaOwnerReference } from './object-metadata.ts';

export const brokerAgentPort = 8082;
const brokerAgentJar = 'broker-state-agent.jar';
const brokerAgentDir = '/opt/kafka-agent';

export function brokerAgentConfigMapName(cluster: string): string {
  return `${cluster}-broker-agent`;
}

// `jar`: the agent jar, base64-encoded.
export function buildBrokerAgentConfigMap(model: ClusterModel, jar: string): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: brokerAgentConfigMapName(model.name),
      namespace: model.namespace,
      labels: clusterLabels(model),
      ownerReferences: [kafkaOwnerReference(model)],
    },
    binaryData: { [brokerAgentJar]: jar },
  };
}

export function brokerAgentVolume(model: ClusterModel): {
  volume: V1Volume;
  mountPath: string;
  readOnly: true;
} {
  return {
    volume: { name: 'broker-agent', configMap: { name: brokerAgentConfigMapName(model.name) } },
    mountPath: brokerAgentDir,
    readOnly: true,
  };
}

export const brokerAgentJavaOption = `-javaagent:${brokerAgentDir}/${brokerAgentJar}=${brokerAgentPort}`;

export function brokerReadinessProbe(timings: Omit<V1Probe, 'httpGet'>): V1Probe {
  return { httpGet: { path: '/ready', port: brokerAgentPort }, ...timings };
}
