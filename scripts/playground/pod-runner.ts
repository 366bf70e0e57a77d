// The pod runner (tools/pod-runner) as a child process: it registers the node the playground's pods
// are placed on and runs them as real processes.
import { join } from 'node:path';
import { type Child, startChild } from './child-process.ts';
import { logLine } from './log-lines.ts';

export interface PodRunnerSettings {
  kubeconfig: string;
  logDirectory: string;
  nodeName: string;
  // At most 6 characters; its own per node, so several runners can share the machine.
  bridge: string;
  podCidr: string;
  runDirectory: string;
  // The node's topology.kubernetes.io/zone, for trying rack awareness (spec.kafka.rack.topologyKey).
  zone: string;
}

export interface RunningPodRunner {
  child: Child;
  // Where each pod's container output goes: <podsDirectory>/<namespace>/<pod>/logs/<container>.log
  podsDirectory: string;
}

export async function startPodRunner(settings: PodRunnerSettings): Promise<RunningPodRunner> {
  const child = startChild(
    'pod runner',
    [
      'tools/pod-runner/main.ts',
      ...['--node-name', settings.nodeName, '--bridge', settings.bridge, '--pod-cidr', settings.podCidr],
      ...['--run-dir', settings.runDirectory, '--kubeconfig', settings.kubeconfig],
      ...['--node-label', `topology.kubernetes.io/zone=${settings.zone}`],
    ],
    { ...process.env, KUBECONFIG: settings.kubeconfig },
    join(settings.logDirectory, 'pod-runner.log'),
  );
  const started = await logLine(child, 'pod runner started');
  return { child, podsDirectory: String(started.podsDirectory) };
}
