// The one condition a resource's status shows for the state its actor settled in, as Strimzi
// shows it; shared by the kinds whose status carries a single condition.
import { type Condition, type ConditionUpdate, setCondition } from '../../api/conditions.ts';
import { managedAnnotation } from '../../api/labels.ts';
import type { FailureRecord } from '../../api/reconcile-outcome.ts';

// undefined for the states that say nothing new (pending, reconciling, deleting, deleted, …).
export function settledCondition(
  state: string,
  lastError: FailureRecord | undefined,
): ConditionUpdate | undefined {
  switch (state) {
    case 'ready':
      return { type: 'Ready', status: 'True' };
    case 'failed':
      return {
        type: 'Ready',
        status: 'False',
        reason: lastError?.reason ?? 'Error',
        message: lastError?.message ?? 'reconcile failed',
      };
    case 'paused':
      return { type: 'ReconciliationPaused', status: 'True' };
    default:
      return undefined;
  }
}

// The condition of a resource the operator has let go of; `consequence` says what that means for
// what it describes in Kafka.
export function unmanagedCondition(consequence: string): ConditionUpdate {
  return {
    type: 'Ready',
    status: 'True',
    reason: 'Unmanaged',
    message: `${managedAnnotation} is "false": ${consequence}`,
  };
}

// The status carries one condition; its transition time survives while its status holds.
export function soleCondition(previous: readonly Condition[] | undefined, next: ConditionUpdate, now: Date) {
  return setCondition(
    previous?.filter((c) => c.type === next.type),
    next,
    now,
  );
}
