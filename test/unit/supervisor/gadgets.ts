// A kind for the runtime's unit tests: a Gadget's machine does what its spec says (succeed, fail, or run
// until aborted), and writers record the statuses and Events the runtime gives them.
import type { KubernetesObject } from '@kubernetes/client-node';
import { assign, fromPromise, setup } from 'xstate';
import { type Condition, formatTransitionTime } from '../../../src/api/conditions.ts';
import { type FailureRecord, settledTag } from '../../../src/api/reconcile-outcome.ts';
import type { EventSink, ResourceKind, StatusWriter } from '../../../src/supervisor/contract.ts';

// What the gadget's one effect does: succeed, fail in a way a retry may cure or not, or run until aborted.
export type Outcome = 'succeed' | 'fail-retryable' | 'fail-refused' | 'run-until-aborted';

export interface Gadget extends KubernetesObject {
  spec: { outcome: Outcome };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

const failures: Record<string, FailureRecord> = {
  'fail-retryable': { reason: 'KafkaUnavailable', message: 'no broker answered', retryable: true },
  'fail-refused': { reason: 'InvalidResource', message: 'the spec names no topic', retryable: false },
};

const gadgetMachine = setup({
  types: {
    context: {} as { key: string; lastError?: FailureRecord },
    events: {} as { type: 'RECONCILE'; resource: Gadget },
    input: {} as { key: string },
  },
  actors: {
    work: fromPromise<void, Gadget>(({ input, signal }) => {
      const outcome = input.spec.outcome;
      if (outcome === 'succeed') return Promise.resolve();
      if (outcome === 'run-until-aborted') {
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      }
      return Promise.reject(failures[outcome]);
    }),
  },
}).createMachine({
  context: ({ input }) => ({ key: input.key }),
  initial: 'pending',
  states: {
    pending: { on: { RECONCILE: 'working' } },
    working: {
      invoke: {
        src: 'work',
        input: ({ event }) => event.resource,
        onDone: { target: 'ready', actions: assign({ lastError: undefined }) },
        onError: {
          target: 'failed',
          actions: assign({ lastError: ({ event }) => event.error as FailureRecord }),
        },
      },
    },
    ready: { tags: [settledTag], on: { RECONCILE: 'working' } },
    failed: { tags: [settledTag], on: { RECONCILE: 'working' } },
  },
});

export function gadgetStatus(
  state: string,
  lastError: FailureRecord | undefined,
  resource: Gadget,
  now: Date,
) {
  const ready = state === 'ready';
  return {
    observedGeneration: resource.metadata?.generation,
    conditions: [
      {
        type: ready ? 'Ready' : 'NotReady',
        status: 'True' as const,
        ...(ready ? {} : { reason: lastError?.reason }),
        lastTransitionTime: formatTransitionTime(now),
      },
    ],
  };
}

export function gadget(name: string, outcome: Outcome, status?: Gadget['status']): Gadget {
  return {
    apiVersion: 'test.kafka-actor-operator.io/v1',
    kind: 'Gadget',
    metadata: { name, namespace: 'n', uid: `uid-${name}`, generation: 1 },
    spec: { outcome },
    ...(status ? { status } : {}),
  };
}

export const gadgetType = {
  group: 'test.kafka-actor-operator.io',
  version: 'v1',
  plural: 'gadgets',
  kind: 'Gadget',
};

// onBuildStatus runs as the status is built: after the actor settled, before anything is written.
export function gadgetKind(onBuildStatus?: () => void): ResourceKind<Gadget> {
  return {
    type: gadgetType,
    machine: gadgetMachine,
    buildStatus: (state, context, resource, now) => {
      onBuildStatus?.();
      if (state !== 'ready' && state !== 'failed') return undefined;
      return gadgetStatus(state, (context as { lastError?: FailureRecord }).lastError, resource, now);
    },
  };
}

export interface WriterFaults {
  // Resolving 'gone' answers as the apiserver does for a resource deleted meanwhile.
  patchStatus?: () => Promise<'gone' | undefined>;
  recordEvent?: () => Promise<void>;
}

// The runtime's status and Event writers, recording what they are given. `written` shows a written
// status to the cache, as the apiserver's watch would.
export function recordingWriters(
  written: (ref: { namespace: string; name: string }, status: object) => void,
  faults: WriterFaults = {},
) {
  const statusWrites: { name: string; status: object }[] = [];
  const recordedEvents: { name: string; type: string; reason: string }[] = [];
  const resources: StatusWriter = {
    async patchStatus(_type, ref, status) {
      if ((await faults.patchStatus?.()) === 'gone') return 'gone';
      statusWrites.push({ name: ref.name, status });
      written(ref, status);
      return 'written';
    },
  };
  const events: EventSink = {
    async record(resource, event) {
      await faults.recordEvent?.();
      recordedEvents.push({ name: resource.metadata?.name ?? '', type: event.type, reason: event.reason });
    },
  };
  return { resources, events, statusWrites, recordedEvents };
}
