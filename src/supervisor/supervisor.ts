// The supervisor owns lifecycle: an informer per kind, an actor per resource (spawned when it
// appears, stopped when it is gone), and the queue that every add, update, delete, relist and
// periodic resync feeds. Only while leading does it take reconciles off the queue.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ResourceType } from '../api/resources.ts';
import { ActorRegistry } from './actor-registry.ts';
import type { BackoffPolicy } from './backoff.ts';
import {
  type EventSink,
  needsReconcile,
  type RelatedKind,
  type ResourceKind,
  type StatusWriter,
} from './contract.ts';
import { ResourceInformer } from './informer.ts';
import type { OperatorMetrics } from './metrics.ts';
import { objectKey } from './object-key.ts';
import { deduplicationId, type ReconcileQueue, type ReconcileRequest } from './reconcile-queue.ts';
import { createReconciler, type ReconcileOutcome } from './reconciler.ts';
import { RetryLedger } from './retry-ledger.ts';

export interface SupervisorOptions {
  kubeConfig: KubeConfig;
  kinds: ResourceKind[];
  namespaces: string[] | 'all';
  labelSelector: string | undefined;
  resyncIntervalMs: number;
  // A failing resource is retried after initialMs, the wait doubling up to maxMs while its generation stays.
  retry: BackoffPolicy;
  informerIdleRestartMs: number;
  queue: ReconcileQueue;
  resources: StatusWriter;
  events: EventSink;
  metrics: OperatorMetrics;
  logger: Logger;
}

// Why a resource is enqueued. A change (its own, a related object's, what it waits for) reconciles it
// soon; a resync (periodic, after a relist or a reconnect) waits out what is left of its back-off.
type EnqueueCause = 'change' | 'resync';

