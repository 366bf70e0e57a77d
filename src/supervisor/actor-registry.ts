// The live actors, one per custom resource: spawned when a resource appears, stopped when it is
// gone, and restarted (with backoff) when one crashes. Keeps each actor's recent transitions
// for the state-chart view and the actors-by-state metric.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type AnyActorRef, createActor } from 'xstate';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';
import type { ResourceKind } from './contract.ts';
import type { OperatorMetrics } from './metrics.ts';
import { objectKey } from './object-key.ts';

export interface Transition {
  at: string;
  from: string;
  to: string;
  event: string;
}

export interface ActorEntry {
  kind: string;
  key: string;
  uid: string | undefined;
  actor: AnyActorRef;
  state: string;
  stateSince: Date;
  lastEvent: string | undefined;
  transitions: Transition[];
  crashes: number;
}

const keptTransitions = 20;

export interface ActorRegistryOptions {
  kinds: Map<string, ResourceKind>;
  metrics: OperatorMetrics;
  logger: Logger;
  restartBackoff?: BackoffPolicy;
  // Called after a crashed actor was replaced, so its resource is reconciled again.
  onRestarted: (kind: string, key: string) => void;
}

function stateName(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export class ActorRegistry {
  readonly #options: ActorRegistryOptions;
  readonly #entries = new Map<string, ActorEntry>();
  readonly #restartTimers = new Map<string, NodeJS.Timeout>();

  constructor(options: ActorRegistryOptions) {
    this.#options = options;
  }

  get(kind: string, key: string): ActorEntry | undefined {
    return this.#entries.get(`${kind}/${key}`);
  }

  entries(): ActorEntry[] {
    return [...this.#entries.values()];
  }

  // The actor for this resource, spawned if absent. A resource re-created under the same name
  // (another uid), or one whose actor finished, gets a fresh actor.
  ensure(kind: string, resource: KubernetesObject): ActorEntry {
    const key = objectKey(resource);
    const existing = this.get(kind, key);
    const uid = resource.metadata?.uid;
    if (this.#restartTimers.has(`${kind}/${key}`)) {
      throw new Error(`the actor of ${kind} ${key} crashed and is waiting to restart; retrying later`);
    }
    if (existing && existing.uid === uid && existing.actor.getSnapshot().status === 'active') return existing;
    if (existing) this.remove(kind, key);
    return this.#spawn(kind, key, uid, 0);
  }

  remove(kind: string, key: string): void {
    const id = `${kind}/${key}`;
    clearTimeout(this.#restartTimers.get(id));
    this.#restartTimers.delete(id);
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#countState(entry.kind, entry.state, -1);
    entry.actor.stop();
  }

  // Stops the actor (aborting the effect it runs) and spawns a fresh one in its initial state:
  // actors hold nothing that Kubernetes does not, so nothing is lost.
  reset(kind: string, key: string): void {
    const entry = this.get(kind, key);
    if (!entry) return;
    this.remove(kind, key);
    this.#spawn(kind, key, entry.uid, entry.crashes);
  }

  stopAll(): void {
    for (const entry of this.entries()) this.remove(entry.kind, entry.key);
  }

  #spawn(kind: string, key: string, uid: string | undefined, crashes: number): ActorEntry {
    const definition = this.#options.kinds.get(kind);
    if (!definition) throw new Error(`no resource kind ${kind} is registered`);
    const entry: ActorEntry = {
      kind,
      key,
      uid,
      actor: undefined as unknown as AnyActorRef,
      state: '',
      stateSince: new Date(),
      lastEvent: undefined,
      transitions: [],
      crashes,
    };
    const actor = createActor(definition.machine, {
      input: { key },
      inspect: (inspection) => {
        if (inspection.type === '@xstate.event' && inspection.actorRef === actor) {
          entry.lastEvent = inspection.event.type;
        }
      },
    });
    entry.actor = actor;
    entry.state = stateName(actor.getSnapshot().value);
    this.#countState(kind, entry.state, 1);
    actor.subscribe({
      next: (snapshot) => this.#recordTransition(entry, stateName(snapshot.value)),
      error: (error) => this.#restartAfterCrash(entry, error),
    });
    this.#entries.set(`${kind}/${key}`, entry);
    actor.start();
    return entry;
  }

  #recordTransition(entry: ActorEntry, state: string): void {
    if (state === entry.state) return;
    entry.transitions.push({
      at: new Date().toISOString(),
      from: entry.state,
      to: state,
      event: entry.lastEvent ?? '',
    });
    if (entry.transitions.length > keptTransitions) entry.transitions.shift();
    if (this.#entries.get(`${entry.kind}/${entry.key}`) === entry) {
      this.#countState(entry.kind, entry.state, -1);
      this.#countState(entry.kind, state, 1);
    }
    entry.state = state;
    entry.stateSince = new Date();
  }

  #restartAfterCrash(entry: ActorEntry, error: unknown): void {
    const id = `${entry.kind}/${entry.key}`;
    if (this.#entries.get(id) !== entry) return;
    const crashes = entry.crashes + 1;
    const delay = backoffDelay(crashes, this.#options.restartBackoff ?? { initialMs: 1_000, maxMs: 60_000 });
    this.#options.logger.error(
      { kind: entry.kind, key: entry.key, err: error, crashes, restartInMs: delay },
      'actor crashed; restarting it',
    );
    this.#entries.delete(id);
    this.#countState(entry.kind, entry.state, -1);
    this.#restartTimers.set(
      id,
      setTimeout(() => {
        this.#restartTimers.delete(id);
        this.#spawn(entry.kind, entry.key, entry.uid, crashes);
        this.#options.onRestarted(entry.kind, entry.key);
      }, delay),
    );
  }

  #countState(kind: string, state: string, delta: number): void {
    this.#options.metrics.actors.inc({ kind, state }, delta);
  }
}
