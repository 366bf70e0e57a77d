// What every resource machine shares with the runtime: the RECONCILE event that carries the
// resource as it is now, the tag of the states a reconcile ends in, and the annotations that
// steer a machine.
import type { KubernetesObject } from '@kubernetes/client-node';
import { managedAnnotation, pauseAnnotation } from '../api/labels.ts';
import { type FailureRecord, settledTag } from '../api/reconcile-outcome.ts';
import { describeFailure } from './reconcile-failure.ts';

export interface ReconcileEvent<R extends KubernetesObject> {
  type: 'RECONCILE';
  resource: R;
}

export function isBeingDeleted(resource: KubernetesObject): boolean {
  return Boolean(resource.metadata?.deletionTimestamp);
}

export function isPaused(resource: KubernetesObject): boolean {
  return resource.metadata?.annotations?.[pauseAnnotation] === 'true';
}

// strimzi.io/managed: "false": the user takes what the resource describes out of the operator's
// hands; the operator writes nothing to Kafka for it and keeps it there when the resource goes.
export function isUnmanaged(resource: KubernetesObject): boolean {
  return resource.metadata?.annotations?.[managedAnnotation] === 'false';
}

// An effect a machine names but the runtime did not provide: a wiring mistake, loud at once.
export function effectNotProvided(machine: string, effect: string): never {
  throw new Error(`effect ${effect} was not provided to the ${machine} machine`);
}

// The guards every resource machine starts a reconcile with.
export const resourceGuards = {
  resourceIsBeingDeleted: ({ event }: { event: ReconcileEvent<KubernetesObject> }) =>
    isBeingDeleted(event.resource),
  reconciliationIsPaused: ({ event }: { event: ReconcileEvent<KubernetesObject> }) =>
    isPaused(event.resource),
  resourceIsUnmanaged: ({ event }: { event: ReconcileEvent<KubernetesObject> }) =>
    isUnmanaged(event.resource),
};

// What every resource machine remembers of its reconciles, for status and the state-chart view.
export interface ReconcileMemory {
  // The generation of the resource the last reconcile saw: status.observedGeneration.
  reconciledGeneration?: number;
  lastError?: FailureRecord;
  consecutiveFailures: number;
}

// The context after a failed effect.
export function afterFailure(memory: ReconcileMemory, error: unknown): Partial<ReconcileMemory> {
  return { lastError: describeFailure(error), consecutiveFailures: memory.consecutiveFailures + 1 };
}

// The context after an effect succeeded.
export const afterSuccess = { lastError: undefined, consecutiveFailures: 0 } as const;

// An effect's onError: the failure recorded (by the machine's recordFailure action), then failed.
export const toFailed = {
  target: 'failed',
  actions: {
    type: 'recordFailure',
    params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }),
  },
} as const;

// The state that lets go of an unmanaged resource by its `release` effect (its finalizer off,
// nothing written to Kafka), then rests in unmanaged. The machine provides the actions named here.
export function releasingState<R extends KubernetesObject, const Release extends string>(release: Release) {
  return {
    entry: 'rememberGeneration',
    invoke: {
      src: release,
      input: ({ event }: { event: ReconcileEvent<R> }) => event.resource,
      onDone: { target: 'unmanaged', actions: 'forgetFailure' },
      onError: toFailed,
    },
  } as const;
}

// A state a reconcile ends in (tagged settled), which the next RECONCILE leaves by `transitions`.
export function settledState<T>(transitions: T) {
  return { tags: [settledTag], on: { RECONCILE: transitions } };
}
