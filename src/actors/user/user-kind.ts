// The KafkaUser kind as the runtime runs it: the user machine with its effects provided, and the
// status of each settled state.
import { fromPromise } from 'xstate';
import type { KafkaUser } from '../../api/kafka-user.ts';
import { kafkaUserType } from '../../api/resources.ts';
import { type UserContext, type UserReconciled, userMachine } from '../../machines/user-machine.ts';
import type { ResourceKind } from '../../supervisor/resource-kind.ts';
import { createUserEffects, type UserEffectsOptions } from './user-effects.ts';
import { buildUserStatus } from './user-status.ts';

export function createUserKind(options: UserEffectsOptions): ResourceKind<KafkaUser> {
  const effects = createUserEffects(options);
  return {
    type: kafkaUserType,
    machine: userMachine.provide({
      actors: {
        reconcileUser: fromPromise<UserReconciled, KafkaUser>(({ input, signal }) =>
          effects.reconcileUser(input, signal),
        ),
        deleteUser: fromPromise<void, KafkaUser>(({ input, signal }) => effects.deleteUser(input, signal)),
      },
    }),
    buildStatus: (state, context, resource, now) =>
      buildUserStatus(state, context as UserContext, resource, now),
  };
}
