// The life of one KafkaUser: pending until its first reconcile, then reconciling its credentials,
// ACLs and quotas towards the spec, resting in ready, failed or paused; releasing and then
// unmanaged when the user takes the Kafka user out of the operator's hands; deleting (credential,
// ACLs and quotas removed unless unmanaged, then the finalizer) when the resource is being deleted.
// Effects are named here and provided by src/actors/user, so tests can drive this with fakes.
import { assign, fromPromise, setup } from 'xstate';
import type { KafkaUser } from '../api/kafka-user.ts';
import { settledTag } from '../api/reconcile-outcome.ts';
import {
  afterFailure,
  afterSuccess,
  effectNotProvided,
  type ReconcileEvent,
  type ReconcileMemory,
  releasingState,
  resourceGuards,
  settledState,
  toFailed,
} from './resource-machine.ts';

// What a finished reconcile reports: the principal's name and the Secret holding its credentials.
export interface UserReconciled {
  username: string;
  // Absent when the authentication makes no Secret (tls-external, none).
  secretName?: string;
  // The user's Secret as this reconcile confirmed it (userSecretConfirmation): while the watched
  // Secret and the user still give this value, the next reconcile need not read the Secret.
  confirmedSecret?: string;
}

// What a reconcile or a deletion starts from: the resource, and what the last reconcile confirmed
// of its Secret.
export interface UserReconcileInput {
  user: KafkaUser;
  confirmedSecret?: string;
}

// Names and counts only: the password never enters the context, so the state-chart view cannot show it.
export interface UserContext extends ReconcileMemory {
  key: string;
  username?: string;
  secretName?: string;
  confirmedSecret?: string;
}

export type UserEvent = ReconcileEvent<KafkaUser>;

const reconcileTransitions = [
  { guard: 'resourceIsBeingDeleted', target: 'deleting' },
  { guard: 'reconciliationIsPaused', target: 'paused', actions: 'rememberGeneration' },
  { guard: 'resourceIsUnmanaged', target: 'releasing' },
  { target: 'reconciling' },
] as const;

// The states a reconcile ends in; each starts the next reconcile the same way.
const settled = settledState(reconcileTransitions);

export const userMachine = setup({
  types: {
    context: {} as UserContext,
    events: {} as UserEvent,
    input: {} as { key: string },
  },
  actors: {
    reconcileUser: fromPromise<UserReconciled, UserReconcileInput>(async () =>
      effectNotProvided('user', 'reconcileUser'),
    ),
    releaseUser: fromPromise<void, KafkaUser>(async () => effectNotProvided('user', 'releaseUser')),
    deleteUser: fromPromise<void, UserReconcileInput>(async () => effectNotProvided('user', 'deleteUser')),
  },
  guards: resourceGuards,
  actions: {
    recordFailure: assign(({ context }, params: { error: unknown }) => afterFailure(context, params.error)),
    forgetFailure: assign(afterSuccess),
    rememberGeneration: assign({
      reconciledGeneration: ({ event }) => event.resource.metadata?.generation,
    }),
  },
}).createMachine({
  id: 'KafkaUser',
  context: ({ input }) => ({ key: input.key, consecutiveFailures: 0 }),
  initial: 'pending',
  states: {
    pending: settled,
    reconciling: {
      // The generation is taken from the resource the reconcile started with, not a later one.
      entry: 'rememberGeneration',
      invoke: {
        src: 'reconcileUser',
        input: ({ context, event }) => ({ user: event.resource, confirmedSecret: context.confirmedSecret }),
        onDone: {
          target: 'ready',
          actions: assign(({ event }) => ({
            username: event.output.username,
            secretName: event.output.secretName,
            confirmedSecret: event.output.confirmedSecret,
            ...afterSuccess,
          })),
        },
        onError: toFailed,
      },
    },
    ready: settled,
    failed: settled,
    paused: settled,
    releasing: releasingState<KafkaUser, 'releaseUser'>('releaseUser'),
    unmanaged: settled,
    deleting: {
      invoke: {
        src: 'deleteUser',
        input: ({ context, event }) => ({ user: event.resource, confirmedSecret: context.confirmedSecret }),
        onDone: { target: 'deleted', actions: 'forgetFailure' },
        onError: toFailed,
      },
    },
    deleted: {
      tags: [settledTag],
      type: 'final',
    },
  },
});
