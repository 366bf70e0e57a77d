// The runner: registers its Node (and any more Nodes it plays), watches the pods bound to them and the
// services, keeps one worker per pod, and publishes the host names of its pods and services. stop() ends
// every pod's processes, removes the pod networks, withdraws the host names and deletes the Nodes.
import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CoordinationV1Api,
  CoreV1Api,
  type V1Pod,
  type V1Service,
  type V1Taint,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { PooledKubeConfig } from '../../src/actors/kubernetes/pooled-kube-config.ts';
import { ResourceInformer } from '../../src/supervisor/informer.ts';
import { CoreResourceSource } from './core-source.ts';
import { clusterHostEntries, type LocalPod } from './host-names.ts';
import { HostsPublisher } from './hosts-publisher.ts';
import { buildKafkaHome } from './kafka-home.ts';
import { NodeRegistration } from './node-registration.ts';
import { OciImages } from './oci-images.ts';
import { BridgeNetwork } from './pod-network.ts';
import { PodWorker } from './pod-worker.ts';

export interface PodRunnerOptions {
  kubeConfig: PooledKubeConfig;
  nodeName: string;
  // At most 6 characters; names the bridge and prefixes every interface and namespace of this runner.
  bridge: string;
  podCidr: string;
  taints: V1Taint[];
  // Labels of the Node besides its own (kubernetes.io/hostname and the like).
  nodeLabels?: Record<string, string>;
  // More Nodes this runner plays, by name with their labels, e.g. one per zone for rack awareness: their
  // pods share the runner's network, so they reach each other as pods of one node do.
  additionalNodes?: Record<string, Record<string, string>>;
  // Pod directories, the runner's hosts file and claims without a host path live here.
  runDirectory: string;
  // The test environment's Kafka jars, linked as /opt/kafka/libs.
  kafkaLibraries: string;
  // undefined leaves the machine's /etc/hosts alone.
  systemHostsFile: string | undefined;
  log: Logger;
  heartbeatMs?: number;
  volumeRefreshMs?: number;
  restartBackoff?: { initialMs: number; maxMs: number };
  // Not the kubelet's behaviour: on a machine too busy for a JVM to start within a pod's liveness
  // probe, a floor under every liveness probe's initial delay keeps brokers from being killed in a loop.
  minLivenessDelaySeconds?: number;
  // Upper bound on each pod's grace period when the runner itself stops.
  stopGraceMs?: number;
  // OCI image layouts by repository: containers whose image names one run from it (with crun).
  images?: ReadonlyMap<string, string>;
}

const idleRestartMs = 120_000;
const watchInactivityTimeoutMs = idleRestartMs + 30_000;
const capacity = { cpu: '8', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
const imageEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  KAFKA_HOME: '/opt/kafka',
  HOME: '/root',
  LANG: 'C.UTF-8',
};

