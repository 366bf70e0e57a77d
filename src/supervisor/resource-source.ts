// Where an informer's objects come from: a paged list and a watch of one resource type (custom, or
// core such as pods), in one namespace or in all. An interface, so that a test can stand in for the
// apiserver or wrap it.
import { HttpMethod, type KubeConfig, type KubernetesObject, type V1Status } from '@kubernetes/client-node';
import { KubernetesRequestError, KubernetesRequests, resourcePath } from '../api/kubernetes-request.ts';
import { withoutManagedFields } from '../api/object-metadata.ts';

export interface ListedObjects<T> {
  items: T[];
  resourceVersion: string;
}

export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T }
  | { type: 'ERROR'; object: V1Status };

export interface WatchCallbacks<T> {
  onEvent(event: WatchEvent<T>): void;
  // Called once: with undefined when the server ended the watch normally, else with the failure.
  onEnd(error: ResourceRequestError | undefined): void;
}

export interface WatchStream {
  abort(): void;
}

// `namespace` undefined means all namespaces; `signal` abandons a list that is no longer wanted.
export interface ResourceSource<T extends KubernetesObject> {
  list(namespace: string | undefined, signal?: AbortSignal): Promise<ListedObjects<T>>;
  watch(
    namespace: string | undefined,
    resourceVersion: string,
    callbacks: WatchCallbacks<T>,
  ): Promise<WatchStream>;
}

// A failed list or watch request; `status` is the HTTP status when the apiserver answered.
export class ResourceRequestError extends Error {
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'ResourceRequestError';
    this.status = status;
  }
}

export interface ResourceCoordinates {
  group: string;
  version: string;
  plural: string;
}

// How kubectl and RBAC name a resource: secrets, kafkatopics.kafka.strimzi.io.
export function qualifiedPlural({ group, plural }: ResourceCoordinates): string {
  return group === '' ? plural : `${plural}.${group}`;
}

export interface KubernetesResourceSourceOptions<T extends KubernetesObject = KubernetesObject>
  extends ResourceCoordinates {
  kubeConfig: KubeConfig;
  labelSelector?: string;
  // Asks the apiserver to end each watch after this long (it picks 30 to 60 minutes otherwise).
  watchTimeoutSeconds?: number;
  // The client drops a watch that received nothing for this long; keep it above the informer's watchdog.
  watchInactivityTimeoutMs: number;
  // Bounds each page of a list, which would otherwise wait forever on a connection that went silent.
  listTimeoutMs?: number;
  pageSize?: number;
  // Lists and watches the objects' metadata only (PartialObjectMetadata): for kinds whose data the
  // cache never reads, such as Secrets, whose data would be most of the memory.
  metadataOnly?: boolean;
  // What the cache keeps of each listed or watched object, when it needs only a few fields of many
  // objects; managedFields are always dropped.
  trim?: (object: T) => T;
}

const metadataOnlyList = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const metadataOnlyWatch = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

export class KubernetesResourceSource<T extends KubernetesObject> implements ResourceSource<T> {
  readonly #options: KubernetesResourceSourceOptions<T>;
  readonly #requests: KubernetesRequests;

  constructor(options: KubernetesResourceSourceOptions<T>) {
    this.#options = options;
    this.#requests = new KubernetesRequests(options.kubeConfig);
  }

