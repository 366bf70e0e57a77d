// The life of one Kafka cluster (a Kafka and its KafkaNodePools). Each reconcile applies what the
// spec asks (model, certificates, every object but the pods) and plans the pod changes; then scaling
// adds and removes nodes, rolling replaces pods whose spec changed one at a time, each when Kafka can
// lose its node, and observing reads the listeners' addresses once every pod is Ready.
// A step that must wait for the world (a pod to start or go, a restarted node to be back in Kafka)
// ends the reconcile in its own `waiting` substate, with what it waits for; the next reconcile (a
// watch event of the pods, or the requeue) starts again from applying, so no worker is held.
// Effects are named here and provided by src/actors/cluster, so tests can drive this with fakes.
import type { KubernetesObject } from '@kubernetes/client-node';
import { assign, fromPromise, setup } from 'xstate';
import type { Kafka, KafkaStatus } from '../api/kafka.ts';
import { settledTag, type WaitRecord, waitingTag } from '../api/reconcile-outcome.ts';
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
}

export type ClusterStep = 'scaling' | 'rolling' | 'observing';

// What a step waits for. The bound on waiting applies while the subject stays the same.
export interface ClusterWait extends WaitRecord {
  step: ClusterStep;
  subject: string;
  // When the wait for this subject began (epoch ms).
  since: number;
}

export type ListenerStatus = NonNullable<KafkaStatus['listeners']>[number];

export interface ClusterStepInput {
  kafka: Kafka;
  plan: ClusterPlan;
  // What the previous reconcile waited for, if it waited.
  waiting?: ClusterWait;
}

// A step's outcome: done, or what it waits for.
export type StepProgress = ClusterWait | undefined;

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
  // What the cluster waits for, while a step waits (shown in status and the state-chart view).
  waiting?: ClusterWait;
}

export type ClusterEvent = ReconcileEvent<Kafka>;

function isWait(output: unknown): output is ClusterWait {
  return typeof output === 'object' && output !== null && !Array.isArray(output) && 'subject' in output;
}

// By id, so that the waiting substates of the steps start the next reconcile the same way.
const reconcileTransitions = [
  { guard: 'resourceIsBeingDeleted', target: '#Kafka.deleting', actions: 'rememberGeneration' },
  { guard: 'reconciliationIsPaused', target: '#Kafka.paused', actions: 'rememberGeneration' },
  { target: '#Kafka.applying' },
] as const;

// The states a reconcile ends in; each starts the next reconcile the same way.
const settled = settledState(reconcileTransitions);

const toClusterFailed = { ...toFailed, target: '#Kafka.failed' } as const;

function stepInput({ context }: { context: ClusterContext }): ClusterStepInput {
  if (!context.plan || !context.kafka) throw new Error('the cluster machine has no plan to carry out');
  return { kafka: context.kafka, plan: context.plan, waiting: context.waiting };
}

interface StepTransition {
  guard?: 'podsToRoll';
  target: string;
  actions?: {
    type: 'rememberListeners';
    params: (args: { event: { output: unknown } }) => { listeners: ListenerStatus[] };
  };
}

// A step of the plan: its effect runs in `working`; when it waits, the reconcile ends in `waiting`.
function step(effect: 'scaleCluster' | 'rollPods' | 'observeCluster', next: readonly StepTransition[]) {
  return {
    initial: 'working',
    states: {
      working: {
        invoke: {
          src: effect,
          input: stepInput,
          onDone: [
            {
              guard: 'stepWaits',
              target: 'waiting',
              actions: {
                type: 'rememberWait',
                params: ({ event }: { event: { output: unknown } }) => ({
                  wait: event.output as ClusterWait,
                }),
              },
            },
            ...next,
          ],
          onError: toClusterFailed,
        },
      },
      waiting: { tags: [settledTag, waitingTag], on: { RECONCILE: reconcileTransitions } },
    },
  } as const;
}

export const clusterMachine = setup({
  types: {
    context: {} as ClusterContext,
    events: {} as ClusterEvent,
    input: {} as { key: string },
  },
  actors: {
    applyCluster: fromPromise<ClusterPlan, Kafka>(async () => effectNotProvided('cluster', 'applyCluster')),
    scaleCluster: fromPromise<StepProgress, ClusterStepInput>(async () =>
      effectNotProvided('cluster', 'scaleCluster'),
    ),
    rollPods: fromPromise<StepProgress, ClusterStepInput>(async () =>
      effectNotProvided('cluster', 'rollPods'),
    ),
    observeCluster: fromPromise<ListenerStatus[] | ClusterWait, ClusterStepInput>(async () =>
      effectNotProvided('cluster', 'observeCluster'),
    ),
  },
  guards: {
    ...resourceGuards,
    // Scaling adds and removes nodes; a pod a roll deleted is created again by the roll itself.
    nodesToAddOrRemove: ({ context }) =>
      (context.plan?.remove.length ?? 0) > 0 ||
      ((context.plan?.create.length ?? 0) > 0 && context.waiting?.step !== 'rolling'),
    podsToRoll: ({ context }) =>
      (context.plan?.roll.length ?? 0) > 0 ||
      ((context.plan?.create.length ?? 0) > 0 && context.waiting?.step === 'rolling'),
    stepWaits: ({ event }) => isWait((event as unknown as { output: unknown }).output),
  },
  actions: {
    recordFailure: assign(({ context }, params: { error: unknown }) => ({
      ...afterFailure(context, params.error),
      waiting: undefined,
    })),
    rememberWait: assign((_, params: { wait: ClusterWait }) => ({ waiting: params.wait })),
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
      waiting: undefined,
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
    scaling: step('scaleCluster', [
      { guard: 'podsToRoll', target: '#Kafka.rolling' },
      { target: '#Kafka.observing' },
    ]),
    rolling: step('rollPods', [{ target: '#Kafka.observing' }]),
    observing: step('observeCluster', [
      {
        target: '#Kafka.ready',
        actions: {
          type: 'rememberListeners',
          params: ({ event }: { event: { output: unknown } }) => ({
            listeners: event.output as ListenerStatus[],
          }),
        },
      },
    ]),
    ready: settled,
    failed: settled,
    paused: settled,
    // The Kafka has no finalizer: owner references let the garbage collector remove its parts, and
    // nothing is applied while that happens.
    deleting: settled,
  },
});
