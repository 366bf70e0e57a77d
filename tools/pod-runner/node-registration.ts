// The runner's Node: registered with its address, labels and taints, kept Ready by a heartbeat
// (status and a Lease in kube-node-lease, as the kubelet does), deleted on stop. A Node left by an
// earlier run is taken over, so its pods run again, as after a kubelet restart.
import {
  ApiException,
  type CoordinationV1Api,
  type CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  V1MicroTime,
  type V1Node,
  type V1Taint,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';

export interface NodeRegistrationOptions {
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  name: string;
  address: string;
  taints: V1Taint[];
  // Added to the Node's own labels, e.g. topology.kubernetes.io/zone for rack awareness.
  extraLabels?: Record<string, string>;
  capacity: Record<string, string>;
  heartbeatMs: number;
  log: Logger;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const leaseNamespace = 'kube-node-lease';

export class NodeRegistration {
  readonly #options: NodeRegistrationOptions;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: NodeRegistrationOptions) {
    this.#options = options;
  }

  get labels(): Record<string, string> {
    return {
      'kubernetes.io/hostname': this.#options.name,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
      type: 'pod-runner',
      ...this.#options.extraLabels,
    };
  }

  async register(): Promise<void> {
    const { core, name, taints } = this.#options;
    const node: V1Node = { metadata: { name, labels: this.labels }, spec: { taints } };
    try {
      await core.createNode({ body: node });
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
      this.#options.log.info({ node: name }, 'taking over the node an earlier run left');
      await core.patchNode(
        { name, body: { metadata: { labels: this.labels }, spec: { taints } } },
        mergePatch,
      );
    }
    await this.#heartbeat();
    this.#timer = setInterval(() => {
      this.#heartbeat().catch((error: unknown) =>
        this.#options.log.error({ err: error }, 'node heartbeat failed; retrying on the next beat'),
      );
    }, this.#options.heartbeatMs);
  }

  async deregister(): Promise<void> {
    clearInterval(this.#timer);
    const { core, coordination, name } = this.#options;
    await core.deleteNode({ name }).catch(ignoreNotFound);
    await coordination.deleteNamespacedLease({ name, namespace: leaseNamespace }).catch(ignoreNotFound);
  }

  async #heartbeat(): Promise<void> {
    const { core, name, address, capacity } = this.#options;
    const now = new Date();
    const condition = (type: string, status: string, reason: string, message: string) => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
    });
    await core.patchNodeStatus(
      {
        name,
        body: {
          status: {
            addresses: [
              { type: 'InternalIP', address },
              { type: 'Hostname', address: name },
            ],
            capacity,
            allocatable: capacity,
            conditions: [
              condition('Ready', 'True', 'KubeletReady', 'the pod runner is running pods'),
              condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'no memory pressure'),
              condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'no disk pressure'),
              condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'no process id pressure'),
            ],
            nodeInfo: {
              architecture: this.labels['kubernetes.io/arch'] ?? '',
              operatingSystem: 'linux',
              kubeletVersion: 'pod-runner',
              kubeProxyVersion: '',
              containerRuntimeVersion: 'pod-runner://1',
              kernelVersion: '',
              osImage: 'pod-runner',
              bootID: '',
              machineID: '',
              systemUUID: '',
            },
          },
        },
      },
      mergePatch,
    );
    await this.#renewLease(now);
  }

  async #renewLease(now: Date): Promise<void> {
    const { coordination, name } = this.#options;
    const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new V1MicroTime(now) };
    try {
      await coordination.patchNamespacedLease(
        { name, namespace: leaseNamespace, body: { spec } },
        mergePatch,
      );
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
      await coordination.createNamespacedLease({
        namespace: leaseNamespace,
        body: { metadata: { name }, spec },
      });
    }
  }
}

export function ignoreNotFound(error: unknown): void {
  if (error instanceof ApiException && error.code === 404) return;
  throw error;
}