  async list(namespace: string | undefined, signal?: AbortSignal): Promise<ListedObjects<T>> {
    const { labelSelector, pageSize = 500, listTimeoutMs = 60_000 } = this.#options;
    const items: T[] = [];
    let continueToken: string | undefined;
    try {
      for (;;) {
        const timeout = AbortSignal.any([AbortSignal.timeout(listTimeoutMs), ...(signal ? [signal] : [])]);
        const result = await this.#requests.request<{
          items: T[] | null;
          metadata?: { resourceVersion?: string; continue?: string };
        }>(HttpMethod.GET, resourcePath(this.#options, namespace), {
          query: { labelSelector, limit: String(pageSize), continue: continueToken },
          ...(this.#options.metadataOnly ? { accept: metadataOnlyList } : {}),
          signal: timeout,
        });
        // An empty PartialObjectMetadataList has items: null.
        items.push(...(result.items ?? []).map((object) => this.#cached(object)));
        continueToken = result.metadata?.continue || undefined;
        if (continueToken === undefined) {
          return { items, resourceVersion: result.metadata?.resourceVersion ?? '' };
        }
      }
    } catch (error) {
      throw this.#requestError('list', namespace, error);
    }
  }

  #cached(object: T): T {
    const kept = withoutManagedFields(object);
    return this.#options.trim ? this.#options.trim(kept) : kept;
  }

  // The watch's answer is one JSON event per line. An event the callbacks cannot take ends the watch
  // with that error: the informer lists again rather than lose it.
  async watch(
    namespace: string | undefined,
    resourceVersion: string,
    callbacks: WatchCallbacks<T>,
  ): Promise<WatchStream> {
    const { labelSelector, watchTimeoutSeconds, watchInactivityTimeoutMs, metadataOnly } = this.#options;
    const controller = new AbortController();
    // From the request on: a connection that never answers is as dead as one that went silent.
    const inactivity = setTimeout(
      () => controller.abort(new Error(`the watch received nothing for ${watchInactivityTimeoutMs} ms`)),
      watchInactivityTimeoutMs,
    );
    inactivity.unref();
    let body: Awaited<ReturnType<KubernetesRequests['stream']>>;
    try {
      body = await this.#requests.stream(resourcePath(this.#options, namespace), {
        query: {
          watch: 'true',
          resourceVersion,
          allowWatchBookmarks: 'true',
          labelSelector,
          timeoutSeconds: watchTimeoutSeconds === undefined ? undefined : String(watchTimeoutSeconds),
        },
        ...(metadataOnly ? { accept: metadataOnlyWatch } : {}),
        signal: controller.signal,
      });
    } catch (error) {
      // As a watch that ended: a refusal's status (410: start again from a list) decides what follows.
      clearTimeout(inactivity);
      callbacks.onEnd(this.#requestError('watch', namespace, error));
      return { abort: () => {} };
    }
    let ended = false;
    const close = () => {
      ended = true;
      clearTimeout(inactivity);
      body.destroy();
    };
    const end = (error?: unknown) => {
      if (ended) return;
      close();
      callbacks.onEnd(error === undefined ? undefined : this.#requestError('watch', namespace, error));
    };
    let partial = '';
    body.setEncoding('utf8');
    body.on('data', (chunk: string) => {
      inactivity.refresh();
      partial += chunk;
      let start = 0;
      for (
        let newline = partial.indexOf('\n');
        newline >= 0 && !ended;
        newline = partial.indexOf('\n', start)
      ) {
        const line = partial.slice(start, newline);
        start = newline + 1;
        if (line.trim() !== '') this.#deliver(line, callbacks, end);
      }
      partial = partial.slice(start);
    });
    body.on('end', () => end());
    body.on('error', (error: Error) =>
      end(controller.signal.aborted ? (controller.signal.reason ?? error) : error),
    );
    return { abort: close };
  }

  #deliver(line: string, callbacks: WatchCallbacks<T>, end: (error: unknown) => void): void {
    let event: { type: WatchEvent<T>['type']; object: T };
    try {
      event = JSON.parse(line);
    } catch (error) {
      end(new Error(`the watch sent a line that is not JSON: ${(error as Error).message}`));
      return;
    }
    try {
      callbacks.onEvent({
        type: event.type,
        // Bookmarks and errors carry no object of the kind.
        object:
          event.type === 'BOOKMARK' || event.type === 'ERROR' ? event.object : this.#cached(event.object),
      } as WatchEvent<T>);
    } catch (error) {
      end(error);
    }
  }

  #requestError(
    request: 'list' | 'watch',
    namespace: string | undefined,
    error: unknown,
  ): ResourceRequestError {
    const name = qualifiedPlural(this.#options);
    const resource = `${name}/${this.#options.version}`;
    const where = namespace === undefined ? 'all namespaces' : `namespace ${namespace}`;
    const status = httpStatusOf(error);
    const server = this.#options.kubeConfig.getCurrentCluster()?.server ?? 'the apiserver';
    const next =
      status === undefined
        ? `check that ${server} is reachable`
        : status === 401
          ? 'check the credentials of the kubeconfig or service account'
          : status === 403
            ? `grant list and watch on ${name} in ${where} to the operator's identity`
            : status === 404
              ? `install the CustomResourceDefinition ${name} serving version ${this.#options.version}`
              : status === 410
                ? 'the list starts again from the beginning'
                : `the apiserver at ${server} is failing or overloaded`;
    const message = `${request} of ${resource} in ${where} failed: ${describeError(error)}; ${next}`;
    return new ResourceRequestError(message, status, error);
  }
}

function httpStatusOf(error: unknown): number | undefined {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

// One line from a failed request: its own message, with the causes of a connection failure.
function describeError(error: unknown): string {
  if (error instanceof KubernetesRequestError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const status = httpStatusOf(error);
  const text = status === undefined ? error.message : `HTTP ${status} ${error.message}`;
  return error.cause === undefined ? text : `${text} (${describeError(error.cause)})`;
}
