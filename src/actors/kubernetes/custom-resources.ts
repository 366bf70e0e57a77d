// Writes to custom resources: the status subresource and the finalizers. Each write is a patch
// that touches only what it owns, so it can run twice with no harm.
import { HttpMethod, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { isNotFound, KubernetesRequests, resourcePath } from '../../api/kubernetes-request.ts';
import type { ResourceType } from '../../api/resources.ts';

export interface ResourceRef {
  namespace: string;
  name: string;
}

export function resourceRef(resource: KubernetesObject): ResourceRef {
  return { namespace: resource.metadata?.namespace ?? '', name: resource.metadata?.name ?? '' };
}

export class CustomResources {
  readonly #requests: KubernetesRequests;

  constructor(kubeConfig: KubeConfig) {
    this.#requests = new KubernetesRequests(kubeConfig);
  }

  // 'gone' when the resource was deleted before its status could be written.
  async patchStatus(type: ResourceType, ref: ResourceRef, status: object): Promise<'written' | 'gone'> {
    try {
      await this.#requests.request(
        HttpMethod.PATCH,
        `${resourcePath(type, ref.namespace, ref.name)}/status`,
        {
          body: { status },
          contentType: 'application/merge-patch+json',
        },
      );
      return 'written';
    } catch (error) {
      if (isNotFound(error)) return 'gone';
      throw error;
    }
  }

  // Adds the finalizer unless present. The JSON patch tests the list it read, so a concurrent
  // change of finalizers makes it fail (409/422) rather than drop someone else's finalizer.
  async addFinalizer(type: ResourceType, resource: KubernetesObject, finalizer: string): Promise<void> {
    const finalizers = resource.metadata?.finalizers ?? [];
    if (finalizers.includes(finalizer)) return;
    const patch =
      finalizers.length === 0
        ? [
            { op: 'test', path: '/metadata/finalizers', value: resource.metadata?.finalizers ?? null },
            { op: 'add', path: '/metadata/finalizers', value: [finalizer] },
          ]
        : [
            { op: 'test', path: '/metadata/finalizers', value: finalizers },
            { op: 'add', path: '/metadata/finalizers/-', value: finalizer },
          ];
    await this.#jsonPatch(type, resource, patch);
  }

  async removeFinalizer(type: ResourceType, resource: KubernetesObject, finalizer: string): Promise<void> {
    const finalizers = resource.metadata?.finalizers ?? [];
    const index = finalizers.indexOf(finalizer);
    if (index < 0) return;
    await this.#jsonPatch(type, resource, [
      { op: 'test', path: `/metadata/finalizers/${index}`, value: finalizer },
      { op: 'remove', path: `/metadata/finalizers/${index}` },
    ]).catch((error: unknown) => {
      // Already gone: the object was deleted once its last finalizer went.
      if (isNotFound(error)) return;
      throw error;
    });
  }

  // Removes an annotation only while it still has the value read, so a request made again since stays.
  async removeAnnotation(type: ResourceType, resource: KubernetesObject, annotation: string): Promise<void> {
    const value = resource.metadata?.annotations?.[annotation];
    if (value === undefined) return;
    const path = `/metadata/annotations/${annotation.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    await this.#jsonPatch(type, resource, [
      { op: 'test', path, value },
      { op: 'remove', path },
    ]).catch((error: unknown) => {
      if (isNotFound(error)) return;
      throw error;
    });
  }

  async #jsonPatch(type: ResourceType, resource: KubernetesObject, patch: object[]): Promise<void> {
    const { namespace, name } = resourceRef(resource);
    await this.#requests.request(HttpMethod.PATCH, resourcePath(type, namespace, name), {
      body: patch,
      contentType: 'application/json-patch+json',
    });
  }
}
