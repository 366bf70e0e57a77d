// The Kafka broker JVMs a pod runner started, found in /proc: a kafka.Kafka process inside one of the
// runner's pod network namespaces (/run/netns/<bridge>-…), named by its pod (HOSTNAME).
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

function podNetworks(bridge: string): Set<string> {
  const names = readdirSync('/run/netns').filter((name) => name.startsWith(`${bridge}-`));
  return new Set(names.map((name) => `net:[${statSync(`/run/netns/${name}`).ino}]`));
}

function read(path: string, reader: (path: string) => string): string | undefined {
  try {
    return reader(path);
  } catch {
    // The process ended while being looked at.
    return undefined;
  }
}

/** Pod name → pid of its broker JVM. */
export function brokerProcesses(bridge: string): Map<string, number> {
  const networks = podNetworks(bridge);
  const brokers = new Map<string, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const cmdline = read(`/proc/${entry}/cmdline`, (path) => readFileSync(path, 'utf8'));
    if (!cmdline?.split('\0').includes('kafka.Kafka')) continue;
    const network = read(`/proc/${entry}/ns/net`, readlinkSync);
    if (!network || !networks.has(network)) continue;
    const environ = read(`/proc/${entry}/environ`, (path) => readFileSync(path, 'utf8')) ?? '';
    const pod = environ.split('\0').find((variable) => variable.startsWith('HOSTNAME='));
    if (pod) brokers.set(pod.slice('HOSTNAME='.length), Number(entry));
  }
  return brokers;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
