// A list-then-watch cache of one custom resource, with a watchdog. Each namespace scope (or the whole
// cluster) lists, then watches from the list's resourceVersion. A watch the server ends is resumed
// from the last resourceVersion seen (bookmarks included); 410 Gone, any failure (after a jittered,
// capped backoff) and a watch silent for longer than idleRestartMs lead to a relist, whose diff
// against the cache emits what changed meanwhile, deletions included, then `relisted`.
import { EventEmitter } from 'node:events';
import type { KubeConfig, KubernetesObject, V1Status } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';
import { IndexedCache, type Indexer } from './indexed-cache.ts';
import { objectKey } from './object-key.ts';
import {
  KubernetesResourceSource,
  qualifiedPlural,
  ResourceRequestError,
  type ResourceSource,
  type WatchEvent,
  type WatchStream,
} from './resource-source.ts';
import { diffSnapshot } from './snapshot-diff.ts';

export interface ResourceInformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  group: string;
  version: string;
  plural: string;
  namespaces: readonly string[] | 'all';
  labelSelector?: string;
  // Caches the objects' metadata only, or a trimmed copy (see KubernetesResourceSourceOptions).
  metadataOnly?: boolean;
  trim?: (object: T) => T;
  // A watch that delivers nothing (not even a bookmark, sent about every minute) for this long is restarted.
  idleRestartMs?: number;
  backoff?: Partial<BackoffPolicy>;
  watchTimeoutSeconds?: number;
  logger: Logger;
  // Replaces the list and watch requests made with kubeConfig: a seam for tests.
  source?: ResourceSource<T>;
  // Secondary indexes of the cache, queried with byIndex().
  indexers?: Record<string, Indexer<T>>;
}

export interface ResourceInformerEvents<T> {
  add: [object: T];
  update: [object: T, old: T];
  delete: [object: T];
  // After every list of a scope, the first included; `namespace` is undefined for all namespaces.
  relisted: [objects: T[], namespace: string | undefined];
  error: [error: Error];
}

export type RestartReason = 'idle' | 'expired' | 'failed';

type WatchOutcome = 'closed' | 'stopped' | 'idle' | 'expired';

interface Scope {
  namespace: string | undefined;
  log: Logger;
  // Where the next watch starts; undefined when the scope must be listed first.
  resourceVersion: string | undefined;
  synced: boolean;
  consecutiveFailures: number;
  endWatch: (() => void) | undefined;
  endBackoff: (() => void) | undefined;
}

export class ResourceInformer<T extends KubernetesObject> extends EventEmitter<ResourceInformerEvents<T>> {
  readonly #resource: string;
  readonly #source: ResourceSource<T>;
  readonly #idleRestartMs: number;
  readonly #backoff: BackoffPolicy;
  readonly #log: Logger;
  readonly #scopes: Scope[];
  readonly #cache: IndexedCache<T>;
  readonly #restarts: Record<RestartReason, number> = { idle: 0, expired: 0, failed: 0 };
  readonly #synced = Promise.withResolvers<void>();
  // Aborted by stop(): ends a list in flight too.
  readonly #stop = new AbortController();
  #loops: Promise<void>[] | undefined;

