// How a resource's actor tells the runtime that a reconcile is over and how it went: the machines
// tag the states a reconcile ends in, and keep the last failure in their context for status and Events.

// A reconcile is over when the actor reaches a state with this tag.
export const settledTag = 'settled';

// Why the last reconcile failed: a reason users can act on, and whether retrying may help.
export interface FailureRecord {
  reason: string;
  message: string;
  retryable: boolean;
}

// A reconcile that must wait for the world (a pod to start, a restarted broker to catch up) ends in a
// state with this tag as well, with what it waits for in context.waiting: the runtime looks again after
// retryAfterMs, or sooner when a watch event for the resource arrives. No worker is held meanwhile.
export const waitingTag = 'waiting';

export interface WaitRecord {
  reason: string;
  message: string;
  retryAfterMs: number;
}

// The name a state is known by in status, Events and metrics: its top-level state.
export function topLevelState(value: unknown): string {
  if (typeof value === 'string') return value;
  const [first] = Object.keys((value ?? {}) as object);
  return first ?? String(value);
}
