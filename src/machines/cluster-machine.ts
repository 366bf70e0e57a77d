// The life of one Kafka cluster (a Kafka and its KafkaNodePools). Each reconcile applies what the
// spec asks (model, certificates, every object but the pods) and plans the pod changes; then scaling
// adds and removes nodes, rolling replaces pods whose spec changed one at a time, each when Kafka can
// lose its node, and observing waits for every pod to be Ready and reads the listeners' addresses
// before the cluster is ready.
// Effects are named here and provided by src/actors/cluster, so tests can drive this with fakes.
import type { KubernetesObject } from '@kubernetes/client-node';
import { assign, fromPromise, setup } from 'xstate';
import type { Kafka, KafkaStatus } from '../api/kafka.ts';
import type { ClusterModel, ClusterWarning } from './cluster-model.ts';
import {
  afterFailure,
  afterSuccess,
  effectNotProvided,
  type ReconcileEvent,
  type ReconcileMemory,
  resourceGuards,
  settledState,
  toFailed,
} from './resource-machine.ts';

// The pod changes one reconcile found; every other object is already applied when it is made.
export interface ClusterPlan {
  // The cluster the spec describes (with any scale-down held back).
  model: ClusterModel;
  // Warnings beyond the model's own: scale-downs held back, or not checked.
  warnings: ClusterWarning[];
  // The cluster CA's certificate (public), which clients of TLS listeners trust.
  clusterCaCertificate: string;
  // Pods of new nodes, as they should be created.
  create: KubernetesObject[];
  // Pods of nodes that are no longer wanted, as they are now.
  remove: KubernetesObject[];
  // Pods whose spec changed, as they should be recreated; the rolling step orders them as Kafka needs.
  roll: KubernetesObject[];
  // The KafkaNodePools annotated strimzi.io/manual-rolling-update whose pods are in `roll`: the
  // annotation is removed once they are rolled.
  manuallyRolledPools: string[];
}

export type ListenerStatus = NonNullable<KafkaStatus['listeners']>[number];

export interface ClusterStepInput {
  kafka: Kafka;
  plan: ClusterPlan;
}

export interface ClusterContext extends ReconcileMemory {
  key: string;
  // The resource the running reconcile started with.
  kafka?: Kafka;
  plan?: ClusterPlan;
  listeners?: ListenerStatus[];
  // Shown in the state-chart view: what the running reconcile is doing.
  clusterId?: string;
  kafkaVersion?: string;
  podsToCreate?: number;
  podsToRemove?: number;
  podsToRoll?: number;
}

export type ClusterEvent = ReconcileEvent<Kafka>;

const reconcileTransitions = [
  { guard: 'resourceIsBeingDeleted', target: 'deleting', actions: 'rememberGeneration' },
  { guard: 'reconciliationIsPaused', target: 'paused', actions: 'rememberGeneration' },
  { target: 'applying' },
] as const;

// The states a reconcile ends in; each starts the next reconcile the same way.
const settled = settledState(reconcileTransitions);

function stepInput({ context }: { context: ClusterContext }): ClusterStepInput {
  if (!context.plan || !context.kafka) throw new Error('the cluster machine has no plan to carry out');
  return { kafka: context.kafka, plan: context.plan };
}

export const clusterMachine = setup({
  types: {
    context: {} as ClusterContext,
    events: {} as ClusterEvent,
    input: {} as { key: string },
  },
  actors: {
    applyCluster: fromPromise<ClusterPlan, Kafka>(async () => effectNotProvided('cluster', 'applyCluster')),
    scaleCluster: fromPromise<void, ClusterStepInput>(async () =>
      effectNotProvided('cluster', 'scaleCluster'),
    ),
    rollPods: fromPromise<void, ClusterStepInput>(async () => effectNotProvided('cluster', 'rollPods')),
    observeCluster: fromPromise<ListenerStatus[], ClusterStepInput>(async () =>
      effectNotProvided('cluster', 'observeCluster'),
    ),
  },
  guards: {
    ...resourceGuards,
    nodesToAddOrRemove: ({ context }) =>
      (context.plan?.create.length ?? 0) + (context.plan?.remove.length ?? 0) > 0,
    podsToRoll: ({ context }) => (context.plan?.roll.length ?? 0) > 0,
  },
  actions: {
    recordFailure: assign(({ context }, params: { error: unknown }) => afterFailure(context, params.error)),
    rememberGeneration: assign({
      reconciledGeneration: ({ event }) => event.resource.metadata?.generation,
    }),
    // The resource the reconcile started with: every step works from it, not from a later one.
    startReconcile: assign(({ event }) => ({
      kafka: event.resource,
      reconciledGeneration: event.resource.metadata?.generation,
      plan: undefined,
      listeners: undefined,
    })),
    rememberPlan: assign((_, params: { plan: ClusterPlan }) => ({
      plan: params.plan,
      clusterId: params.plan.model.clusterId,
      kafkaVersion: params.plan.model.kafkaVersion,
      podsToCreate: params.plan.create.length,
      podsToRemove: params.plan.remove.length,
      podsToRoll: params.plan.roll.length,
    })),
    rememberListeners: assign((_, params: { listeners: ListenerStatus[] }) => ({
      listeners: params.listeners,
      ...afterSuccess,
    })),
  },
}).createMachine({
  id: 'Kafka',
  context: ({ input }) => ({ key: input.key, consecutiveFailures: 0 }),
  initial: 'pending',
  states: {
    pending: settled,
    applying: {
      entry: 'startReconcile',
      invoke: {
        src: 'applyCluster',
        input: ({ event }) => (event as ClusterEvent).resource,
        onDone: {
          target: 'planned',
          actions: { type: 'rememberPlan', params: ({ event }) => ({ plan: event.output }) },
        },
        onError: toFailed,
      },
    },
    // Chooses the first step the plan needs; no effect runs here.
    planned: {
      always: [
        { guard: 'nodesToAddOrRemove', target: 'scaling' },
        { guard: 'podsToRoll', target: 'rolling' },
        { target: 'observing' },
      ],
    },
    scaling: {
      invoke: {
        src: 'scaleCluster',
        input: stepInput,
        onDone: [{ guard: 'podsToRoll', target: 'rolling' }, { target: 'observing' }],
        onError: toFailed,
      },
    },
    rolling: {
      invoke: {
        src: 'rollPods',
        input: stepInput,
        onDone: { target: 'observing' },
        onError: toFailed,
      },
    },
    observing: {
      invoke: {
        src: 'observeCluster',
        input: stepInput,
        onDone: {
          target: 'ready',
          actions: { type: 'rememberListeners', params: ({ event }) => ({ listeners: event.output }) },
        },
        onError: toFailed,
      },
    },
    ready: settled,
    failed: settled,
    paused: settled,
    // The Kafka has no finalizer: owner references let the garbage collector remove its parts, and
    // nothing is applied while that happens.
    deleting: settled,
  },
});
