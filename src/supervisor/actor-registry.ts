// The live actors, one per custom resource: spawned when a resource appears, stopped when it is
// gone, and restarted (with backoff) when one crashes. An actor settled between reconciles rests as
// its persisted snapshot and runs again at its next reconcile: a running actor costs kilobytes (its
// own actor system, mailbox and closures), thousands of resting ones their state and context only.
// Keeps each actor's recent transitions for the state-chart view and the actors-by-state metric.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type AnyActorRef, createActor, type Snapshot, type StateValue, type Subscription } from 'xstate';
import { settledTag } from '../api/reconcile-outcome.ts';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';
import type { ResourceKind } from './contract.ts';
import type { OperatorMetrics } from './metrics.ts';
import { objectKey } from './object-key.ts';

export interface Transition {
  // Epoch milliseconds: thousands of actors keep twenty transitions each.
  atMs: number;
  from: string;
  to: string;
  event: string;
}

// What a resting actor keeps of its machine: its persisted snapshot.
export type ActorState = Snapshot<unknown> & { value: StateValue; context: unknown };

export interface ActorEntry {
  kind: string;
  key: string;
  uid: string | undefined;
  // The running actor, or undefined while it rests as `resting`.
  actor: AnyActorRef | undefined;
  resting: ActorState | undefined;
  subscription: Subscription | undefined;
  state: string;
  stateSinceMs: number;
  lastEvent: string | undefined;
  transitions: Transition[];
  crashes: number;
}

export interface RunningActorEntry extends ActorEntry {
  actor: AnyActorRef;
}

// The actor's state and context, running or resting.
export function actorStateOf(entry: ActorEntry): ActorState {
  const state = entry.actor?.getSnapshot() ?? entry.resting;
  if (!state) throw new Error(`the actor of ${entry.kind} ${entry.key} has neither run nor rested`);
  return state;
}

// Event and state names repeat across thousands of actors' transitions: one string of each.
const names = new Map<string, string>();
function shared(name: string): string {
  const known = names.get(name);
  if (known !== undefined) return known;
  names.set(name, name);
  return name;
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

  // The running actor for this resource: spawned if absent, woken if resting. A resource re-created
  // under the same name (another uid), or one whose actor finished, gets a fresh actor.
  ensure(kind: string, resource: KubernetesObject): RunningActorEntry {
    const key = objectKey(resource);
    const existing = this.get(kind, key);
    const uid = resource.metadata?.uid;
    if (this.#restartTimers.has(`${kind}/${key}`)) {
      throw new Error(`the actor of ${kind} ${key} crashed and is waiting to restart; retrying later`);
    }
    if (existing && existing.uid === uid && actorStateOf(existing).status === 'active') {
      return existing.actor ? (existing as RunningActorEntry) : this.#run(existing, existing.resting);
    }
    if (existing) this.remove(kind, key);
    return this.#spawn(kind, key, uid, 0);
  }

  // Lets the actor rest as its persisted snapshot if it is settled with nothing running or scheduled
  // (a reconcile sends its event synchronously, so a settled actor is not in the middle of one).
  rest(kind: string, key: string): void {
    const entry = this.get(kind, key);
    const actor = entry?.actor;
    if (!entry || !actor) return;
    const snapshot = actor.getSnapshot();
    if (snapshot.status !== 'active' || !snapshot.hasTag(settledTag)) return;
    if (Object.keys(snapshot.children).length > 0) return;
    if (Object.keys(actor.system.getSnapshot()._scheduledEvents).length > 0) return;
    entry.resting = actor.getPersistedSnapshot() as ActorState;
    entry.subscription?.unsubscribe();
    entry.subscription = undefined;
    entry.actor = undefined;
    actor.stop();
  }

  remove(kind: string, key: string): void {
    const id = `${kind}/${key}`;
    clearTimeout(this.#restartTimers.get(id));
    this.#restartTimers.delete(id);
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#countState(entry.kind, entry.state, -1);
    entry.actor?.stop();
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

  #spawn(kind: string, key: string, uid: string | undefined, crashes: number): RunningActorEntry {
    const entry: ActorEntry = {
      kind,
      key,
      uid,
      actor: undefined,
      resting: undefined,
      subscription: undefined,
      state: '',
      stateSinceMs: Date.now(),
      lastEvent: undefined,
      transitions: [],
      crashes,
    };
    return this.#run(entry, undefined);
  }

  // Starts the entry's actor afresh (registering the entry), or from the state it rested in.
  #run(entry: ActorEntry, resting: ActorState | undefined): RunningActorEntry {
    const definition = this.#options.kinds.get(entry.kind);
    if (!definition) throw new Error(`no resource kind ${entry.kind} is registered`);
    const actor = createActor(definition.machine, {
      input: { key: entry.key },
      ...(resting ? { snapshot: resting } : {}),
      inspect: (inspection) => {
        if (inspection.type === '@xstate.event' && inspection.actorRef === actor) {
          entry.lastEvent = shared(inspection.event.type);
        }
      },
    });
    entry.actor = actor;
    entry.resting = undefined;
    if (!resting) {
      entry.state = shared(stateName(actor.getSnapshot().value));
      this.#countState(entry.kind, entry.state, 1);
      this.#entries.set(`${entry.kind}/${entry.key}`, entry);
    }
    entry.subscription = actor.subscribe({
      next: (snapshot) => this.#recordTransition(entry, stateName(snapshot.value)),
      error: (error) => this.#restartAfterCrash(entry, error),
    });
    actor.start();
    return entry as RunningActorEntry;
  }

  #recordTransition(entry: ActorEntry, state: string): void {
    if (state === entry.state) return;
    entry.transitions.push({
      atMs: Date.now(),
      from: entry.state,
      to: shared(state),
      event: entry.lastEvent ?? '',
    });
    if (entry.transitions.length > keptTransitions) entry.transitions.shift();
    if (this.#entries.get(`${entry.kind}/${entry.key}`) === entry) {
      this.#countState(entry.kind, entry.state, -1);
      this.#countState(entry.kind, state, 1);
    }
    entry.state = shared(state);
    entry.stateSinceMs = Date.now();
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
