// What the runtime needs to know about one kind of custom resource: where it lives in the API,
// the machine that drives each resource (effects already provided), and the status each settled
// state shows. The runtime is the same for every kind.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { AnyStateMachine } from 'xstate';
import type { ResourceType } from '../api/resources.ts';
import type { Indexer } from './indexed-cache.ts';

export interface ResourceKind<R extends KubernetesObject = KubernetesObject> {
  type: ResourceType;
  machine: AnyStateMachine;
  // The status for a settled state, or undefined when that state changes nothing.
  buildStatus(state: string, context: unknown, resource: R, now: Date): object | undefined;
  // Secondary indexes of the informer's cache, which the kind's effects query.
  indexers?: Record<string, Indexer<KubernetesObject>>;
}
