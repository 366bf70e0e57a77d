// The playground: the environment's Kubernetes and Redis, the operator and the pod runner as child
// processes, the example cluster, topic and user applied and waited on until Ready. The e2e test runs
// the same with its own namespace and node.
import { join } from 'node:path';
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { PooledKubeConfig } from '../../src/actors/kubernetes/pooled-kube-config.ts';
import { installCustomResourceDefinitions } from '../../src/api/install.ts';
import { type Environment, type Service, startEnvironment, stopServices } from './environment.ts';
import { applyManifests, type Manifest, playgroundManifests } from './manifests.ts';
import { type RunningOperator, startOperator } from './operator.ts';
import { testenvRun } from './paths.ts';
import { type RunningPodRunner, startPodRunner } from './pod-runner.ts';
import { waitUntilReady } from './readiness.ts';

export interface PlaygroundOptions {
  namespace: string;
  // The pod runner's node, bridge (≤ 6 characters) and pod addresses; the runner's defaults for the playground.
  nodeName: string;
  bridge: string;
  podCidr: string;
  stateChartViewPort?: string;
  httpPort?: string;
  print: (line: string) => void;
  // Whether to stop the services this run started when it fails to start; not when others share them.
  ownsServices: boolean;
  // The operator's credentials, e.g. a ServiceAccount token's; the environment's admin by default.
  operatorKubeconfig?: string;
}

export const playgroundDefaults: PlaygroundOptions = {
  namespace: 'playground',
  nodeName: 'local-runner',
  bridge: 'kpr0',
  podCidr: '10.245.0.0/16',
  print: (line) => console.log(line),
  ownsServices: true,
};

export interface Playground {
  namespace: string;
  cluster: string;
  // How many Kafka nodes the cluster's pools have.
  nodes: number;
  user: string;
  manifests: Manifest[];
  environment: Environment;
  kubeConfig: PooledKubeConfig;
  operator: RunningOperator;
  podRunner: RunningPodRunner;
  logDirectory: string;
  testenvLogs: string;
  print: (line: string) => void;
  // Stops the operator, then the pod runner (its brokers, pod networks and /etc/hosts block); with
  // `services`, also those services, e.g. the ones this run started.
  stop: (services?: Service[]) => Promise<void>;
}

function nameOf(manifests: Manifest[], kind: string): string {
  const found = manifests.find((manifest) => manifest.kind === kind);
  if (!found) throw new Error(`examples/playground/ has no ${kind}`);
  return found.metadata.name;
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const { namespace, print } = options;
  const logDirectory = join(testenvRun, 'playground', namespace);
  print('Starting Kubernetes and Redis (test/env/up.sh) …');
  const environment = startEnvironment(['kubernetes', 'redis']);
  const kubeConfig = new PooledKubeConfig();
  kubeConfig.loadFromFile(environment.kubeconfig);
  await installCustomResourceDefinitions(kubeConfig);
  await ensureNamespace(kubeConfig, namespace, print);

  const running: { operator?: RunningOperator; podRunner?: RunningPodRunner } = {};
  const stop = async (services: Service[] = []) => {
    await running.operator?.child.stop();
    await running.podRunner?.child.stop();
    await kubeConfig.closePools();
    stopServices(services);
  };
  try {
    running.podRunner = await startPodRunner({
      kubeconfig: environment.kubeconfig,
      logDirectory,
      nodeName: options.nodeName,
      bridge: options.bridge,
      podCidr: options.podCidr,
      runDirectory: join(logDirectory, 'pod-runner'),
      zone: 'zone-a',
    });
    print(`Pod runner on node ${options.nodeName}: log ${running.podRunner.child.logFile}`);
    running.operator = await startOperator({
      kubeconfig: options.operatorKubeconfig ?? environment.kubeconfig,
      redisUrl: environment.redisUrl,
      namespace,
      logDirectory,
      httpPort: options.httpPort,
      stateChartViewPort: options.stateChartViewPort,
    });
    print(`Operator watching namespace ${namespace}: log ${running.operator.child.logFile}`);
    const manifests = playgroundManifests(namespace, options.nodeName);
    await applyManifests(kubeConfig, manifests);
    const cluster = nameOf(manifests, 'Kafka');
    const nodes = manifests
      .filter((manifest) => manifest.kind === 'KafkaNodePool')
      .reduce((sum, pool) => sum + Number(pool.spec.replicas), 0);
    print(
      `Applied ${manifests.map((m) => `${m.kind} ${m.metadata.name}`).join(', ')} from examples/playground/`,
    );
    return {
      namespace,
      cluster,
      nodes,
      user: nameOf(manifests, 'KafkaUser'),
      manifests,
      environment,
      kubeConfig,
      operator: running.operator,
      podRunner: running.podRunner,
      logDirectory,
      testenvLogs: join(testenvRun, 'logs'),
      print,
      stop,
    };
  } catch (error) {
    await stop(options.ownsServices ? environment.started : []);
    throw error;
  }
}

// A namespace being deleted takes no new resources: wait until it is gone, then make it again.
async function ensureNamespace(
  kubeConfig: PooledKubeConfig,
  namespace: string,
  print: (line: string) => void,
) {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const existing = await core.readNamespace({ name: namespace }).catch((error: unknown) => {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    });
    if (!existing) {
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      return;
    }
    if (existing.status?.phase !== 'Terminating') return;
    if (Date.now() > deadline) {
      throw new Error(
        `namespace ${namespace} is still being deleted: its KafkaTopics and KafkaUsers keep their finalizers ` +
          'while no operator runs; remove them (kubectl patch … --type=merge -p \'{"metadata":{"finalizers":null}}\') or start again later',
      );
    }
    print(`Namespace ${namespace} is being deleted; waiting until it is gone …`);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}

// Waits until the given kinds of the playground's resources (all by default) are Ready, printing progress.
export async function playgroundReady(
  playground: Playground,
  timeoutMs: number,
  kinds?: string[],
): Promise<void> {
  // A ConfigMap has no Ready condition to wait for.
  const manifests = playground.manifests.filter(
    (manifest) => manifest.kind !== 'ConfigMap' && (!kinds || kinds.includes(manifest.kind)),
  );
  await waitUntilReady(playground.kubeConfig, manifests, {
    timeoutMs,
    print: playground.print,
    cluster: { name: playground.cluster, nodes: playground.nodes },
  });
}
