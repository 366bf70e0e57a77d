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
