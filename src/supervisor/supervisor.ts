// The supervisor owns lifecycle: an actor per resource (spawned when it appears in its kind's cache,
// stopped when it is gone), and the queue that every add, update, delete, relist and periodic resync
// of the caches feeds. Only while leading does it take reconciles off the queue.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ActorRegistry } from './actor-registry.ts';
import type { BackoffPolicy } from './backoff.ts';
import {
  type EventSink,
  needsReconcile,
  type RelatedKind,
  type ResourceKind,
  type StatusWriter,
} from './contract.ts';
import type { ResourceInformerEvents } from './informer.ts';
import type { OperatorMetrics } from './metrics.ts';
import { objectKey } from './object-key.ts';
import { deduplicationId, type ReconcileQueue, type ReconcileRequest } from './reconcile-queue.ts';
import { createReconciler, type ReconcileOutcome } from './reconciler.ts';
import type { ResourceCaches } from './resource-caches.ts';
import { RetryLedger } from './retry-ledger.ts';

// What the Supervisor uses of one kind's cache: its change events and the keys it holds.
export interface CacheEvents {
  on<E extends keyof ResourceInformerEvents<KubernetesObject>>(
    event: E,
    listener: (...args: ResourceInformerEvents<KubernetesObject>[E]) => void,
  ): unknown;
  keys(): string[];
}

// What the Supervisor uses of the caches.
export interface SupervisorCaches extends Pick<ResourceCaches, 'cached' | 'hasSynced' | 'start' | 'stop'> {
  informerOf(kind: string): CacheEvents;
}

// What the Supervisor uses of the reconcile queue.
export type SupervisorQueue = Pick<
  ReconcileQueue,
  'enqueue' | 'onConnectionChange' | 'depth' | 'startWorker' | 'stopWorker'
>;

export interface SupervisorOptions {
  // The caches of the kinds and of their related kinds, already declared.
  caches: SupervisorCaches;
  kinds: ResourceKind[];
  resyncIntervalMs: number;
  // A failing resource is retried after initialMs, the wait doubling up to maxMs while its generation stays.
  retry: BackoffPolicy;
  queue: SupervisorQueue;
  resources: StatusWriter;
  events: EventSink;
  metrics: OperatorMetrics;
  logger: Logger;
}

// Why a resource is enqueued. A change (its own, a related object's, what it waits for) reconciles it
// soon, ahead of any resync; a resync (periodic, after a relist or a reconnect) waits out what is left
// of its back-off, behind every change.
type EnqueueCause = 'change' | 'resync';

// How many resync enqueues are in flight at once.
export const resyncSlice = 200;

