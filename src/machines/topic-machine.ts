// The life of one KafkaTopic: pending until its first reconcile, then reconciling towards the
// spec, resting in ready, failed or paused; releasing and then unmanaged when the user takes the
// topic out of the operator's hands; deleting when the resource is being deleted.
// Effects are named here and provided by src/actors/topic, so tests can drive this with fakes.
import { assign, fromPromise, setup } from 'xstate';
import type { KafkaTopic } from '../api/kafka-topic.ts';
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

export interface TopicReconciled {
  topicName: string;
  topicId: string;
}

export interface TopicContext extends ReconcileMemory {
  key: string;
  topicName?: string;
  topicId?: string;
}

export type TopicEvent = ReconcileEvent<KafkaTopic>;

const reconcileTransitions = [
  { guard: 'resourceIsBeingDeleted', target: 'deleting' },
  { guard: 'reconciliationIsPaused', target: 'paused', actions: 'rememberGeneration' },
  { guard: 'resourceIsUnmanaged', target: 'releasing' },
  { target: 'reconciling' },
] as const;

// The states a reconcile ends in; each starts the next reconcile the same way.
const settled = settledState(reconcileTransitions);

export const topicMachine = setup({
  types: {
    context: {} as TopicContext,
    events: {} as TopicEvent,
    input: {} as { key: string },
  },
  actors: {
    reconcileTopic: fromPromise<TopicReconciled, KafkaTopic>(async () =>
      effectNotProvided('topic', 'reconcileTopic'),
    ),
    releaseTopic: fromPromise<void, KafkaTopic>(async () => effectNotProvided('topic', 'releaseTopic')),
    deleteTopic: fromPromise<void, KafkaTopic>(async () => effectNotProvided('topic', 'deleteTopic')),
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
  id: 'KafkaTopic',
  context: ({ input }) => ({ key: input.key, consecutiveFailures: 0 }),
  initial: 'pending',
  states: {
    pending: settled,
    reconciling: {
      invoke: {
        src: 'reconcileTopic',
        input: ({ event }) => event.resource,
        onDone: {
          target: 'ready',
          actions: assign(({ event }) => ({
            topicName: event.output.topicName,
            topicId: event.output.topicId,
            ...afterSuccess,
          })),
        },
        onError: toFailed,
      },
      // The generation is taken from the resource the reconcile started with, not a later one.
      entry: 'rememberGeneration',
    },
    ready: settled,
    failed: settled,
    paused: settled,
    releasing: releasingState<KafkaTopic, 'releaseTopic'>('releaseTopic'),
    unmanaged: settled,
    deleting: {
      invoke: {
        src: 'deleteTopic',
        input: ({ event }) => event.resource,
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