export class PodRunner {
  readonly #options: PodRunnerOptions;
  readonly #log: Logger;
  readonly #core: CoreV1Api;
  readonly #network: BridgeNetwork;
  readonly #nodes: NodeRegistration[];
  readonly #hosts: HostsPublisher;
  readonly #pods: ResourceInformer<V1Pod>;
  readonly #services: ResourceInformer<V1Service>;
  readonly #nodeNames: ReadonlySet<string>;
  readonly #workers = new Map<string, PodWorker>();
  #hostsTimer: NodeJS.Timeout | undefined;
  #publishing: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: PodRunnerOptions) {
    this.#options = options;
    this.#log = options.log.child({ node: options.nodeName });
    const kubeConfig = options.kubeConfig;
    this.#core = kubeConfig.makeApiClient(CoreV1Api);
    this.#network = new BridgeNetwork(options.bridge, options.podCidr);
    const coordination = kubeConfig.makeApiClient(CoordinationV1Api);
    const nodeLabels = { [options.nodeName]: options.nodeLabels, ...options.additionalNodes };
    this.#nodes = Object.entries(nodeLabels).map(
      ([name, labels]) =>
        new NodeRegistration({
          core: this.#core,
          coordination,
          name,
          address: this.#network.nodeAddress,
          taints: options.taints,
          extraLabels: labels,
          capacity,
          heartbeatMs: options.heartbeatMs ?? 10_000,
          log: this.#log.child({ node: name }),
        }),
    );
    this.#nodeNames = new Set(Object.keys(nodeLabels));
    this.#hosts = new HostsPublisher({
      runnerHostsFile: this.hostsFile,
      systemHostsFile: options.systemHostsFile,
      marker: `pod-runner ${options.nodeName}`,
    });
    const informer = <T extends V1Pod | V1Service>(plural: string, source: CoreResourceSource<T>) =>
      new ResourceInformer<T>({
        kubeConfig,
        group: '',
        version: 'v1',
        plural,
        namespaces: 'all',
        logger: this.#log,
        source,
        idleRestartMs,
      });
    this.#pods = informer(
      'pods',
      new CoreResourceSource<V1Pod>({
        kubeConfig,
        plural: 'pods',
        // A field selector names one node: a runner of several watches every pod and keeps its own.
        fieldSelector: options.additionalNodes ? undefined : `spec.nodeName=${options.nodeName}`,
        list: (fieldSelector) => this.#core.listPodForAllNamespaces({ fieldSelector }),
        watchInactivityTimeoutMs,
      }),
    );
    this.#services = informer(
      'services',
      new CoreResourceSource<V1Service>({
        kubeConfig,
        plural: 'services',
        list: () => this.#core.listServiceForAllNamespaces(),
        watchInactivityTimeoutMs,
      }),
    );
  }

  get #stopGraceMs(): number {
    return this.#options.stopGraceMs ?? 10_000;
  }

  // Mount points of the pods' private staging tmpfs; outside anything a pod mounts over.
  get #stagingDirectory(): string {
    return join('/run', `pod-runner-${this.#options.bridge}`);
  }

  get nodeAddress(): string {
    return this.#network.nodeAddress;
  }

  // Every name of the runner's pods and services with its address, for resolvers that read a file.
  get hostsFile(): string {
    return join(this.#options.runDirectory, `hosts-${this.#options.nodeName}`);
  }

  get podsDirectory(): string {
    return join(this.#options.runDirectory, 'pods');
  }

  async start(): Promise<void> {
    const { runDirectory, kafkaLibraries } = this.#options;
    const stagingDirectory = this.#stagingDirectory;
    await mkdir(stagingDirectory, { recursive: true });
    await mkdir(runDirectory, { recursive: true });
    const kafkaHome = await buildKafkaHome(join(runDirectory, 'kafka-home'), kafkaLibraries);
    await this.#network.start();
    await this.#hosts.publish(new Map(), []);
    const context = {
      core: this.#core,
      network: this.#network,
      nodeAddress: this.#network.nodeAddress,
      allocatable: capacity,
      podsDirectory: this.podsDirectory,
      claimsDirectory: join(runDirectory, 'claims'),
      stagingDirectory,
      kafkaHome,
      imageEnv,
      images: new OciImages(this.#options.images ?? new Map(), join(runDirectory, 'images')),
      volumeRefreshMs: this.#options.volumeRefreshMs ?? 5_000,
      restartBackoff: this.#options.restartBackoff ?? { initialMs: 1_000, maxMs: 30_000 },
      minLivenessDelaySeconds: this.#options.minLivenessDelaySeconds ?? 0,
      onChange: () => this.#scheduleHosts(),
      publishHosts: () => this.#publishHosts(),
      log: this.#log,
    };
    this.#pods.on('add', (pod) => this.#sync(pod, context));
    this.#pods.on('update', (pod) => this.#sync(pod, context));
    this.#pods.on('delete', (pod) => this.#gone(pod));
    this.#services.on('add', () => this.#scheduleHosts());
    this.#services.on('update', () => this.#scheduleHosts());
    this.#services.on('delete', () => this.#scheduleHosts());
    await this.#services.start();
    for (const node of this.#nodes) await node.register();
    await this.#pods.start();
    this.#log.info(
      { address: this.nodeAddress, podsDirectory: this.podsDirectory, hostsFile: this.hostsFile },
      'pod runner started',
    );
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#pods.stop();
    await this.#services.stop();
    await Promise.all([...this.#workers.values()].map((worker) => worker.shutdown(this.#stopGraceMs)));
    this.#workers.clear();
    clearTimeout(this.#hostsTimer);
    await this.#hosts.withdraw();
    await this.#network.stop();
    await rmdir(this.#stagingDirectory).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    for (const node of this.#nodes) await node.deregister();
    this.#log.info('pod runner stopped');
  }

  #sync(pod: V1Pod, context: ConstructorParameters<typeof PodWorker>[0]): void {
    if (this.#stopped || !this.#nodeNames.has(pod.spec?.nodeName ?? '')) return;
    const uid = pod.metadata?.uid ?? '';
    let worker = this.#workers.get(uid);
    if (!worker) {
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
      worker = new PodWorker(context, pod);
      this.#workers.set(uid, worker);
      // A pod already being deleted is not started, only removed.
      if (!pod.metadata?.deletionTimestamp) worker.start();
    } else {
      worker.update(pod);
    }
    if (pod.metadata?.deletionTimestamp) {
      const stopping = worker;
      void stopping
        .terminate()
        .catch((error: unknown) =>
          this.#log.error({ err: error, pod: pod.metadata?.name }, 'removing the pod failed'),
        )
        .finally(() => this.#workers.delete(uid));
    }
  }

  // The pod left the apiserver without passing through deletion here (forced, or its node removed).
  #gone(pod: V1Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const worker = this.#workers.get(uid);
    if (!worker) return;
    void worker
      .shutdown(this.#stopGraceMs)
      .catch((error: unknown) =>
        this.#log.error({ err: error, pod: pod.metadata?.name }, 'stopping the pod failed'),
      )
      .finally(() => this.#workers.delete(uid));
  }

  #scheduleHosts(): void {
    if (this.#hostsTimer || this.#stopped) return;
    this.#hostsTimer = setTimeout(() => {
      this.#hostsTimer = undefined;
      this.#publishHosts().catch((error: unknown) => {
        this.#log.error({ err: error }, 'writing the hosts files failed; retrying');
        this.#scheduleHosts();
      });
    }, 50);
  }

  // One write of the hosts files at a time: they are rewritten in place.
  #publishHosts(): Promise<void> {
    const next = this.#publishing.then(() => this.#writeHosts());
    // The caller reports a failure; the next write still runs.
    this.#publishing = next.catch(() => undefined);
    return next;
  }

  async #writeHosts(): Promise<void> {
    const locals = [...this.#workers.values()].flatMap((worker) => {
      const local = worker.local;
      return local ? [{ local, hostsFile: worker.hostsFile }] : [];
    });
    const entries = clusterHostEntries(
      locals.map(({ local }) => local as LocalPod),
      this.#services.list(),
    );
    await this.#hosts.publish(entries, locals);
  }
}