export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #retries: RetryLedger;
  readonly #kinds: Map<string, ResourceKind>;
  readonly #informers = new Map<string, ResourceInformer<KubernetesObject>>();
  // Informers of related kinds (node pools, pods), by kind: they enqueue their owners' keys.
  readonly #relatedInformers = new Map<string, ResourceInformer<KubernetesObject>>();
  readonly registry: ActorRegistry;
  #resyncTimer: NodeJS.Timeout | undefined;
  #depthTimer: NodeJS.Timeout | undefined;
  #leading = false;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#kinds = new Map(options.kinds.map((kind) => [kind.type.kind, kind]));
    this.#retries = new RetryLedger(options.retry);
    this.registry = new ActorRegistry({
      kinds: this.#kinds,
      metrics: options.metrics,
      logger: options.logger,
      onRestarted: (kind, key) => this.#enqueue(kind, [key], 'change'),
    });
  }

  hasSynced(): boolean {
    return this.#allInformers().every((informer) => informer.hasSynced());
  }

  // The cached resources of one kind (or related kind) that an index files under `value`.
  byIndex(kind: string, index: string, value: string): KubernetesObject[] {
    return (this.#informers.get(kind) ?? this.#relatedInformers.get(kind))?.byIndex(index, value) ?? [];
  }

  // One cached resource of a kind (or related kind), by namespace and name.
  cached(kind: string, namespace: string, name: string): KubernetesObject | undefined {
    return (this.#informers.get(kind) ?? this.#relatedInformers.get(kind))?.get(namespace, name);
  }

  #allInformers(): ResourceInformer<KubernetesObject>[] {
    return [...this.#informers.values(), ...this.#relatedInformers.values()];
  }

  #createInformer(
    type: ResourceType,
    {
      labelSelector,
      indexers,
      metadataOnly,
      trim,
    }: Pick<RelatedKind, 'labelSelector' | 'indexers' | 'metadataOnly' | 'trim'>,
  ): ResourceInformer<KubernetesObject> {
    return new ResourceInformer<KubernetesObject>({
      kubeConfig: this.#options.kubeConfig,
      group: type.group,
      version: type.version,
      plural: type.plural,
      namespaces: this.#options.namespaces,
      labelSelector,
      indexers,
      metadataOnly,
      trim,
      idleRestartMs: this.#options.informerIdleRestartMs,
      logger: this.#options.logger,
    });
  }

  isLeading(): boolean {
    return this.#leading;
  }

  async start(): Promise<void> {
    for (const kind of this.#kinds.values()) {
      const informer = this.#createInformer(kind.type, {
        labelSelector: this.#options.labelSelector,
        indexers: kind.indexers,
      });
      this.#watch(kind.type.kind, informer);
      this.#informers.set(kind.type.kind, informer);
      for (const related of kind.related ?? []) {
        if (this.#relatedInformers.has(related.type.kind)) {
          throw new Error(`${related.type.kind} is declared related by more than one kind`);
        }
        const relatedInformer = this.#createInformer(related.type, related);
        this.#watchRelated(kind.type.kind, related, relatedInformer);
        this.#relatedInformers.set(related.type.kind, relatedInformer);
      }
    }
    await Promise.all(this.#allInformers().map((informer) => informer.start()));
    // Redis runs without persistence in small installs: after a reconnect the queue may be empty.
    await this.#options.queue.onConnectionChange((connected) => {
      this.#options.metrics.redisConnected.set(Number(connected));
      if (connected) this.#enqueueEverything();
    });
    this.#depthTimer = setInterval(() => {
      this.#options.queue
        .depth()
        .then((depth) => this.#options.metrics.queueDepth.set(depth))
        .catch((error: unknown) => this.#options.logger.warn({ err: error }, 'cannot read the queue depth'));
    }, 5_000);
  }

  #watch(kind: string, informer: ResourceInformer<KubernetesObject>): void {
    informer.on('add', (resource) => {
      this.registry.ensure(kind, resource);
      this.#enqueue(kind, [objectKey(resource)], 'change');
    });
    informer.on('update', (resource, old) => {
      if (needsReconcile(resource, old)) this.#enqueue(kind, [objectKey(resource)], 'change');
      this.#releaseWaiters(kind, resource, old);
    });
    informer.on('delete', (resource) => {
      // The leader lets the queue remove the actor, after any reconcile of it still running.
      if (this.#leading) this.#enqueue(kind, [objectKey(resource)], 'change');
      else this.registry.remove(kind, objectKey(resource));
    });
    // After a (re)connect anything may have changed while we were not watching.
    informer.on('relisted', (resources) => this.#enqueue(kind, resources.map(objectKey), 'resync'));
  }

  // A related object's add, delete and relevant update reconcile the resources that own it.
  #watchRelated(kind: string, related: RelatedKind, informer: ResourceInformer<KubernetesObject>): void {
    const changed = related.needsReconcile ?? needsReconcile;
    if (related.reconcileOnAdd !== false) {
      informer.on('add', (object) => this.#enqueue(kind, related.ownerKeys(object), 'change'));
    }
    informer.on('update', (object, old) => {
      if (changed(object, old)) this.#enqueue(kind, related.ownerKeys(object), 'change');
    });
    informer.on('delete', (object) => this.#enqueue(kind, related.ownerKeys(object), 'change'));
  }

  #releaseWaiters(kind: string, resource: KubernetesObject, old: KubernetesObject): void {
    const waiters = this.#kinds.get(kind)?.waiters;
    if (!waiters?.released(resource, old)) return;
    const failed = this.registry.entries().filter((entry) => entry.state === 'failed');
    for (const waitingKind of waiters.kinds) {
      const keys = failed
        .filter((entry) => {
          if (entry.kind !== waitingKind) return false;
          const at = entry.key.indexOf('/');
          const candidate = this.cached(waitingKind, entry.key.slice(0, at), entry.key.slice(at + 1));
          return candidate !== undefined && waiters.waitsFor(candidate, resource);
        })
        .map((entry) => entry.key);
      this.#enqueue(waitingKind, keys, 'change');
    }
  }

  #generationOf(request: ReconcileRequest): number | undefined {
    const at = request.key.indexOf('/');
    return this.cached(request.kind, request.key.slice(0, at), request.key.slice(at + 1))?.metadata
      ?.generation;
  }

  // What is left of the request's back-off at the generation the cache has now.
  #backoffLeftMs(request: ReconcileRequest): number {
    return this.#retries.remainingMs(deduplicationId(request), this.#generationOf(request));
  }

  #enqueue(kind: string, keys: string[], cause: EnqueueCause): void {
    if (!this.#leading || keys.length === 0) return;
    const { queue, logger } = this.#options;
    Promise.all(
      keys.map((key) => {
        const request = { kind, key };
        return cause === 'resync'
          ? queue.enqueue(request, this.#backoffLeftMs(request))
          : queue.enqueue(request);
      }),
    ).catch((error: unknown) =>
      logger.error({ kind, keys: keys.length, err: error }, 'cannot enqueue reconciles'),
    );
  }

  #enqueueEverything(): void {
    for (const [kind, informer] of this.#informers) this.#enqueue(kind, informer.keys(), 'resync');
  }

  // After a reconcile: a failure starts or lengthens the resource's back-off, and one that may succeed on
  // its own is enqueued again once the back-off has passed (sooner if its generation moved meanwhile).
  async #afterReconcile(request: ReconcileRequest, outcome: ReconcileOutcome): Promise<void> {
    const id = deduplicationId(request);
    if (outcome.result === 'settled') {
      this.#retries.forget(id);
      return;
    }
    const delayMs = this.#retries.failed(id, outcome.generation);
    if (outcome.result === 'failed') return;
    this.#options.logger.info(
      { kind: request.kind, key: request.key, retryInMs: delayMs },
      'reconcile failed; retrying after the back-off',
    );
    await this.#options.queue.enqueue(request, this.#backoffLeftMs(request));
  }

  // Leadership acquired: reconcile everything now and every resync interval.
  startReconciling(): void {
    if (this.#leading) return;
    this.#leading = true;
    this.#options.metrics.leader.set(1);
    const reconcile = createReconciler({
      kinds: this.#kinds,
      registry: this.registry,
      currentResource: (kind, key) => {
        const at = key.indexOf('/');
        return this.#informers.get(kind)?.get(key.slice(0, at), key.slice(at + 1));
      },
      resources: this.#options.resources,
      events: this.#options.events,
      metrics: this.#options.metrics,
      logger: this.#options.logger,
    });
    this.#options.queue.startWorker(async (request, signal) => {
      let outcome: ReconcileOutcome;
      try {
        outcome = await reconcile(request, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        // The status or Event write failed, or the actor broke: the next attempt reads everything anew.
        this.#options.logger.warn(
          { kind: request.kind, key: request.key, err: error },
          'reconcile broke off',
        );
        outcome = { generation: this.#generationOf(request), result: 'retry' };
      }
      await this.#afterReconcile(request, outcome);
    });
    this.#enqueueEverything();
    this.#resyncTimer = setInterval(() => this.#enqueueEverything(), this.#options.resyncIntervalMs);
  }

  // Takes no more reconciles. Those running may finish within drainMs (shutting down while still
  // leading); the rest, or all at once when leadership is lost, are aborted and write nothing more.
  async stopReconciling(reason: string, drainMs = 0): Promise<void> {
    if (this.#leading) {
      this.#leading = false;
      this.#options.metrics.leader.set(0);
      clearInterval(this.#resyncTimer);
    }
    await this.#options.queue.stopWorker(reason, drainMs);
  }

  async stop(): Promise<void> {
    await this.stopReconciling('shutting down');
    clearInterval(this.#depthTimer);
    await Promise.all(this.#allInformers().map((informer) => informer.stop()));
    this.registry.stopAll();
  }
}
