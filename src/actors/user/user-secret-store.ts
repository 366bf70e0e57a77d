// Reads and writes the Secrets a KafkaUser uses: its own (server-side applied, so the labels and
// annotations others add stay) and the one a user names for its password.
import { HttpMethod, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { isNotFound, KubernetesRequestError, KubernetesRequests } from '../../api/kubernetes-request.ts';
import { withoutManagedFields } from '../../api/object-metadata.ts';
import { objectPath, secretType } from '../kubernetes/kubernetes-objects.ts';

const fieldManager = 'kafka-actor-operator';

const secretPath = (namespace: string, name?: string) => objectPath(secretType, namespace, name);

export class UserSecretStore {
  readonly #requests: KubernetesRequests;

  constructor(kubeConfig: KubeConfig) {
    this.#requests = new KubernetesRequests(kubeConfig);
  }

  // undefined when there is no such Secret.
  read(namespace: string, name: string): Promise<V1Secret | undefined> {
    return this.#requests.getIfPresent<V1Secret>(secretPath(namespace, name));
  }

  // Every Secret of the namespace with this label selector, without managedFields (kept in memory).
  async list(namespace: string, labelSelector: string): Promise<V1Secret[]> {
    const secrets: V1Secret[] = [];
    let page: string | undefined;
    do {
      const list = await this.#requests.request<{ items: V1Secret[]; metadata?: { continue?: string } }>(
        HttpMethod.GET,
        secretPath(namespace),
        { query: { labelSelector, limit: '500', continue: page } },
      );
      secrets.push(...list.items.map(withoutManagedFields));
      page = list.metadata?.continue || undefined;
    } while (page);
    return secrets;
  }

  // The Secret as the apiserver holds it after the write.
  apply(secret: V1Secret): Promise<V1Secret> {
    return this.#requests.request<V1Secret>(
      HttpMethod.PATCH,
      secretPath(secret.metadata?.namespace ?? '', secret.metadata?.name ?? ''),
      { query: { fieldManager, force: 'true' }, body: secret, contentType: 'application/apply-patch+yaml' },
    );
  }

  // Takes an annotation someone else set (e.g. a request the operator has now served) off the Secret.
  removeAnnotation(namespace: string, name: string, annotation: string): Promise<V1Secret> {
    return this.#requests.request<V1Secret>(HttpMethod.PATCH, secretPath(namespace, name), {
      body: { metadata: { annotations: { [annotation]: null } } },
      contentType: 'application/merge-patch+json',
    });
  }

  // Resolves when the Secret is gone, or was already absent.
  async delete(namespace: string, name: string): Promise<void> {
    await this.#requests.request(HttpMethod.DELETE, secretPath(namespace, name)).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  // Deletes the Secret only at this resourceVersion: false, and nothing deleted, when it has
  // another (changed since) or is absent.
  async deleteAt(namespace: string, name: string, resourceVersion: string): Promise<boolean> {
    return this.#requests
      .request(HttpMethod.DELETE, secretPath(namespace, name), {
        body: { preconditions: { resourceVersion } },
      })
      .then(
        () => true,
        (error: unknown) => {
          if (isNotFound(error) || (error instanceof KubernetesRequestError && error.statusCode === 409)) {
            return false;
          }
          throw error;
        },
      );
  }
}
