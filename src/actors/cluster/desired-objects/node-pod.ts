// One node's pod, managed directly as Strimzi's pod sets do: stable host name under the headless brokers
// service, the node's volumes and container, the pool's template; annotated with what it runs (configuration
// hash, certificate hash, Kafka version, CA generations) and a revision over all of it, so that comparing
// revisions tells whether the running pod must be replaced.
import type { V1Pod } from '@kubernetes/client-node';
import {
  clientsCaCertGenerationAnnotation,
  clusterCaCertGenerationAnnotation,
  clusterCaKeyGenerationAnnotation,
  configurationHashAnnotation,
  dynamicConfigurationHashAnnotation,
  kafkaVersionAnnotation,
  manualRollingUpdateAnnotation,
  revisionAnnotation,
  serverCertificateHashAnnotation,
} from '../../../api/labels.ts';
import type { ClusterModel, NodeModel, PoolModel } from '../../../machines/cluster-model.ts';
import { brokersServiceName } from '../cluster-names.ts';
import { rackPodAnnotations, withRackAffinity } from './broker-rack.ts';
import { objectHash } from './content-hash.ts';
import { nodeContainer } from './node-container.ts';
import { nodeVolumes } from './node-volumes.ts';
import { kafkaOwnerReference, podLabels } from './object-metadata.ts';
import { serviceAccountName } from './service-account.ts';

// The official apache/kafka image runs as appuser (uid and gid 1000): volumes are made writable for it.
const imageGroupId = 1000;

/** The generations of the CAs (Strimzi's ca-cert-generation/ca-key-generation of the CA Secrets). */
export interface CaGenerations {
  clusterCaCert: number;
  clusterCaKey: number;
  clientsCaCert: number;
}

export interface NodePodInputs {
  /** From the node's ConfigMap (buildNodeConfigMap). */
  configurationHash: string;
  /** Of the configuration Kafka takes at runtime: not part of the revision, so a change rolls nothing. */
  dynamicConfigurationHash: string;
  /** objectHash of the node's certificate PEM: a new certificate rolls the node. */
  serverCertificateHash: string;
  caGenerations: CaGenerations;
}

export function buildNodePod(
  model: ClusterModel,
  node: NodeModel,
  pool: PoolModel,
  inputs: NodePodInputs,
): V1Pod {
  const template = pool.template;
  // A pod created with a manual rolling update request would be restarted after every restart.
  const { [manualRollingUpdateAnnotation]: _request, ...templateAnnotations } = template.annotations;
  const annotations: Record<string, string> = {
    ...templateAnnotations,
    ...rackPodAnnotations(model, node),
    [configurationHashAnnotation]: inputs.configurationHash,
    [serverCertificateHashAnnotation]: inputs.serverCertificateHash,
    [kafkaVersionAnnotation]: model.kafkaVersion,
    [clusterCaCertGenerationAnnotation]: String(inputs.caGenerations.clusterCaCert),
    [clusterCaKeyGenerationAnnotation]: String(inputs.caGenerations.clusterCaKey),
    [clientsCaCertGenerationAnnotation]: String(inputs.caGenerations.clientsCaCert),
  };
  const affinity = withRackAffinity(model, node, template.affinity);
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: node.podName,
      namespace: model.namespace,
      // The template may add labels, never replace the ones services and the operator select by.
      labels: { ...template.labels, ...podLabels(model, node) },
      annotations,
      ownerReferences: [kafkaOwnerReference(model)],
    },
    spec: {
      hostname: node.podName,
      subdomain: brokersServiceName(model.name),
      restartPolicy: 'Always',
      serviceAccountName: serviceAccountName(model),
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: template.terminationGracePeriodSeconds ?? 30,
      securityContext: template.securityContext ?? { fsGroup: imageGroupId },
      ...(affinity && { affinity }),
      ...(template.tolerations && { tolerations: template.tolerations }),
      ...(template.topologySpreadConstraints && {
        topologySpreadConstraints: template.topologySpreadConstraints,
      }),
      ...(template.priorityClassName && { priorityClassName: template.priorityClassName }),
      ...(template.imagePullSecrets && { imagePullSecrets: template.imagePullSecrets }),
      ...(template.hostAliases && { hostAliases: template.hostAliases }),
      ...(template.enableServiceLinks !== undefined && { enableServiceLinks: template.enableServiceLinks }),
      ...(template.schedulerName && { schedulerName: template.schedulerName }),
      ...(template.dnsPolicy && { dnsPolicy: template.dnsPolicy }),
      ...(template.dnsConfig && { dnsConfig: template.dnsConfig }),
      containers: [nodeContainer(model, node, pool)],
      volumes: nodeVolumes(model, node, pool.storage),
    },
  };
  annotations[revisionAnnotation] = podRevision(pod);
  annotations[dynamicConfigurationHashAnnotation] = inputs.dynamicConfigurationHash;
  return pod;
}

/**
 * strimzi.io/revision: the hash of everything the pod is built from (its revision annotation aside, and
 * the configuration Kafka takes at runtime).
 */
export function podRevision(pod: V1Pod): string {
  const {
    [revisionAnnotation]: _revision,
    [dynamicConfigurationHashAnnotation]: _dynamic,
    ...annotations
  } = pod.metadata?.annotations ?? {};
  return objectHash({ labels: pod.metadata?.labels, annotations, spec: pod.spec });
}
