// How a pod whose spec changed is replaced, once the rolling step (roll-pods.ts) has asked Kafka
// whether its node may go: this one deletes the pod, recreates it with the new spec and waits for it
// to be Ready.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { KubernetesObjects } from '../kubernetes/kubernetes-objects.ts';
import { type PodWaitOptions, waitForPodGone, waitForPodsReady } from './pod-readiness.ts';

export interface PodRoller {
  // Replaces `current` with `desired`; resolves once the new pod is Ready.
  roll(current: V1Pod, desired: KubernetesObject, signal: AbortSignal): Promise<void>;
}

export class RecreatingPodRoller implements PodRoller {
  readonly #api: KubernetesObjects;
  readonly #timeoutMs: number;

  constructor(api: KubernetesObjects, timeoutMs: number) {
    this.#api = api;
    this.#timeoutMs = timeoutMs;
  }

  async roll(current: V1Pod, desired: KubernetesObject, signal: AbortSignal): Promise<void> {
    const namespace = current.metadata?.namespace ?? '';
    const name = current.metadata?.name ?? '';
    const wait: PodWaitOptions = { timeoutMs: this.#timeoutMs, signal };
    await this.#api.delete(current);
    await waitForPodGone(this.#api, namespace, name, current.metadata?.uid, wait);
    signal.throwIfAborted();
    await this.#api.create(desired);
    await waitForPodsReady(this.#api, namespace, [name], wait);
  }
}
