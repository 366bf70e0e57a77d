// The playground's resources, read from examples/playground/ (where users read them too), placed in a
// namespace and on the pod runner's node, and applied by server-side apply.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import { resourceTypeForKind } from '../../src/api/resources.ts';
import { pinnedKafkaVersion } from '../../tools/pod-runner/options.ts';
import { repoRoot } from './paths.ts';

export const manifestsDirectory = join(repoRoot, 'examples', 'playground');
// The node the example manifests name in their pods' node affinity.
const exampleNode = 'local-runner';

export interface Manifest extends KubernetesObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

// Files in name order: kafka.yaml (metrics rules, pool and cluster), topic.yaml, user.yaml.
export function playgroundManifests(namespace: string, nodeName = exampleNode): Manifest[] {
  return readdirSync(manifestsDirectory)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) => loadAll(readFileSync(join(manifestsDirectory, file), 'utf8')) as Manifest[])
    .map((manifest) => {
      // The node's name appears only in the affinity's hostname term; replaced as text, it keeps the YAML as written.
      const placed = JSON.parse(
        JSON.stringify(manifest).replaceAll(`"values":["${exampleNode}"]`, `"values":["${nodeName}"]`),
      ) as Manifest;
      if (placed.kind === 'Kafka')
        // The pod runner runs the test environment's Kafka jars whatever image a pod names.
        (placed.spec.kafka as { version?: string }).version = pinnedKafkaVersion(repoRoot);
      return { ...placed, metadata: { ...placed.metadata, namespace } };
    });
}

export async function applyManifests(kubeConfig: KubeConfig, manifests: Manifest[]): Promise<void> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const serverSideApply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  for (const manifest of manifests) {
    const apply = {
      namespace: manifest.metadata.namespace ?? 'default',
      name: manifest.metadata.name,
      body: manifest,
      fieldManager: 'playground',
      force: true,
    };
    if (manifest.kind === 'ConfigMap') {
      await core.patchNamespacedConfigMap(apply, serverSideApply);
      continue;
    }
    const { group, version, plural } = resourceTypeForKind(manifest.kind);
    await api.patchNamespacedCustomObject({ group, version, plural, ...apply }, serverSideApply);
  }
}
