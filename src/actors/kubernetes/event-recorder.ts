// Kubernetes Events on a custom resource, so `kubectl describe` tells what the operator did.
import { HttpMethod, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { KubernetesRequests, resourcePath } from '../../api/kubernetes-request.ts';

export interface EventToRecord {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

const eventResource = { group: '', version: 'v1', plural: 'events' };

export class EventRecorder {
  readonly #requests: KubernetesRequests;
  readonly #component: string;
  readonly #instance: string;

  constructor(kubeConfig: KubeConfig, component: string, instance: string) {
    this.#requests = new KubernetesRequests(kubeConfig);
    this.#component = component;
    this.#instance = instance;
  }

  async record(resource: KubernetesObject, event: EventToRecord): Promise<void> {
    const namespace = resource.metadata?.namespace ?? 'default';
    const now = new Date();
    await this.#requests.request(HttpMethod.POST, resourcePath(eventResource, namespace), {
      body: {
        metadata: { generateName: `${resource.metadata?.name}.`, namespace },
        involvedObject: {
          apiVersion: resource.apiVersion,
          kind: resource.kind,
          name: resource.metadata?.name,
          namespace,
          uid: resource.metadata?.uid,
          resourceVersion: resource.metadata?.resourceVersion,
        },
        type: event.type,
        reason: event.reason,
        // Events are capped at 1 KiB of message by convention; long errors are cut, not dropped.
        message: event.message.length > 1024 ? `${event.message.slice(0, 1021)}...` : event.message,
        source: { component: this.#component, host: this.#instance },
        reportingComponent: this.#component,
        reportingInstance: this.#instance,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  }
}
