// Where pods go in tests that run them on a pod runner: past the runner's taint, and only onto the
// runner's nodes (the kwok nodes of the same apiserver run no process).
import type { V1NodeAffinity, V1Toleration } from '@kubernetes/client-node';
import { defaultTaint, parseTaint } from '../../tools/pod-runner/options.ts';

export const runnerToleration: V1Toleration = { ...parseTaint(defaultTaint), operator: 'Equal' };

export function onlyOnNodes(nodeNames: string[]): V1NodeAffinity {
  return {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: nodeNames }] },
      ],
    },
  };
}