  constructor(options: ResourceInformerOptions<T>) {
    super();
    this.#cache = new IndexedCache(options.indexers);
    const { group, version, plural, labelSelector } = options;
    this.#resource = `${qualifiedPlural({ group, version, plural })}/${version}`;
    this.#idleRestartMs = options.idleRestartMs ?? 300_000;
    this.#backoff = { initialMs: 500, maxMs: 30_000, ...options.backoff };
    this.#source =
      options.source ??
      new KubernetesResourceSource<T>({
        kubeConfig: options.kubeConfig,
        group,
        version,
        plural,
        labelSelector,
        metadataOnly: options.metadataOnly,
        trim: options.trim,
        watchTimeoutSeconds: options.watchTimeoutSeconds,
        watchInactivityTimeoutMs: this.#idleRestartMs + 30_000,
      });
    this.#log = options.logger.child({ resource: this.#resource, labelSelector });
    const namespaces = options.namespaces === 'all' ? [undefined] : [...new Set(options.namespaces)];
    if (namespaces.length === 0) {
      throw new Error(`informer for ${this.#resource} needs at least one namespace, or 'all'`);
    }
    this.#scopes = namespaces.map((namespace) => ({
      namespace,
      // '*' cannot be a namespace's name, so it cannot be mistaken for one.
      log: this.#log.child({ namespace: namespace ?? '*' }),
      resourceVersion: undefined,
      synced: false,
      consecutiveFailures: 0,
      endWatch: undefined,
      endBackoff: undefined,
    }));
  }

  // Resolves once every scope has been listed into the cache.
  start(): Promise<void> {
    if (this.#loops !== undefined) throw new Error(`informer for ${this.#resource} was already started`);
    this.#loops = this.#scopes.map((scope) => this.#run(scope));
    return this.#synced.promise;
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    for (const scope of this.#scopes) {
      scope.endWatch?.();
      scope.endBackoff?.();
    }
    if (this.#loops === undefined) return;
    this.#synced.reject(
      new Error(`informer for ${this.#resource} was stopped before its first list completed`),
    );
    await Promise.all(this.#loops);
  }

  hasSynced(): boolean {
    return this.#scopes.every((scope) => scope.synced);
  }

  get(namespace: string, name: string): T | undefined {
    return this.#cache.get(`${namespace}/${name}`);
  }

  list(): T[] {
    return [...this.#cache.values()];
  }

  // The cached objects an indexer files under `value`.
  byIndex(index: string, value: string): T[] {
    return this.#cache.byIndex(index, value);
  }

  keys(): string[] {
    return [...this.#cache.keys()];
  }

  // How many times a scope's list and watch was restarted, by cause.
  get restarts(): Readonly<Record<RestartReason, number>> {
    return { ...this.#restarts };
  }

  get #stopping(): boolean {
    return this.#stop.signal.aborted;
  }

  async #run(scope: Scope): Promise<void> {
    while (!this.#stopping) {
      try {
        if (scope.resourceVersion === undefined) await this.#relist(scope);
        const outcome = await this.#watch(scope);
        if (outcome === 'closed') {
          scope.log.debug(
            { resourceVersion: scope.resourceVersion },
            'watch ended by the server; resuming it',
          );
        } else if (outcome === 'idle') {
          this.#restarts.idle += 1;
          scope.resourceVersion = undefined;
          scope.log.warn(`watch silent for ${this.#idleRestartMs} ms; restarting it with a relist`);
        } else if (outcome === 'expired') {
          this.#restarts.expired += 1;
          scope.resourceVersion = undefined;
          scope.log.info('watch resourceVersion expired (410 Gone); relisting');
        }
      } catch (error) {
        if (this.#stopping) break;
        this.#restarts.failed += 1;
        scope.resourceVersion = undefined;
        scope.consecutiveFailures += 1;
        const delayMs = backoffDelay(scope.consecutiveFailures, this.#backoff);
        this.#reportFailure(scope, error, delayMs);
        await this.#pause(scope, delayMs);
      }
    }
  }

  async #relist(scope: Scope): Promise<void> {
    const listed = await this.#source.list(scope.namespace, this.#stop.signal);
    if (this.#stopping) return;
    const diff = diffSnapshot(this.#cachedIn(scope.namespace), listed.items);
    for (const object of diff.deleted) this.#cache.delete(objectKey(object));
    for (const object of diff.added) this.#cache.set(objectKey(object), object);
    for (const { current } of diff.updated) this.#cache.set(objectKey(current), current);
    scope.resourceVersion = listed.resourceVersion;
    scope.log.info(
      {
        resourceVersion: listed.resourceVersion,
        objects: listed.items.length,
        added: diff.added.length,
        updated: diff.updated.length,
        deleted: diff.deleted.length,
      },
      'listed',
    );
    for (const object of diff.deleted) this.#notify('delete', object);
    for (const object of diff.added) this.#notify('add', object);
    for (const { current, previous } of diff.updated) this.#notify('update', current, previous);
    this.#notify('relisted', listed.items, scope.namespace);
    if (!scope.synced) {
      scope.synced = true;
      if (this.hasSynced()) this.#synced.resolve();
    }
  }

  #cachedIn(namespace: string | undefined): Map<string, T> {
    if (namespace === undefined) return new Map(this.#cache);
    const cached = new Map<string, T>();
    for (const [key, object] of this.#cache) {
      if (object.metadata?.namespace === namespace) cached.set(key, object);
    }
    return cached;
  }

  // One watch, from scope.resourceVersion until it ends; rejects on a failure.
  #watch(scope: Scope): Promise<WatchOutcome> {
    if (this.#stopping) return Promise.resolve('stopped');
    const { promise, resolve, reject } = Promise.withResolvers<WatchOutcome>();
    let ended = false;
    let stream: WatchStream | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    const end = (outcome: WatchOutcome | Error) => {
      if (ended) return;
      ended = true;
      clearTimeout(watchdog);
      scope.endWatch = undefined;
      stream?.abort();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const feedWatchdog = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => end('idle'), this.#idleRestartMs);
    };
    scope.endWatch = () => end('stopped');
    // Armed before connecting: a connection that never answers is as dead as one that went silent.
    feedWatchdog();
    this.#source
      .watch(scope.namespace, scope.resourceVersion ?? '', {
        onEvent: (event) => {
          if (ended) return;
          feedWatchdog();
          const outcome = this.#apply(scope, event);
          if (outcome !== undefined) end(outcome);
        },
        onEnd: (error) => end(error === undefined ? 'closed' : error.status === 410 ? 'expired' : error),
      })
      .then(
        (opened) => {
          stream = opened;
          // The apiserver accepted the watch: the next failure starts the backoff afresh.
          if (ended) opened.abort();
          else scope.consecutiveFailures = 0;
        },
        (error: unknown) => end(error instanceof Error ? error : new Error(String(error))),
      );
    return promise;
  }

  // Applies one watch event to the cache; returns how the watch must end when it must.
  #apply(scope: Scope, event: WatchEvent<T>): 'expired' | Error | undefined {
    if (event.type === 'ERROR') {
      return event.object.code === 410 ? 'expired' : this.#watchStatusError(scope, event.object);
    }
    scope.resourceVersion = event.object.metadata?.resourceVersion ?? scope.resourceVersion;
    if (event.type === 'BOOKMARK') return undefined;
    const key = objectKey(event.object);
    const previous = this.#cache.get(key);
    if (event.type === 'DELETED') {
      this.#cache.delete(key);
      this.#notify('delete', event.object);
    } else if (previous === undefined) {
      this.#cache.set(key, event.object);
      this.#notify('add', event.object);
    } else if (previous.metadata?.resourceVersion !== event.object.metadata?.resourceVersion) {
      this.#cache.set(key, event.object);
      this.#notify('update', event.object, previous);
    }
    return undefined;
  }

  #watchStatusError(scope: Scope, status: V1Status): Error {
    const where = scope.namespace === undefined ? 'all namespaces' : `namespace ${scope.namespace}`;
    const message =
      `watch of ${this.#resource} in ${where} reported an error: ` +
      `${status.code ?? '?'} ${status.reason ?? ''} ${status.message ?? ''}`.trim();
    return new ResourceRequestError(message, status.code, status);
  }

  #reportFailure(scope: Scope, error: unknown, delayMs: number): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    scope.log.warn(
      { err: failure, consecutiveFailures: scope.consecutiveFailures, retryInMs: delayMs },
      `${failure.message}; relisting in ${delayMs} ms`,
    );
    // An 'error' event nobody listens to would throw; the line above already makes it visible.
    if (this.listenerCount('error') > 0) this.#notify('error', failure);
  }

  #pause(scope: Scope, delayMs: number): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    const timer = setTimeout(resolve, delayMs);
    scope.endBackoff = () => {
      clearTimeout(timer);
      resolve();
    };
    return promise.finally(() => {
      scope.endBackoff = undefined;
    });
  }

  // A listener's bug must not tear down the watch: it is logged with the event it failed on.
  #notify<E extends keyof ResourceInformerEvents<T>>(event: E, ...args: ResourceInformerEvents<T>[E]): void {
    try {
      (this as EventEmitter).emit(event, ...args);
    } catch (error) {
      this.#log.error({ err: error, event }, `a listener of the informer's '${String(event)}' event threw`);
    }
  }
}
