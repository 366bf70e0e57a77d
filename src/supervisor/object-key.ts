// The key that names one object in caches, queues and logs: "namespace/name" ("name" when cluster-scoped).
import type { KubernetesObject } from '@kubernetes/client-node';

export function objectKey(object: KubernetesObject): string {
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}
