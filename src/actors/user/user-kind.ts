// The KafkaUser kind as the runtime runs it: the user machine with its effects provided, and the
// status of each settled state.
import { fromPromise } from 'xstate';
import type { KafkaUser } from '../../api/kafka-user.ts';
import { kafkaUserType } from '../../api/resources.ts';
import { type UserContext, type UserReconciled, userMachine } from '../../machines/user-machine.ts';
import type { ResourceKind } from '../../supervisor/resource-kind.ts';
import { clusterLabel } from '../kafka/kafka-clusters.ts';
import { createUserEffects, type UserEffectsOptions } from './user-effects.ts';
import { buildUserStatus } from './user-status.ts';

// The index of KafkaUsers by the Kafka cluster they belong to, for the orphan sweep.
export const kafkaUserClusterIndex = 'cluster';

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
    indexers: { [kafkaUserClusterIndex]: (resource) => [resource.metadata?.labels?.[clusterLabel] ?? ''] },
  };
}
