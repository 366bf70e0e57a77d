// List and watch of a core (v1) resource across all namespaces, optionally narrowed by a field
// selector, as a ResourceSource: the project's informer (src/supervisor/informer.ts) then keeps
// the cache, resumes watches and relists, as it does for custom resources.
import { type KubeConfig, type KubernetesObject, Watch } from '@kubernetes/client-node';
import {
  type ListedObjects,
  ResourceRequestError,
  type ResourceSource,
  type WatchCallbacks,
  type WatchEvent,
  type WatchStream,
} from '../../src/supervisor/resource-source.ts';

export interface CoreSourceOptions<T> {
  kubeConfig: KubeConfig;
  plural: string;
  fieldSelector?: string;
  list: (
    fieldSelector: string | undefined,
  ) => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  // The client drops a watch silent for this long; above the informer's idle restart.
  watchInactivityTimeoutMs: number;
}

export class CoreResourceSource<T extends KubernetesObject> implements ResourceSource<T> {
  readonly #options: CoreSourceOptions<T>;
  readonly #watch: Watch;

  constructor(options: CoreSourceOptions<T>) {
    this.#options = options;
    this.#watch = new Watch(options.kubeConfig);
    // client-node aborts a watch after 30 s without data otherwise, shorter than the bookmark period.
    Object.assign(this.#watch, { requestTimeoutMs: options.watchInactivityTimeoutMs });
  }

  async list(): Promise<ListedObjects<T>> {
    try {
      const result = await this.#options.list(this.#options.fieldSelector);
      return { items: result.items, resourceVersion: result.metadata?.resourceVersion ?? '' };
    } catch (error) {
      throw new ResourceRequestError(
        `list of ${this.#options.plural} failed: ${(error as Error).message}`,
        undefined,
        error,
      );
    }
  }

  async watch(
    _namespace: string | undefined,
    resourceVersion: string,
    callbacks: WatchCallbacks<T>,
  ): Promise<WatchStream> {
    const { plural, fieldSelector } = this.#options;
    const fail = (error: unknown) =>
      new ResourceRequestError(`watch of ${plural} failed: ${(error as Error).message}`, undefined, error);
    try {
      return await this.#watch.watch(
        `/api/v1/${plural}`,
        { resourceVersion, allowWatchBookmarks: true, fieldSelector },
        (type, object) => callbacks.onEvent({ type, object } as WatchEvent<T>),
        (error: unknown) => callbacks.onEnd(error ? fail(error) : undefined),
      );
    } catch (error) {
      throw fail(error);
    }
  }
}
