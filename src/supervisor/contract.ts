// The runtime's whole contract with the kinds it runs: the caches a kind's effects read, what it needs
// to know about one kind of custom resource (where it lives in the API, the machine that drives each
// resource with its effects already provided, the status each settled state shows, which related
// objects reconcile it), the reconcile decision it applies to updates, and where it writes status and
// Events. The runtime is the same for every kind.
// A kind's machine ends each reconcile in a state tagged settledTag (src/api/reconcile-outcome.ts),
// named `failed` when it failed, with the failure in context.lastError.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { AnyStateMachine } from 'xstate';
import type { ResourceType } from '../api/resources.ts';

export type { ResourceInformer } from './informer.ts';
export type { ResourceCaches, WatchOptions } from './resource-caches.ts';

// Another kind of object whose changes reconcile resources of this kind: a Kafka's node pools, and
// the pods of its nodes. Watched by a cache of its own, which the kind's effects may query.
export interface RelatedKind {
  // Its cache (ResourceCaches.watch) says what is watched: group '' is the core API group (pods).
  type: ResourceType;
  // The keys (namespace/name) of the resources to reconcile when this object changes.
  ownerKeys(object: KubernetesObject): string[];
  // Whether a new object reconciles its owners (default true). The Secrets a user's reconcile
  // writes need not reconcile it again.
  reconcileOnAdd?: boolean;
  // Whether an update needs its owners reconciled; by default, as for the kind's own resources.
  needsReconcile?(updated: KubernetesObject, old: KubernetesObject): boolean;
}

// Resources of other kinds that fail while they wait for a resource of this kind (topics and users for
// their Kafka). When an update of it releases them, the failed ones are reconciled at once instead of at
// the end of their back-off.
export interface Waiters<R extends KubernetesObject = KubernetesObject> {
  kinds: string[];
  released(updated: R, old: R): boolean;
  waitsFor(candidate: KubernetesObject, resource: R): boolean;
}

export interface ResourceKind<R extends KubernetesObject = KubernetesObject> {
  type: ResourceType;
  machine: AnyStateMachine;
  // The status for a settled state, or undefined when that state changes nothing.
  buildStatus(state: string, context: unknown, resource: R, now: Date): object | undefined;
  related?: RelatedKind[];
  waiters?: Waiters<R>;
  // The resources of this kind that claim what this one holds in Kafka (the same topic, the same
  // principal): when it is deleted or released they are reconciled at once, so that the next in line
  // takes over without waiting for a resync.
  claimants?(resource: R): readonly KubernetesObject[];
}

// An update that changes only status or bookkeeping — the operator's own status and finalizer
// writes among them — needs no reconcile; the periodic resync still covers everything (a
// finalizer someone removed comes back then).
export function needsReconcile(updated: KubernetesObject, old: KubernetesObject): boolean {
  const a = updated.metadata;
  const b = old.metadata;
  return (
    a?.generation !== b?.generation ||
    a?.deletionTimestamp !== b?.deletionTimestamp ||
    JSON.stringify(a?.labels ?? {}) !== JSON.stringify(b?.labels ?? {}) ||
    JSON.stringify(a?.annotations ?? {}) !== JSON.stringify(b?.annotations ?? {})
  );
}

// Where the runtime writes the status of a reconciled resource: 'gone' when the resource was deleted
// meanwhile, which is no failure of the reconcile.
export interface StatusWriter {
  patchStatus(
    type: ResourceType,
    ref: { namespace: string; name: string },
    status: object,
  ): Promise<'written' | 'gone'>;
}

// Where the runtime records the Event of a resource whose observed state changed.
export interface EventSink {
  record(
    resource: KubernetesObject,
    event: { type: 'Normal' | 'Warning'; reason: string; message: string },
  ): Promise<void>;
}
