// What an effect throws when a reconcile cannot reach the desired state: a reason users can act on.
// `retryable` failures are retried with backoff; the others wait for the resource to change.
import type { FailureRecord } from '../api/reconcile-outcome.ts';

export class ReconcileFailure extends Error {
  readonly reason: string;
  readonly retryable: boolean;

  constructor(reason: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ReconcileFailure';
    this.reason = reason;
    this.retryable = options.retryable ?? true;
  }
}

// Anything an effect throws becomes a record; an unexpected error keeps its class name as the
// reason (as Strimzi does) and is retried.
export function describeFailure(error: unknown): FailureRecord {
  if (error instanceof ReconcileFailure) {
    return { reason: error.reason, message: error.message, retryable: error.retryable };
  }
  if (error instanceof Error)
    return { reason: error.name || 'Error', message: error.message, retryable: true };
  return { reason: 'Error', message: String(error), retryable: true };
}
