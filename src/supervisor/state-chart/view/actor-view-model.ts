// What the view shows of one live actor, as JSON: a summary for the list and, for one actor's page,
// its recent transitions and sanitised context. Event names are read through the machine's chart.
import type { StateValue } from 'xstate';
import { type ActorEntry, actorStateOf } from '../../actor-registry.ts';
import { activeLeafPaths, activeStatePaths, type MachineChart } from '../diagram/machine-chart.ts';
import { type ShownContext, type ShownFailure, sanitiseContext } from './context-sanitiser.ts';

export interface ActorSummary {
  // `<kind>/<namespace>/<name>`: the actor's address in the view and its API.
  id: string;
  kind: string;
  namespace: string;
  name: string;
  // The innermost active states, dotted (`ready`, or `a.b, c.d` in a parallel machine).
  state: string;
  activeStates: string[];
  stateSince: string;
  lastEvent: string | undefined;
  lastError: ShownFailure | undefined;
  // Failed reconciles in a row (the machine's consecutiveFailures) and crashes of the actor.
  retries: number;
  crashes: number;
}

export interface ShownTransition {
  at: string;
  from: string;
  to: string;
  event: string;
}

export interface ActorDetail extends ActorSummary {
  uid: string | undefined;
  context: ShownContext;
  transitions: ShownTransition[];
}

// The registry names nested states by their JSON value; the view by dotted paths.
function displayState(state: string): string {
  if (!state.startsWith('{')) return state;
  try {
    return activeLeafPaths(JSON.parse(state) as StateValue).join(', ');
  } catch {
    return state;
  }
}

export function summariseActor(entry: ActorEntry, chart: MachineChart): ActorSummary {
  const snapshot = actorStateOf(entry);
  const context = sanitiseContext(snapshot.context);
  const at = entry.key.indexOf('/');
  const failures = context.consecutiveFailures;
  return {
    id: `${entry.kind}/${entry.key}`,
    kind: entry.kind,
    namespace: entry.key.slice(0, at),
    name: entry.key.slice(at + 1),
    state: activeLeafPaths(snapshot.value).join(', '),
    activeStates: activeStatePaths(snapshot.value),
    stateSince: new Date(entry.stateSinceMs).toISOString(),
    lastEvent: entry.lastEvent === undefined ? undefined : chart.describeEvent(entry.lastEvent),
    lastError: typeof context.lastError === 'object' ? context.lastError : undefined,
    retries: typeof failures === 'number' ? failures : 0,
    crashes: entry.crashes,
  };
}

export function describeActor(entry: ActorEntry, chart: MachineChart): ActorDetail {
  return {
    ...summariseActor(entry, chart),
    uid: entry.uid,
    context: sanitiseContext(actorStateOf(entry).context),
    transitions: entry.transitions.map((transition) => ({
      at: new Date(transition.atMs).toISOString(),
      from: displayState(transition.from),
      to: displayState(transition.to),
      event: transition.event === '' ? '' : chart.describeEvent(transition.event),
    })),
  };
}
