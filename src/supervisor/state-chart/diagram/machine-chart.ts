// A machine definition read as a chart: its state nodes (nested, by path) and its transitions with
// the labels a reader knows from the machine file (event, guard, onDone/onError of an invoked
// effect). The drawings (SVG, Mermaid) and the view's event names all come from this one reading.
import type { AnyStateMachine, StateValue } from 'xstate';

export type ChartStateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface ChartState {
  // Dotted path from the root: `reconciling`, or `parent.child` in nested machines. Unique.
  path: string;
  key: string;
  // Path of the parent state; '' for the root's children.
  parent: string;
  type: ChartStateType;
  // The state its parent enters first.
  initial: boolean;
  invokes: string[];
  children: string[];
}

export interface ChartTransition {
  source: string;
  // Equal to source for a self-transition and for a transition without a target.
  target: string;
  label: string;
}

export interface MachineChart {
  id: string;
  // Every state node in document order (parents before their children).
  states: ChartState[];
  transitions: ChartTransition[];
  // The readable name of an event this machine receives (`onDone reconcileTopic` for
  // `xstate.done.actor.0.KafkaTopic.reconciling`).
  describeEvent(type: string): string;
}

// The structural slice of xstate's StateNode that a chart reads.
interface StateNodeShape {
  id: string;
  key: string;
  type: ChartStateType;
  path: string[];
  states: Record<string, StateNodeShape>;
  initial?: { target: StateNodeShape[] } | undefined;
  invoke: { id: string; src: unknown }[];
  transitions: Map<string, TransitionShape[]>;
  always?: TransitionShape[] | undefined;
}

interface TransitionShape {
  target?: StateNodeShape[] | undefined;
  guard?: unknown;
}

function guardName(guard: unknown): string | undefined {
  if (guard === undefined) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'guard';
  const type = (guard as { type?: unknown }).type;
  return typeof type === 'string' ? type : 'guard';
}

function invokedName(invoke: { id: string; src: unknown }): string {
  return typeof invoke.src === 'string' ? invoke.src : invoke.id;
}

export function describeMachine(machine: AnyStateMachine): MachineChart {
  const root = machine.root as unknown as StateNodeShape;
  const states: ChartState[] = [];
  const transitions: ChartTransition[] = [];
  // xstate names the events of invoked effects and delays by ids; a reader knows the effect's name.
  const eventNames = new Map<string, string>();
  const stateIds: string[] = [];

  function visit(node: StateNodeShape, parent: string, initialKeys: Set<string>): void {
    const path = node.path.join('.');
    const childInitials = new Set((node.initial?.target ?? []).map((target) => target.key));
    states.push({
      path,
      key: node.key,
      parent,
      type: node.type,
      initial: initialKeys.has(node.key),
      invokes: node.invoke.map(invokedName),
      children: Object.values(node.states).map((child) => child.path.join('.')),
    });
    for (const invoke of node.invoke) {
      eventNames.set(`xstate.done.actor.${invoke.id}`, `onDone ${invokedName(invoke)}`);
      eventNames.set(`xstate.error.actor.${invoke.id}`, `onError ${invokedName(invoke)}`);
    }
    eventNames.set(`xstate.done.state.${node.id}`, 'onDone');
    stateIds.push(node.id);
    // A node's own invokes and delays are known before its transitions are read.
    const add = (type: string, definition: TransitionShape) => {
      const event = describeEvent(type);
      const guard = guardName(definition.guard);
      const targets = definition.target?.length ? definition.target : [node];
      for (const target of targets) {
        transitions.push({
          source: path,
          target: target.path.join('.'),
          label: guard ? `${event} [${guard}]` : event,
        });
      }
    };
    for (const [event, definitions] of node.transitions) {
      for (const definition of definitions) add(event, definition);
    }
    for (const definition of node.always ?? []) add('always', definition);
    for (const child of Object.values(node.states)) visit(child, path, childInitials);
  }

  function describeEvent(type: string): string {
    const known = eventNames.get(type);
    if (known) return known;
    const delayPrefix = 'xstate.after.';
    const owner = type.startsWith(delayPrefix) && stateIds.find((id) => type.endsWith(`.${id}`));
    if (!owner) return type;
    const delay = type.slice(delayPrefix.length, -(owner.length + 1));
    return /^\d+$/.test(delay) ? `after ${delay}ms` : `after ${delay}`;
  }

  const rootInitials = new Set((root.initial?.target ?? []).map((target) => target.key));
  for (const child of Object.values(root.states)) visit(child, '', rootInitials);
  return { id: machine.id, states, transitions, describeEvent };
}

// The paths of every active state node of a snapshot value: `{ a: 'b' }` is `a` and `a.b`.
export function activeStatePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([key, child]) => [
    `${prefix}${key}`,
    ...(child === undefined ? [] : activeStatePaths(child, `${prefix}${key}.`)),
  ]);
}

// The innermost active states, dotted, for a one-line display: `ready`, or `c.r1.x, c.r2.y`.
export function activeLeafPaths(value: StateValue): string[] {
  const paths = activeStatePaths(value);
  return paths.filter((path) => !paths.some((other) => other.startsWith(`${path}.`)));
}
