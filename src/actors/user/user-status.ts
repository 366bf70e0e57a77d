// The status a KafkaUser shows for the state its actor settled in, in Strimzi's form: one
// condition, the username Kafka knows and the Secret with the credentials.
import type { KafkaUser, KafkaUserStatus } from '../../api/kafka-user.ts';
import type { UserContext } from '../../machines/user-machine.ts';
import { settledCondition, soleCondition, unmanagedCondition } from '../kubernetes/settled-condition.ts';

// A status merge patch: null takes a field away (the Secret of a user that no longer has one).
export type KafkaUserStatusPatch = Omit<KafkaUserStatus, 'secret'> & { secret?: string | null };

export function buildUserStatus(
  state: string,
  context: UserContext,
  user: KafkaUser,
  now: Date,
): KafkaUserStatusPatch | undefined {
  const condition =
    state === 'unmanaged'
      ? unmanagedCondition(
          "the operator leaves the Kafka user's credential, ACLs and quotas, and its Secret, as they are, " +
            'and keeps the Kafka user when this resource is deleted',
        )
      : settledCondition(state, context.lastError);
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
    conditions: soleCondition(previous.conditions, condition, now),
  };
}
