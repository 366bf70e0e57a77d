// The runner's command line and its defaults on the test environment's layout (test/env/lib.sh).
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { V1Taint } from '@kubernetes/client-node';

export const defaultTaint = 'kafka-actor-operator/pod-runner=true:NoSchedule';

export const usage = `Usage: node tools/pod-runner/main.ts [options]
  --node-name NAME     the Node to register (default local-runner)
  --bridge NAME        bridge and prefix of the pod networks, at most 6 characters (default kpr0)
  --pod-cidr CIDR      the pods' addresses, an IPv4 /16 (default 10.245.0.0/16; the node is .0.1)
  --taint K=V:EFFECT   the Node's taint (default ${defaultTaint}); repeatable
  --no-taint           no taint: the scheduler may place any pod here
  --node-label K=V     a label of the Node, e.g. topology.kubernetes.io/zone=zone-1; repeatable
  --run-dir DIR        pod directories and hosts file (default $TESTENV_RUN/pod-runner)
  --min-liveness-delay S  liveness probes start at least S seconds after a container (default 0, as the
                       kubelet); for machines too busy to start a JVM within a pod's liveness probe
  --no-etc-hosts       leave /etc/hosts alone (by default a managed block lists the pods' and services' names)
  --image REPO=LAYOUT  containers whose image is REPO[:tag|@digest] run from that OCI image layout (npm run
                       image builds one) with crun, read-only; repeatable
  --kubeconfig FILE    (default $KUBECONFIG, else $TESTENV_RUN/kubeconfig)
  --log-level LEVEL    (default info)`;

export interface RunnerSettings {
  nodeName: string;
  bridge: string;
  podCidr: string;
  taints: V1Taint[];
  nodeLabels: Record<string, string>;
  runDirectory: string;
  systemHostsFile: string | undefined;
  kubeconfig: string;
  kafkaLibraries: string;
  logLevel: string;
  minLivenessDelaySeconds: number;
  images: Map<string, string>;
}

export function parseTaint(text: string): V1Taint {
  const match = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(text);
  if (!match?.[1])
    throw new Error(`taint ${text} must read key[=value]:NoSchedule|PreferNoSchedule|NoExecute`);
  return { key: match[1], ...(match[2] ? { value: match[2] } : {}), effect: match[3] ?? 'NoSchedule' };
}

export function parseNodeLabel(text: string): [string, string] {
  const match = /^([^=]+)=(.*)$/.exec(text);
  if (!match?.[1]) throw new Error(`node label ${text} must read key=value`);
  return [match[1], match[2] ?? ''];
}

export function runnerSettings(argv: string[], env: NodeJS.ProcessEnv, repoRoot: string): RunnerSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      'node-name': { type: 'string', default: 'local-runner' },
      bridge: { type: 'string', default: 'kpr0' },
      'pod-cidr': { type: 'string', default: '10.245.0.0/16' },
      taint: { type: 'string', multiple: true },
      'no-taint': { type: 'boolean', default: false },
      'node-label': { type: 'string', multiple: true },
      'run-dir': { type: 'string' },
      'no-etc-hosts': { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      'min-liveness-delay': { type: 'string', default: '0' },
      image: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const testenvRun = env.TESTENV_RUN ?? join(env.TMPDIR ?? tmpdir(), 'kafka-actor-operator-testenv');
  const testenvCache = env.TESTENV_CACHE ?? join(homedir(), '.cache', 'kafka-actor-operator-testenv');
  const taints = values['no-taint'] ? [] : (values.taint ?? [defaultTaint]).map(parseTaint);
  return {
    nodeName: values['node-name'],
    bridge: values.bridge,
    podCidr: values['pod-cidr'],
    taints,
    nodeLabels: Object.fromEntries((values['node-label'] ?? []).map(parseNodeLabel)),
    runDirectory: values['run-dir'] ?? join(testenvRun, 'pod-runner'),
    systemHostsFile: values['no-etc-hosts'] ? undefined : '/etc/hosts',
    kubeconfig: values.kubeconfig ?? env.KUBECONFIG ?? join(testenvRun, 'kubeconfig'),
    kafkaLibraries: join(testenvCache, `kafka-${pinnedKafkaVersion(repoRoot)}`, 'lib'),
    logLevel: values['log-level'],
    minLivenessDelaySeconds: seconds(values['min-liveness-delay'], '--min-liveness-delay'),
    images: new Map((values.image ?? []).map(parseImageOption)),
  };
}

export function parseImageOption(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw new Error(`--image ${text} must read REPOSITORY=LAYOUT`);
  return [text.slice(0, at), text.slice(at + 1)];
}

function seconds(text: string, option: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${option} takes a whole number of seconds, not ${text}`);
  return Number(text);
}

// The Kafka version test/env/versions.env pins: the jars the test environment built.
export function pinnedKafkaVersion(repoRoot: string): string {
  const pins = readFileSync(join(repoRoot, 'test', 'env', 'versions.env'), 'utf8');
  const version = /^KAFKA_VERSION=(\S+)$/m.exec(pins)?.[1];
  if (!version) throw new Error('test/env/versions.env does not pin KAFKA_VERSION');
  return version;
}