export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #retries: RetryLedger;
  readonly #kinds: Map<string, ResourceKind>;
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
    return this.#options.caches.hasSynced();
  }

  isLeading(): boolean {
    return this.#leading;
  }

  async start(): Promise<void> {
    const { caches } = this.#options;
    for (const kind of this.#kinds.values()) {
      this.#watch(kind.type.kind, caches.informerOf(kind.type.kind));
      for (const related of kind.related ?? []) {
        this.#watchRelated(kind.type.kind, related, caches.informerOf(related.type.kind));
      }
    }
    await caches.start();
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

  #watch(kind: string, informer: CacheEvents): void {
    informer.on('add', (resource) => {
      this.registry.ensure(kind, resource);
      this.#enqueue(kind, [objectKey(resource)], 'change');
    });
    informer.on('update', (resource, old) => {
      if (needsReconcile(resource, old)) {
        this.#enqueue(kind, [objectKey(resource)], 'change');
        this.#enqueueClaimants(kind, resource);
      }
      this.#releaseWaiters(kind, resource, old);
    });
    informer.on('delete', (resource) => {
      // The leader lets the queue remove the actor, after any reconcile of it still running.
      if (this.#leading) this.#enqueue(kind, [objectKey(resource)], 'change');
      else this.registry.remove(kind, objectKey(resource));
      this.#enqueueClaimants(kind, resource);
    });
    // After a (re)connect anything may have changed while we were not watching.
    informer.on('relisted', (resources) => this.#enqueue(kind, resources.map(objectKey), 'resync'));
  }

  // A related object's add, delete and relevant update reconcile the resources that own it.
  #watchRelated(kind: string, related: RelatedKind, informer: CacheEvents): void {
    const changed = related.needsReconcile ?? needsReconcile;
    if (related.reconcileOnAdd !== false) {
      informer.on('add', (object) => this.#enqueue(kind, related.ownerKeys(object), 'change'));
    }
    informer.on('update', (object, old) => {
      if (changed(object, old)) this.#enqueue(kind, related.ownerKeys(object), 'change');
    });
    informer.on('delete', (object) => this.#enqueue(kind, related.ownerKeys(object), 'change'));
  }

  #enqueueClaimants(kind: string, resource: KubernetesObject): void {
    const claimants = this.#kinds.get(kind)?.claimants?.(resource) ?? [];
    const key = objectKey(resource);
    this.#enqueue(
      kind,
      claimants.map(objectKey).filter((claimant) => claimant !== key),
      'change',
    );
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
          const candidate = this.#options.caches.cached(
            waitingKind,
            entry.key.slice(0, at),
            entry.key.slice(at + 1),
          );
          return candidate !== undefined && waiters.waitsFor(candidate, resource);
        })
        .map((entry) => entry.key);
      this.#enqueue(waitingKind, keys, 'change');
    }
  }

  #generationOf(request: ReconcileRequest): number | undefined {
    const at = request.key.indexOf('/');
    return this.#options.caches.cached(request.kind, request.key.slice(0, at), request.key.slice(at + 1))
      ?.metadata?.generation;
  }

  // What is left of the request's back-off at the generation the cache has now.
  #backoffLeftMs(request: ReconcileRequest): number {
    return this.#retries.remainingMs(deduplicationId(request), this.#generationOf(request));
  }

  #enqueue(kind: string, keys: string[], cause: EnqueueCause): void {
    if (!this.#leading || keys.length === 0) return;
    const { queue, logger } = this.#options;
    const enqueued =
      cause === 'resync'
        ? this.#enqueueInSlices(keys, (key) => {
            const request = { kind, key };
            return queue.enqueue(request, { delayMs: this.#backoffLeftMs(request), background: true });
          })
        : Promise.all(
            keys.map((key) =>
              queue.enqueue(
                { kind, key },
                { cutShort: this.#retries.waiting(deduplicationId({ kind, key })) },
              ),
            ),
          );
    enqueued.catch((error: unknown) =>
      logger.error({ kind, keys: keys.length, err: error }, 'cannot enqueue reconciles'),
    );
  }

  // Thousands of enqueues started at once run as one burst of microtasks, which holds back every
  // watch event, Kafka answer and change behind it for seconds; a slice at a time lets them through.
  async #enqueueInSlices(keys: string[], enqueueOne: (key: string) => Promise<void>): Promise<void> {
    for (let at = 0; at < keys.length && this.#leading; at += resyncSlice) {
      await Promise.all(keys.slice(at, at + resyncSlice).map(enqueueOne));
    }
  }

  #enqueueEverything(): void {
    for (const kind of this.#kinds.keys()) {
      this.#enqueue(kind, this.#options.caches.informerOf(kind).keys(), 'resync');
    }
  }

  // After a reconcile: a failure starts or lengthens the resource's back-off, and one that may succeed on
  // its own is enqueued again once the back-off has passed (sooner if its generation moved meanwhile).
  async #afterReconcile(request: ReconcileRequest, outcome: ReconcileOutcome): Promise<void> {
    const id = deduplicationId(request);
    if (outcome.result === 'settled') {
      this.#retries.forget(id);
      return;
    }
    if (outcome.result === 'wait') {
      // A watch event for the resource cuts the wait short, as it does a back-off.
      this.#retries.waits(id, outcome.generation, outcome.retryAfterMs ?? 0);
      await this.#options.queue.enqueue(request, { delayMs: this.#backoffLeftMs(request) });
      return;
    }
    const delayMs = this.#retries.failed(id, outcome.generation);
    if (outcome.result === 'failed') return;
    this.#options.logger.info(
      { kind: request.kind, key: request.key, retryInMs: delayMs },
      'reconcile failed; retrying after the back-off',
    );
    await this.#options.queue.enqueue(request, { delayMs: this.#backoffLeftMs(request) });
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
        return this.#options.caches.cached(kind, key.slice(0, at), key.slice(at + 1));
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
    await this.#options.caches.stop();
    this.registry.stopAll();
  }
}
