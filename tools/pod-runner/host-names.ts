// The names Kubernetes DNS would give the runner's pods and the services selecting them, with the
// address each resolves to: a pod's own address for <hostname>.<subdomain>.<ns>.svc, and for a
// service the first endpoint (by pod name) that is ready, or any if it publishes not-ready addresses.
import type { V1Pod, V1Service } from '@kubernetes/client-node';

export interface LocalPod {
  pod: V1Pod;
  address: string;
  ready: boolean;
}

export type HostEntries = Map<string, string>;

const domains = ['svc', 'svc.cluster.local'];

export function podHostname(pod: V1Pod): string {
  return (pod.spec?.hostname ?? pod.metadata?.name ?? '').slice(0, 63);
}

export function podFqdn(pod: V1Pod): string | undefined {
  const subdomain = pod.spec?.subdomain;
  if (!subdomain) return undefined;
  return `${podHostname(pod)}.${subdomain}.${pod.metadata?.namespace}.svc.cluster.local`;
}

export function clusterHostEntries(pods: LocalPod[], services: V1Service[]): HostEntries {
  const entries: HostEntries = new Map();
  const byName = [...pods].sort((a, b) =>
    (a.pod.metadata?.name ?? '').localeCompare(b.pod.metadata?.name ?? ''),
  );
  for (const { pod, address } of byName) {
    const subdomain = pod.spec?.subdomain;
    if (!subdomain) continue;
    for (const domain of domains) {
      entries.set(`${podHostname(pod)}.${subdomain}.${pod.metadata?.namespace}.${domain}`, address);
    }
  }
  for (const service of services) {
    const selector = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) continue;
    const namespace = service.metadata?.namespace;
    const publishNotReady = service.spec?.publishNotReadyAddresses ?? false;
    const endpoint = byName.find(
      ({ pod, ready }) =>
        pod.metadata?.namespace === namespace &&
        (ready || publishNotReady) &&
        Object.entries(selector).every(([key, value]) => pod.metadata?.labels?.[key] === value),
    );
    if (!endpoint) continue;
    for (const domain of domains)
      entries.set(`${service.metadata?.name}.${namespace}.${domain}`, endpoint.address);
  }
  return entries;
}

// A hosts file: localhost, then the pod's own names when written for a pod, then every entry.
export function hostsFileText(entries: HostEntries, own?: { pod: V1Pod; address: string }): string {
  const lines = ['# Written by the pod runner (tools/pod-runner); rewritten as pods and services change.'];
  lines.push('127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback');
  if (own) {
    const fqdn = podFqdn(own.pod);
    lines.push(`${own.address}\t${fqdn ? `${fqdn} ` : ''}${podHostname(own.pod)}`);
  }
  lines.push(...entryLines(entries));
  return `${lines.join('\n')}\n`;
}

export function entryLines(entries: HostEntries): string[] {
  const namesByAddress = new Map<string, string[]>();
  for (const [name, address] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
    namesByAddress.set(address, [...(namesByAddress.get(address) ?? []), name]);
  }
  return [...namesByAddress].map(([address, names]) => `${address}\t${names.join(' ')}`);
}

// Replaces (or appends, or with no lines removes) the block between the runner's markers in a hosts
// file, leaving every other line as it was.
export function withManagedBlock(text: string, marker: string, lines: string[]): string {
  const begin = `# BEGIN ${marker}`;
  const end = `# END ${marker}`;
  const kept: string[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (line === begin) inside = true;
    else if (line === end) inside = false;
    else if (!inside) kept.push(line);
  }
  while (kept.length > 0 && kept.at(-1) === '') kept.pop();
  const block = lines.length === 0 ? [] : [begin, ...lines, end];
  return `${[...kept, ...block].join('\n')}\n`;
}
