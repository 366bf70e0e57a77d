// The status a KafkaUser shows for the state its actor settled in, in Strimzi's form: one
// condition, the username Kafka knows and the Secret with the credentials.
import { type ConditionUpdate, setCondition } from '../../api/conditions.ts';
import type { KafkaUser, KafkaUserStatus } from '../../api/kafka-user.ts';
import type { UserContext } from '../../machines/user-machine.ts';

// undefined for the states that say nothing new (pending, reconciling, deleting, deleted).
function conditionFor(state: string, context: UserContext): ConditionUpdate | undefined {
  switch (state) {
    case 'ready':
      return { type: 'Ready', status: 'True' };
    case 'failed':
      return {
        type: 'Ready',
        status: 'False',
        reason: context.lastError?.reason ?? 'Error',
        message: context.lastError?.message ?? 'reconcile failed',
      };
    case 'paused':
      return { type: 'ReconciliationPaused', status: 'True' };
    default:
      return undefined;
  }
}

// A status merge patch: null takes a field away (the Secret of a user that no longer has one).
export type KafkaUserStatusPatch = Omit<KafkaUserStatus, 'secret'> & { secret?: string | null };

export function buildUserStatus(
  state: string,
  context: UserContext,
  user: KafkaUser,
  now: Date,
): KafkaUserStatusPatch | undefined {
  const condition = conditionFor(state, context);
  if (!condition) return undefined;
  const previous = user.status ?? {};
  // Only a reconcile that reached Kafka knows the username and the Secret; a failure keeps the last.
  const reached =
    state === 'ready'
      ? { username: context.username, secret: context.secretName ?? (previous.secret ? null : undefined) }
      : {};
  return {
    ...previous,
    observedGeneration: context.reconciledGeneration ?? user.metadata?.generation,
    ...reached,
    conditions: setCondition(
      previous.conditions?.filter((c) => c.type === condition.type),
      condition,
      now,
    ),
  };
}
