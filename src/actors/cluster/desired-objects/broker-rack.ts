// Rack awareness from a node label (spec.kafka.rack.topologyKey). A pod's node is known only once it is
// scheduled, and the downward API cannot read node labels: the pod names the label in an annotation,
// the operator reads it from the pod's Node and writes it to the pod as another annotation
// (broker-racks.ts), and a downward API volume shows that annotation as a file, which the start-up script
// waits for and broker.rack reads. Strimzi's scheduling rules come with it: only nodes that have the label,
// and brokers spread over its values where the scheduler can.
import type { V1Affinity, V1Volume } from '@kubernetes/client-node';
import { rackAnnotation, rackTopologyKeyAnnotation } from '../../../api/labels.ts';
import type { ClusterModel, NodeModel } from '../../../machines/cluster-model.ts';
import { rackDir, rackFile } from '../broker-config/broker-paths.ts';
import { clusterSelector, isBroker } from './object-metadata.ts';

/** The node label a broker's rack comes from, when it comes from one. */
export function rackTopologyKey(model: ClusterModel, node: NodeModel): string | undefined {
  return model.rack?.type === 'topology-label' && isBroker(node) ? model.rack.topologyKey : undefined;
}

export function rackPodAnnotations(model: ClusterModel, node: NodeModel): Record<string, string> {
  const key = rackTopologyKey(model, node);
  return key ? { [rackTopologyKeyAnnotation]: key } : {};
}

export function rackVolume(): { volume: V1Volume; mountPath: string; readOnly: true } {
  return {
    volume: {
      name: 'rack',
      downwardAPI: {
        items: [{ path: rackFile, fieldRef: { fieldPath: `metadata.annotations['${rackAnnotation}']` } }],
      },
    },
    mountPath: rackDir,
    readOnly: true,
  };
}

// The kubelet refreshes the file within its sync period after the operator annotates the pod.
export function rackWaitLines(): string[] {
  const file = `${rackDir}/${rackFile}`;
  return [
    `while [ ! -s ${file} ]; do`,
    `  echo "waiting for the operator to write this node's rack (annotation ${rackAnnotation})"`,
    '  sleep 2',
    'done',
  ];
}

// Strimzi's rack affinity merged into the template's: every node selector term also requires the label,
// and brokers of the cluster prefer nodes with another value of it.
export function withRackAffinity(
  model: ClusterModel,
  node: NodeModel,
  affinity: V1Affinity | undefined,
): V1Affinity | undefined {
  const key = rackTopologyKey(model, node);
  if (!key) return affinity;
  const hasLabel = { key, operator: 'Exists' };
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = required?.nodeSelectorTerms?.length ? required.nodeSelectorTerms : [{}];
  const antiAffinity = affinity?.podAntiAffinity;
  return {
    ...affinity,
    nodeAffinity: {
      ...affinity?.nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: terms.map((term) => ({
          ...term,
          matchExpressions: [...(term.matchExpressions ?? []), hasLabel],
        })),
      },
    },
    podAntiAffinity: {
      ...antiAffinity,
      preferredDuringSchedulingIgnoredDuringExecution: [
        ...(antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []),
        {
          weight: 100,
          podAffinityTerm: { topologyKey: key, labelSelector: { matchLabels: clusterSelector(model) } },
        },
      ],
    },
  };
}
