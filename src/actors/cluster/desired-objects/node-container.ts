// The kafka container of a node's pod: the official image running the start-up script from the node's
// ConfigMap, the node's ports, its addresses from the downward API, JVM settings and probes, and what
// template.kafkaContainer adds (environment variables) or replaces (the security context).
import type { V1Container, V1ContainerPort, V1EnvVar } from '@kubernetes/client-node';
import type { ClusterModel, NodeModel, PoolModel } from '../../../machines/cluster-model.ts';
import {
  configDir,
  metricsPort,
  nodeAddressEnvVar,
  startupScriptKey,
} from '../broker-config/broker-paths.ts';
import { controlPlaneListener, replicationListener } from '../cluster-names.ts';
import { brokerAgentJavaOption } from './broker-agent.ts';
import { jvmEnvironment } from './jvm-environment.ts';
import { nodeProbes } from './node-probes.ts';
import { nodeVolumeMounts } from './node-volumes.ts';
import { isBroker, isController } from './object-metadata.ts';
import {
  controlPlanePortName,
  listenerPortName,
  metricsPortName,
  replicationPortName,
} from './port-names.ts';

export function nodeContainer(model: ClusterModel, node: NodeModel, pool: PoolModel): V1Container {
  return {
    name: 'kafka',
    image: model.image,
    command: ['/bin/sh', `${configDir}/${startupScriptKey}`],
    ports: nodePorts(model, node),
    env: nodeEnvironment(node, pool),
    volumeMounts: nodeVolumeMounts(model, node, pool.storage),
    ...nodeProbes(node, model.probes),
    ...(pool.resources ? { resources: pool.resources as V1Container['resources'] } : {}),
    securityContext: pool.template.containerSecurityContext ?? {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
  };
}

// The template's variables first; one the operator sets itself (the node's address, the JVM's) keeps
// the operator's value, as in Strimzi.
function nodeEnvironment(node: NodeModel, pool: PoolModel): V1EnvVar[] {
  const own = [
    nodeAddressEnvironment,
    ...jvmEnvironment(pool.jvmOptions, pool.resources, isBroker(node) ? [brokerAgentJavaOption] : []),
  ];
  const reserved = new Set(own.map((variable) => variable.name));
  return [...pool.template.containerEnv.filter((variable) => !reserved.has(variable.name)), ...own];
}

// The controller listener is on controller nodes only; replication and user listeners on brokers only.
export function nodePorts(model: ClusterModel, node: NodeModel): V1ContainerPort[] {
  const ports: V1ContainerPort[] = [];
  if (model.metrics) ports.push({ name: metricsPortName, containerPort: metricsPort, protocol: 'TCP' });
  if (isController(node)) {
    ports.push({ name: controlPlanePortName, containerPort: controlPlaneListener.port, protocol: 'TCP' });
  }
  if (isBroker(node)) {
    ports.push({ name: replicationPortName, containerPort: replicationListener.port, protocol: 'TCP' });
    for (const listener of model.listeners) {
      ports.push({ name: listenerPortName(listener), containerPort: listener.port, protocol: 'TCP' });
    }
  }
  return ports;
}

// The Kubernetes node's address, which nodeport listeners advertise unless advertisedHost says otherwise.
const nodeAddressEnvironment: V1EnvVar = {
  name: nodeAddressEnvVar,
  valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } },
};
