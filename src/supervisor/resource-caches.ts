// The informers' caches of every kind the operator watches, built before the kinds that read them and
// the Supervisor that reacts to their changes: each kind's effects get a typed cache to query, and the
// Supervisor finds the same informers here by kind. Started and stopped together.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ResourceType } from '../api/resources.ts';
import type { Indexer } from './indexed-cache.ts';
import { ResourceInformer } from './informer.ts';

export interface ResourceCachesOptions {
  kubeConfig: KubeConfig;
  namespaces: string[] | 'all';
  // A watch silent for this long is restarted.
  idleRestartMs: number;
  logger: Logger;
}

// What one cache holds of a kind.
export interface WatchOptions<T extends KubernetesObject> {
  // The cache's name, when a kind has more than one cache (each with its own labelSelector); by default
  // the kind's, which is the cache the Supervisor reconciles by.
  name?: string;
  // Narrows what is watched, e.g. strimzi.io/kind=Kafka for the pods of Kafka clusters.
  labelSelector?: string;
  // Watch and cache the objects' metadata only, when the kind's effects never read the rest from the
  // cache (a user's Secret: its deletion and annotations matter, its data is read when reconciled).
  metadataOnly?: boolean;
  // What the cache keeps of each object, when thousands are watched for a field or two.
  trim?: (object: T) => T;
  // Secondary indexes, which the kinds' effects query.
  indexers?: Record<string, Indexer<T>>;
}

export class ResourceCaches {
  readonly #options: ResourceCachesOptions;
  readonly #informers = new Map<string, ResourceInformer<KubernetesObject>>();

  constructor(options: ResourceCachesOptions) {
    this.#options = options;
  }

  // The cache of one kind; it fills once start() is called.
  watch<T extends KubernetesObject>(type: ResourceType, options: WatchOptions<T> = {}): ResourceInformer<T> {
    const { name = type.kind, ...watched } = options;
    if (this.#informers.has(name)) throw new Error(`${name} is watched twice`);
    const informer = new ResourceInformer<T>({
      kubeConfig: this.#options.kubeConfig,
      group: type.group,
      version: type.version,
      plural: type.plural,
      namespaces: this.#options.namespaces,
      ...watched,
      idleRestartMs: this.#options.idleRestartMs,
      logger: this.#options.logger,
    });
    // The runtime reads any kind's objects as KubernetesObjects (their metadata); the typed informer is
    // what the kind's effects get. Its indexers make the class invariant in T, hence the widening.
    this.#informers.set(name, informer as unknown as ResourceInformer<KubernetesObject>);
    return informer;
  }

  informerOf(kind: string): ResourceInformer<KubernetesObject> {
    const informer = this.#informers.get(kind);
    if (!informer) throw new Error(`${kind} has no cache: watch it before the Supervisor starts`);
    return informer;
  }

  // One cached object of a kind, by namespace and name.
  cached(kind: string, namespace: string, name: string): KubernetesObject | undefined {
    return this.#informers.get(kind)?.get(namespace, name);
  }

  hasSynced(): boolean {
    return [...this.#informers.values()].every((informer) => informer.hasSynced());
  }

  // Resolves once every cache has listed what it watches.
  async start(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.stop()));
  }
}
