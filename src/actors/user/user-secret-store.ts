// Reads and writes the Secrets a KafkaUser uses: its own (server-side applied, so the labels and
// annotations others add stay) and the one a user names for its password.
import { HttpMethod, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { isNotFound, KubernetesRequestError } from '../../api/kubernetes-request.ts';
import { withoutManagedFields } from '../../api/object-metadata.ts';
import { KubernetesObjects, objectPath, secretType } from '../kubernetes/kubernetes-objects.ts';

export class UserSecretStore {
  readonly #objects: KubernetesObjects;

  constructor(kubeConfig: KubeConfig) {
    this.#objects = new KubernetesObjects(kubeConfig);
  }

  // undefined when there is no such Secret.
  read(namespace: string, name: string): Promise<V1Secret | undefined> {
    return this.#objects.get<V1Secret>(secretType, namespace, name);
  }

  // Every Secret of the namespace with this label selector, without managedFields (kept in memory).
  async list(namespace: string, labelSelector: string): Promise<V1Secret[]> {
    return (await this.#objects.list<V1Secret>(secretType, namespace, labelSelector)).map(
      withoutManagedFields,
    );
  }

  // The Secret as the apiserver holds it after the write (server-side apply, taking over its fields).
  apply(secret: V1Secret): Promise<V1Secret> {
    return this.#objects.apply(secret);
  }

  // Takes an annotation someone else set (e.g. a request the operator has now served) off the Secret.
  removeAnnotation(namespace: string, name: string, annotation: string): Promise<V1Secret> {
    return this.#objects.request<V1Secret>(HttpMethod.PATCH, objectPath(secretType, namespace, name), {
      body: { metadata: { annotations: { [annotation]: null } } },
      contentType: 'application/merge-patch+json',
    });
  }

  // Deletes this very Secret (its uid): one that replaced it since it was read stays.
  async delete(secret: V1Secret): Promise<void> {
    await this.#objects.delete({ ...secret, apiVersion: 'v1', kind: 'Secret' });
  }

  // Deletes the Secret only at this resourceVersion: false, and nothing deleted, when it has
  // another (changed since) or is absent.
  async deleteAt(namespace: string, name: string, resourceVersion: string): Promise<boolean> {
    return this.#objects
      .request(HttpMethod.DELETE, objectPath(secretType, namespace, name), {
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
