// Plays the kubelet for one pod: gives it a network and an address, writes its volumes (refreshing
// ConfigMap and Secret files while it runs), runs its init containers then its containers, reports
// its status, and on deletion stops it (SIGTERM, SIGKILL after the grace period) and removes it.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiException,
  type CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Container,
  type V1Pod,
  type V1PodStatus,
  type V1Secret,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { containerCommand, containerEnvironment } from './container-env.ts';
import type { ContainerLaunch } from './container-process.ts';
import { ContainerRunner } from './container-runner.ts';
import { FetchedObjects } from './fetched-objects.ts';
import { type LocalPod, podHostname } from './host-names.ts';
import { type ContainerMount, mountScript } from './mount-script.ts';
import { ignoreNotFound } from './node-registration.ts';
import type { OciImages } from './oci-images.ts';
import { crunCommand, type RuntimeSpec, runtimeSpec } from './oci-runtime.ts';
import type { BridgeNetwork, PodNetwork } from './pod-network.ts';
import { podReferences } from './pod-references.ts';
import { podStatus } from './pod-status.ts';
import { volumeSource } from './volume-files.ts';
import { syncVolumeDirectory } from './volume-writer.ts';

export interface PodWorkerContext {
  core: CoreV1Api;
  network: BridgeNetwork;
  nodeAddress: string;
  allocatable: Record<string, string>;
  podsDirectory: string;
  claimsDirectory: string;
  stagingDirectory: string;
  kafkaHome: string;
  // What the image would set: PATH and the like (for containers not run from an image).
  imageEnv: Record<string, string>;
  // Images containers run from, by repository.
  images: OciImages;
  volumeRefreshMs: number;
  restartBackoff: { initialMs: number; maxMs: number };
  minLivenessDelaySeconds: number;
  // Called when the pod's address or readiness changed: host names follow.
  onChange: () => void;
  // Writes every hosts file now (a new pod's included).
  publishHosts: () => Promise<void>;
  log: Logger;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const retryMs = 2_000;

export class PodWorker {
  readonly #context: PodWorkerContext;
  readonly #log: Logger;
  readonly #initRunners: ContainerRunner[];
  readonly #runners: ContainerRunner[];
  readonly #volumePaths = new Map<string, string>();
  readonly #startTime = new Date();
  #pod: V1Pod;
  #network: PodNetwork | undefined;
  // The pod's own address, or the node's for a pod on the host network; undefined until it has one.
  #address: string | undefined;
  #objects = new FetchedObjects(new Map(), new Map());
  #initialized = false;
  #stopping = false;
  #refreshTimer: NodeJS.Timeout | undefined;
  #statusTimer: NodeJS.Timeout | undefined;
  #lastStatus: V1PodStatus | undefined;
  #lastStatusJson = '';
  #terminated: Promise<void> | undefined;
  #graceCapMs = Number.POSITIVE_INFINITY;

  constructor(context: PodWorkerContext, pod: V1Pod) {
    this.#context = context;
    this.#pod = pod;
    this.#log = context.log.child({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}` });
    const policy = (pod.spec?.restartPolicy ?? 'Always') as 'Always' | 'OnFailure' | 'Never';
    const runner = (container: V1Container, restartPolicy: 'Always' | 'OnFailure' | 'Never') =>
      new ContainerRunner({
        container,
        restartPolicy,
        address: () => this.#address ?? '',
        prepare: () => this.#prepare(container),
        graceMs: () => Math.min(this.#graceSeconds() * 1000, this.#graceCapMs),
        backoff: context.restartBackoff,
        minLivenessDelaySeconds: context.minLivenessDelaySeconds,
        onChange: () => this.#changed(),
        log: this.#log.child({ container: container.name }),
      });
    this.#initRunners = (pod.spec?.initContainers ?? []).map((c) =>
      runner(c, policy === 'Always' ? 'OnFailure' : policy),
    );
    this.#runners = (pod.spec?.containers ?? []).map((c) => runner(c, policy));
  }

  get #name(): string {
    return this.#pod.metadata?.name ?? '';
  }

