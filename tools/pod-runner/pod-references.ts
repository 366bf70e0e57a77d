// The ConfigMaps, Secrets and claims a pod reads, and the downward API fields it may ask for:
// what the runner must fetch before it can write the pod's volumes and environment.
import type {
  V1Container,
  V1ObjectFieldSelector,
  V1Pod,
  V1ResourceFieldSelector,
} from '@kubernetes/client-node';

export interface PodReferences {
  configMaps: Set<string>;
  secrets: Set<string>;
  claims: Set<string>;
}

export function allContainers(pod: V1Pod): V1Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

export function podReferences(pod: V1Pod): PodReferences {
  const references: PodReferences = { configMaps: new Set(), secrets: new Set(), claims: new Set() };
  for (const volume of pod.spec?.volumes ?? []) {
    if (volume.configMap?.name) references.configMaps.add(volume.configMap.name);
    if (volume.secret?.secretName) references.secrets.add(volume.secret.secretName);
    if (volume.persistentVolumeClaim) references.claims.add(volume.persistentVolumeClaim.claimName);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) references.configMaps.add(source.configMap.name);
      if (source.secret?.name) references.secrets.add(source.secret.name);
    }
  }
  for (const container of allContainers(pod)) {
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef?.name) references.configMaps.add(from.configMapRef.name);
      if (from.secretRef?.name) references.secrets.add(from.secretRef.name);
    }
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom;
      if (ref?.configMapKeyRef?.name) references.configMaps.add(ref.configMapKeyRef.name);
      if (ref?.secretKeyRef?.name) references.secrets.add(ref.secretKeyRef.name);
    }
  }
  return references;
}

// What the downward API reads beyond the pod object itself.
export interface PodPlacement {
  podIP: string;
  hostIP: string;
}

// A fieldRef's value, as the kubelet renders it; throws on a field the kubelet would refuse.
export function fieldValue(pod: V1Pod, placement: PodPlacement, selector: V1ObjectFieldSelector): string {
  const path = selector.fieldPath;
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) {
    const map = keyed[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[keyed[2] ?? ''] ?? '';
  }
  switch (path) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata?.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata?.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return placement.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return placement.podIP;
    default:
      throw new Error(`downward API field ${path} is not supported by the pod runner`);
  }
}

function formatMap(map: Record<string, string> | undefined): string {
  return Object.entries(map ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join('\n');
}

// A resourceFieldRef's value in units of its divisor, rounded up as the kubelet does. A resource
// without a limit reads as the node's allocatable amount.
export function resourceValue(
  container: V1Container | undefined,
  selector: V1ResourceFieldSelector,
  allocatable: Record<string, string>,
): string {
  const [kind, resource] = selector.resource.split('.');
  if (!resource || (kind !== 'limits' && kind !== 'requests')) {
    throw new Error(`resource field ${selector.resource} is not supported by the pod runner`);
  }
  const amounts = kind === 'limits' ? container?.resources?.limits : container?.resources?.requests;
  const amount = amounts?.[resource] ?? (kind === 'limits' ? allocatable[resource] : undefined) ?? '0';
  const divisor = parseQuantity(String(selector.divisor ?? '1'));
  return String(Math.ceil(parseQuantity(String(amount)) / divisor));
}

const suffixes: Record<string, number> = {
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

export function parseQuantity(quantity: string): number {
  const match = /^([0-9.]+(?:e[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity.trim());
  const factor = suffixes[match?.[2] ?? ''];
  if (!match?.[1] || factor === undefined) throw new Error(`cannot read the quantity ${quantity}`);
  return Number(match[1]) * factor;
}
