// Reads and writes the Secrets a KafkaUser uses: its own (server-side applied, so the labels and
// annotations others add stay) and the one a user names for its password.
import {
  ApiException,
  type CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
} from '@kubernetes/client-node';
import { withoutManagedFields } from '../../api/object-metadata.ts';

const fieldManager = 'kafka-actor-operator';

function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

export class UserSecretStore {
  readonly #core: CoreV1Api;

  constructor(core: CoreV1Api) {
    this.#core = core;
  }

  // undefined when there is no such Secret.
  async read(namespace: string, name: string): Promise<V1Secret | undefined> {
    return this.#core.readNamespacedSecret({ namespace, name }).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
  }

  // Every Secret of the namespace with this label selector, without managedFields (kept in memory).
  async list(namespace: string, labelSelector: string): Promise<V1Secret[]> {
    const secrets: V1Secret[] = [];
    let page: string | undefined;
    do {
      const list = await this.#core.listNamespacedSecret({
        namespace,
        labelSelector,
        limit: 500,
        _continue: page,
      });
      secrets.push(...list.items.map(withoutManagedFields));
      page = list.metadata?._continue;
    } while (page);
    return secrets;
  }

  // The Secret as the apiserver holds it after the write.
  apply(secret: V1Secret): Promise<V1Secret> {
    return this.#core.patchNamespacedSecret(
      {
        namespace: secret.metadata?.namespace ?? '',
        name: secret.metadata?.name ?? '',
        body: secret,
        fieldManager,
        force: true,
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
  }

  // Takes an annotation someone else set (e.g. a request the operator has now served) off the Secret.
  removeAnnotation(namespace: string, name: string, annotation: string): Promise<V1Secret> {
    return this.#core.patchNamespacedSecret(
      { namespace, name, body: { metadata: { annotations: { [annotation]: null } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  // Resolves when the Secret is gone, or was already absent.
  async delete(namespace: string, name: string): Promise<void> {
    await this.#core.deleteNamespacedSecret({ namespace, name }).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  // Deletes the Secret only at this resourceVersion: false, and nothing deleted, when it has
  // another (changed since) or is absent.
  async deleteAt(namespace: string, name: string, resourceVersion: string): Promise<boolean> {
    return this.#core
      .deleteNamespacedSecret({ namespace, name, body: { preconditions: { resourceVersion } } })
      .then(
        () => true,
        (error: unknown) => {
          if (isNotFound(error) || (error instanceof ApiException && error.code === 409)) return false;
          throw error;
        },
      );
  }
}