  get #namespace(): string {
    return this.#pod.metadata?.namespace ?? '';
  }

  // Where the pod's files live; the logs directory is kept after the pod is gone.
  get directory(): string {
    return join(this.#context.podsDirectory, this.#namespace, this.#name);
  }

  get #instanceDirectory(): string {
    return join(this.directory, (this.#pod.metadata?.uid ?? '').slice(0, 8));
  }

  get hostsFile(): string {
    return join(this.#instanceDirectory, 'hosts');
  }

  get local(): LocalPod | undefined {
    if (this.#address === undefined || this.#stopping) return undefined;
    const ready = this.#runners.length > 0 && this.#runners.every((r) => r.ready);
    return { pod: this.#pod, address: this.#address, ready };
  }

  start(): void {
    this.#run().catch((error: unknown) => this.#log.error({ err: error }, 'the pod cannot run'));
  }

  update(pod: V1Pod): void {
    this.#pod = pod;
  }

  // The pod was deleted: stop it within its grace period, then remove it from the apiserver.
  terminate(): Promise<void> {
    this.#terminated ??= (async () => {
      await this.#stop();
      await this.#context.core
        .deleteNamespacedPod({
          name: this.#name,
          namespace: this.#namespace,
          gracePeriodSeconds: 0,
          body: { gracePeriodSeconds: 0, preconditions: { uid: this.#pod.metadata?.uid } },
        })
        .catch(ignoreNotFound);
      this.#log.info('pod stopped and removed');
    })();
    return this.#terminated;
  }

  // The runner stops, or the pod is already gone: stop the containers (within graceCapMs) and free
  // the network; the pod object is left to the apiserver.
  shutdown(graceCapMs: number): Promise<void> {
    this.#graceCapMs = Math.min(this.#graceCapMs, graceCapMs);
    this.#terminated ??= this.#stop();
    return this.#terminated;
  }

  async #run(): Promise<void> {
    await mkdir(join(this.directory, 'logs'), { recursive: true });
    await mkdir(this.#instanceDirectory, { recursive: true });
    await writeFile(this.hostsFile, '');
    if (this.#pod.spec?.hostNetwork) {
      this.#address = this.#context.nodeAddress;
    } else {
      this.#network = await this.#context.network.create(
        this.#pod.metadata?.uid ?? this.#name,
        `${this.#namespace}/${this.#name}`,
      );
      this.#address = this.#network.address;
    }
    this.#log.info({ address: this.#address, directory: this.directory }, 'pod network ready');
    await this.#context.publishHosts();
    this.#changed();
    while (!this.#stopping) {
      try {
        await this.#syncVolumes();
        break;
      } catch (error) {
        this.#log.info({ reason: (error as Error).message }, 'volumes not ready yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
    for (const runner of this.#initRunners) {
      if (this.#stopping) return;
      await runner.start();
      const exit = await runner.finished;
      if (exit.exitCode !== 0) {
        this.#log.error(
          { container: runner.name, exitCode: exit.exitCode },
          'init container failed; the pod fails',
        );
        this.#changed();
        return;
      }
    }
    if (this.#stopping) return;
    this.#initialized = true;
    for (const runner of this.#runners) await runner.start();
    this.#refreshTimer = setInterval(() => {
      this.#syncVolumes().catch((error: unknown) =>
        this.#log.warn({ err: error }, 'refreshing the volumes failed; retrying on the next period'),
      );
    }, this.#context.volumeRefreshMs);
  }

  async #stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#refreshTimer);
    this.#log.info({ graceSeconds: this.#graceSeconds() }, 'stopping the pod');
    await Promise.all([...this.#initRunners, ...this.#runners].map((runner) => runner.stop()));
    clearTimeout(this.#statusTimer);
    this.#context.onChange();
    // The processes are gone: a failed clean-up is reported, and must not keep the pod from going.
    const network = this.#network;
    await Promise.allSettled([
      network ? this.#context.network.remove(network) : undefined,
      rm(this.#instanceDirectory, { recursive: true, force: true }),
    ]).then((results) => {
      for (const result of results) {
        if (result.status === 'rejected')
          this.#log.error({ err: result.reason }, 'cleaning up after the pod failed');
      }
    });
  }

  #graceSeconds(): number {
    const metadata = this.#pod.metadata;
    return metadata?.deletionGracePeriodSeconds ?? this.#pod.spec?.terminationGracePeriodSeconds ?? 30;
  }

  // Reads every ConfigMap and Secret the pod uses and writes its volumes; throws while one is missing.
  async #syncVolumes(): Promise<void> {
    const references = podReferences(this.#pod);
    const namespace = this.#namespace;
    const configMaps = new Map<string, V1ConfigMap>();
    const secrets = new Map<string, V1Secret>();
    for (const name of references.configMaps) {
      const object = await this.#context.core.readNamespacedConfigMap({ name, namespace }).catch(absent);
      if (object) configMaps.set(name, object);
    }
    for (const name of references.secrets) {
      const object = await this.#context.core.readNamespacedSecret({ name, namespace }).catch(absent);
      if (object) secrets.set(name, object);
    }
    const objects = new FetchedObjects(configMaps, secrets);
    const placement = this.#placement();
    for (const volume of this.#pod.spec?.volumes ?? []) {
      const source = volumeSource(this.#pod, volume, objects, placement);
      const directory = join(this.#instanceDirectory, 'volumes', volume.name);
      if (source.kind === 'files') {
        const changes = await syncVolumeDirectory(directory, source.files);
        if (changes > 0 && this.#volumePaths.has(volume.name)) {
          this.#log.info({ volume: volume.name, changes }, 'volume files updated');
        }
        this.#volumePaths.set(volume.name, directory);
      } else if (source.kind === 'emptyDir') {
        await mkdir(directory, { recursive: true });
        this.#volumePaths.set(volume.name, directory);
      } else if (source.kind === 'hostPath') {
        this.#volumePaths.set(volume.name, source.path);
      } else if (!this.#volumePaths.has(volume.name)) {
        this.#volumePaths.set(volume.name, await this.#claimDirectory(source.claimName));
      }
    }
    this.#objects = objects;
  }

  // A claim's data lives where its PersistentVolume says (the hostpath provisioner's directory, which
  // it removes when the claim is deleted), else in a directory per namespace and claim name.
  async #claimDirectory(claimName: string): Promise<string> {
    const claim = await this.#context.core.readNamespacedPersistentVolumeClaim({
      name: claimName,
      namespace: this.#namespace,
    });
    const volumeName = claim.spec?.volumeName;
    if (claim.status?.phase !== 'Bound' || !volumeName)
      throw new Error(`claim ${claimName} is not bound yet`);
    const volume = await this.#context.core.readPersistentVolume({ name: volumeName });
    const directory =
      volume.spec?.hostPath?.path ?? join(this.#context.claimsDirectory, this.#namespace, claimName);
    await mkdir(directory, { recursive: true });
    return directory;
  }

  #placement() {
    return { podIP: this.#address ?? '', hostIP: this.#context.nodeAddress };
  }

  async #prepare(container: V1Container): Promise<ContainerLaunch> {
    if (this.#address === undefined) throw new Error('the pod has no network yet');
    const hostname = podHostname(this.#pod);
    const containerEnv = containerEnvironment({
      pod: this.#pod,
      container,
      placement: this.#placement(),
      hostname,
      data: this.#objects,
      allocatable: this.#context.allocatable,
    });
    const image = await this.#context.images.find(container.image ?? '');
    const mounts: ContainerMount[] = [
      { source: this.hostsFile, target: '/etc/hosts', readOnly: true, file: true },
      ...(await this.#volumeMounts(container)),
    ];
    const logFile = join(this.directory, 'logs', `${container.name}.log`);
    const namespacePath = this.#network?.namespacePath;
    if (image) {
      const bundle = join(this.#instanceDirectory, 'bundles', container.name);
      await mkdir(bundle, { recursive: true });
      const base = JSON.parse(await readFile(join(image.bundle, 'config.json'), 'utf8')) as RuntimeSpec;
      const spec = runtimeSpec({
        base,
        rootfs: join(image.bundle, 'rootfs'),
        image: image.config,
        pod: this.#pod,
        container,
        env: containerEnv,
        mounts,
        hostname,
      });
      await writeFile(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
      const id = `${(this.#pod.metadata?.uid ?? '').slice(0, 8)}-${container.name}-${Date.now()}`;
      return {
        namespacePath,
        argv: crunCommand(bundle, id),
        command: spec.process.args,
        env: { PATH: process.env.PATH ?? '' },
        logFile,
      };
    }
    const env = { ...this.#context.imageEnv, ...containerEnv };
    mounts.unshift(
      { source: this.#context.kafkaHome, target: '/opt/kafka', readOnly: false, file: false },
      // Each container's own /opt/kafka/logs (GC logs), as in its own image.
      { source: await this.#kafkaLogs(container), target: '/opt/kafka/logs', readOnly: false, file: false },
    );
    const script = join(this.#instanceDirectory, `${container.name}.mount.sh`);
    await writeFile(
      script,
      mountScript({
        mounts,
        stagingDirectory: this.#context.stagingDirectory,
        hostname,
        workingDirectory: container.workingDir ?? '/',
      }),
    );
    const command = containerCommand(container, env);
    return {
      namespacePath,
      argv: ['unshare', '--mount', '--uts', '--propagation', 'private', '--', 'sh', script, ...command],
      command,
      env,
      logFile,
    };
  }

  // The container's volumes where it mounts them.
  async #volumeMounts(container: V1Container): Promise<ContainerMount[]> {
    const mounts: ContainerMount[] = [];
    const volumes = new Map((this.#pod.spec?.volumes ?? []).map((v) => [v.name, v]));
    for (const mount of container.volumeMounts ?? []) {
      const root = this.#volumePaths.get(mount.name);
      const volume = volumes.get(mount.name);
      if (!root || !volume)
        throw new Error(`volume ${mount.name} of container ${container.name} is not ready`);
      const source = mount.subPath ? join(root, mount.subPath) : root;
      const file = mount.subPath ? (await stat(source)).isFile() : false;
      // ConfigMap, Secret, downward API and projected volumes are read-only, as the kubelet mounts them.
      const filesVolume = Boolean(
        volume.configMap || volume.secret || volume.downwardAPI || volume.projected,
      );
      mounts.push({ source, target: mount.mountPath, readOnly: mount.readOnly ?? filesVolume, file });
    }
    return mounts;
  }

  async #kafkaLogs(container: V1Container): Promise<string> {
    const directory = join(this.#instanceDirectory, 'kafka-logs', container.name);
    await mkdir(directory, { recursive: true });
    return directory;
  }

  // Status writes are coalesced: many changes at once make one patch, and an unchanged status none.
  #changed(): void {
    this.#context.onChange();
    if (this.#statusTimer) return;
    this.#statusTimer = setTimeout(() => {
      this.#statusTimer = undefined;
      this.#writeStatus().catch((error: unknown) => {
        this.#log.warn({ err: error }, 'writing the pod status failed; retrying');
        this.#changed();
      });
    }, 100);
  }

  async #writeStatus(): Promise<void> {
    if (this.#stopping) return;
    const image = (name: string) =>
      [...(this.#pod.spec?.initContainers ?? []), ...(this.#pod.spec?.containers ?? [])].find(
        (c) => c.name === name,
      )?.image ?? '';
    const status = podStatus({
      pod: { ...this.#pod, status: this.#lastStatus ?? this.#pod.status },
      hostIP: this.#context.nodeAddress,
      podIP: this.#address,
      startTime: this.#startTime,
      initialized: this.#initialized || this.#initRunners.length === 0,
      initContainerStatuses: this.#initRunners.map((r) => r.status(image(r.name))),
      containerStatuses: this.#runners.map((r) => r.status(image(r.name))),
      now: new Date(),
    });
    const json = JSON.stringify(status);
    if (json === this.#lastStatusJson) return;
    try {
      await this.#context.core.patchNamespacedPodStatus(
        { name: this.#name, namespace: this.#namespace, body: { status } },
        mergePatch,
      );
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return;
      throw error;
    }
    this.#lastStatus = status;
    this.#lastStatusJson = json;
  }
}

function absent(error: unknown): undefined {
  ignoreNotFound(error);
  return undefined;
}
