// Waits until every playground resource is Ready, printing one line per resource each time what it
// reports changes (not at every poll).
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { resourceTypeForKind } from '../../src/api/resources.ts';
import type { Manifest } from './manifests.ts';

interface Observed {
  spec?: { replicas?: number };
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    nodeIds?: number[];
  };
}

export interface Progress {
  ready: boolean;
  text: string;
}

// A KafkaNodePool has no Ready condition (as in Strimzi): it is done when all its nodes have ids.
export function progressOf(kind: string, resource: Observed | undefined): Progress {
  if (!resource) return { ready: false, text: 'not created yet' };
  if (kind === 'KafkaNodePool') {
    const ids = resource.status?.nodeIds ?? [];
    const wanted = resource.spec?.replicas ?? 0;
    return { ready: ids.length === wanted && wanted > 0, text: `nodes [${ids.join(', ')}] of ${wanted}` };
  }
  const ready = resource.status?.conditions?.find((condition) => condition.type === 'Ready');
  if (!ready) return { ready: false, text: 'waiting for the operator' };
  if (ready.status === 'True') return { ready: true, text: 'Ready' };
  const why = [ready.reason, ready.message].filter(Boolean).join(': ');
  return { ready: false, text: `not Ready${why ? ` (${why})` : ''}` };
}

function podProgress(pods: { status?: { conditions?: { type: string; status: string }[] } }[], want: number) {
  const ready = pods.filter((pod) =>
    pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'),
  ).length;
  return { ready: ready === want && want > 0, text: `${ready}/${want} pods Ready` };
}

export interface WaitOptions {
  timeoutMs: number;
  print: (line: string) => void;
  // The cluster whose pods to report, with how many nodes it has.
  cluster: { name: string; nodes: number };
}

export async function waitUntilReady(
  kubeConfig: KubeConfig,
  manifests: Manifest[],
  options: WaitOptions,
): Promise<void> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const namespace = manifests[0]?.metadata.namespace ?? 'default';
  const started = Date.now();
  const last = new Map<string, string>();
  const report = (label: string, progress: Progress) => {
    if (last.get(label) === progress.text) return;
    last.set(label, progress.text);
    const seconds = Math.round((Date.now() - started) / 1000);
    options.print(`[${String(seconds).padStart(3)} s] ${label}: ${progress.text}`);
  };
  for (;;) {
    let allReady = true;
    for (const manifest of manifests) {
      const type = resourceTypeForKind(manifest.kind);
      const resource = (await custom
        .getNamespacedCustomObject({ ...type, namespace, name: manifest.metadata.name })
        .catch(() => undefined)) as Observed | undefined;
      const progress = progressOf(manifest.kind, resource);
      report(`${manifest.kind} ${manifest.metadata.name}`, progress);
      allReady &&= progress.ready;
    }
    const pods = await core.listNamespacedPod({
      namespace,
      labelSelector: `strimzi.io/cluster=${options.cluster.name},strimzi.io/pool-name`,
    });
    const podsProgress = podProgress(pods.items, options.cluster.nodes);
    report(`pods of ${options.cluster.name}`, podsProgress);
    // A Kafka still Ready from before a pod went is not done until its pods are back.
    if (manifests.some((manifest) => manifest.kind === 'Kafka')) allReady &&= podsProgress.ready;
    if (allReady) return;
    if (Date.now() - started > options.timeoutMs) {
      const waiting = [...last]
        .filter(([, text]) => text !== 'Ready')
        .map(([label, text]) => `${label}: ${text}`);
      throw new Error(`not Ready after ${options.timeoutMs / 1000} s: ${waiting.join('; ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
