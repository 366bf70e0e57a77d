// One reconcile of one resource, as the queue hands it over: read the resource as it is now,
// let its actor run to a settled state, then write the status (only if it changed), record an
// Event when the state changed, and count it. Its outcome says whether to retry; the caller decides when.
import { randomUUID } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { waitFor } from 'xstate';
import { sameConditions, statusEquivalent } from '../api/conditions.ts';
import {
  type FailureRecord,
  settledTag,
  topLevelState,
  type WaitRecord,
  waitingTag,
} from '../api/reconcile-outcome.ts';
import type { ActorRegistry } from './actor-registry.ts';
import type { EventSink, ResourceKind, StatusWriter } from './contract.ts';
import type { OperatorMetrics } from './metrics.ts';
import type { ReconcileRequest } from './reconcile-queue.ts';

export interface ReconcilerOptions {
  kinds: Map<string, ResourceKind>;
  registry: ActorRegistry;
  // The resource as the informer's cache has it now; undefined once it is gone.
  currentResource: (kind: string, key: string) => KubernetesObject | undefined;
  resources: StatusWriter;
  events: EventSink;
  metrics: OperatorMetrics;
  logger: Logger;
}

export interface ReconcileOutcome {
  /** The generation reconciled; undefined when the resource is gone. */
  generation: number | undefined;
  /**
   * 'settled' (a state other than failed), 'failed' (waits for a change), 'retry' (back off, then again),
   * or 'wait' (waits for the world: again after retryAfterMs, or at the resource's next watch event).
   */
  result: 'settled' | 'failed' | 'retry' | 'wait';
  retryAfterMs?: number;
}

function splitKey(key: string): { namespace: string; name: string } {
  const at = key.indexOf('/');
  return { namespace: key.slice(0, at), name: key.slice(at + 1) };
}

export function createReconciler(options: ReconcilerOptions) {
  const { kinds, registry, metrics } = options;

  async function recordStateChange(
    resource: KubernetesObject,
    state: string,
    lastError: FailureRecord | undefined,
    waiting: WaitRecord | undefined,
    log: Logger,
  ): Promise<void> {
    const failed = state === 'failed';
    const event = failed
      ? {
          type: 'Warning' as const,
          reason: lastError?.reason ?? 'Failed',
          message: lastError?.message ?? 'reconcile failed',
        }
      : waiting
        ? { type: 'Normal' as const, reason: waiting.reason, message: waiting.message }
        : {
            type: 'Normal' as const,
            reason: `State${state[0]?.toUpperCase()}${state.slice(1)}`,
            message: `${resource.kind} is ${state}`,
          };
    await options.events
      .record(resource, event)
      .catch((error: unknown) => log.warn({ err: error }, 'could not record a Kubernetes Event'));
  }

  return async function reconcile(request: ReconcileRequest, signal: AbortSignal): Promise<ReconcileOutcome> {
    const { kind, key } = request;
    const definition = kinds.get(kind);
    if (!definition) throw new Error(`reconcile requested for unknown kind ${kind}`);
    const resource = options.currentResource(kind, key);
    if (!resource) {
      // Gone from the cache: deleted (and finalised). Its actor goes too.
      registry.remove(kind, key);
      return { generation: undefined, result: 'settled' };
    }
    const { namespace, name } = splitKey(key);
    const log = options.logger.child({ kind, namespace, name, reconciliation: randomUUID().slice(0, 8) });
    const entry = registry.ensure(kind, resource);
    const previousState = topLevelState(entry.actor.getSnapshot().value);
    const inProgress = { kind, namespace, name };
    metrics.reconcileStarted.set(inProgress, Date.now() / 1000);
    const stopTimer = metrics.reconcileDuration.startTimer({ kind });
    let outcome = 'error';
    log.debug({ state: previousState, generation: resource.metadata?.generation }, 'reconcile started');
    try {
      entry.actor.send({ type: 'RECONCILE', resource });
      const settled = await waitFor(entry.actor, (s) => s.hasTag(settledTag) || s.status !== 'active', {
        timeout: Number.POSITIVE_INFINITY,
        signal,
      }).catch((error: unknown) => {
        // Aborted (leadership lost, shutdown): stop the effect the actor runs; Kubernetes keeps the truth.
        if (signal.aborted) registry.reset(kind, key);
        throw error;
      });
      const state = topLevelState(settled.value);
      outcome = state;
      const { lastError, waiting: waitingFor } = settled.context as {
        lastError?: FailureRecord;
        waiting?: WaitRecord;
      };
      const waiting = settled.hasTag(waitingTag) ? waitingFor : undefined;
      const status = definition.buildStatus(state, settled.context, resource, new Date());
      const writeStatus = async () => {
        if (status && !statusEquivalent(status, (resource as { status?: unknown }).status)) {
          const written = await options.resources.patchStatus(definition.type, { namespace, name }, status);
          if (written === 'gone') log.debug('deleted while it reconciled: no status to write');
          else metrics.statusWrites.inc({ kind });
        }
      };
      if (state !== previousState) log.info({ from: previousState, to: state }, 'state changed');
      // An Event says what changed for the resource, not for its actor: a fresh actor (after a restart or
      // a change of leader) that finds the resource as its status already says records none.
      const observedChange =
        status !== undefined && !sameConditions(status, (resource as { status?: unknown }).status);
      // Fenced: once this replica stops leading, no status or Event of its reconciles is written.
      signal.throwIfAborted();
      // The status and the Event are independent writes: one round trip instead of two.
      await Promise.all([
        writeStatus(),
        observedChange ? recordStateChange(resource, state, lastError, waiting, log) : undefined,
      ]);
      metrics.reconciles.inc({ kind, result: state });
      const generation = resource.metadata?.generation;
      if (waiting) return { generation, result: 'wait', retryAfterMs: waiting.retryAfterMs };
      if (state !== 'failed') return { generation, result: 'settled' };
      log.warn({ reason: lastError?.reason, message: lastError?.message }, 'reconcile failed');
      return { generation, result: lastError?.retryable ? 'retry' : 'failed' };
    } finally {
      metrics.reconcileStarted.remove(inProgress);
      registry.rest(kind, key);
      log.debug({ state: outcome, durationMs: Math.round(stopTimer() * 1000) }, 'reconcile finished');
    }
  };
}
