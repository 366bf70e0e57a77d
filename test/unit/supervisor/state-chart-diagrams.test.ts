import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type AnyStateMachine, createMachine, StateMachine } from 'xstate';
import { topicMachine } from '../../../src/machines/topic-machine.ts';
import { type Box, layoutChart } from '../../../src/supervisor/state-chart/diagram/layout.ts';
import { describeMachine } from '../../../src/supervisor/state-chart/diagram/machine-chart.ts';
import { renderChartMermaid } from '../../../src/supervisor/state-chart/diagram/mermaid.ts';
import { renderChartSvg } from '../../../src/supervisor/state-chart/diagram/svg.ts';

// Every machine in src/machines: the user and cluster machines join this test when they are written.
const machinesDirectory = join(import.meta.dirname, '../../../src/machines');
const machines: { name: string; machine: AnyStateMachine }[] = [];
for (const file of readdirSync(machinesDirectory).filter((f) => f.endsWith('-machine.ts'))) {
  const module = (await import(join(machinesDirectory, file))) as Record<string, unknown>;
  for (const [name, value] of Object.entries(module)) {
    if (value instanceof StateMachine) machines.push({ name: `${file}: ${name}`, machine: value });
  }
}

interface DefinitionNode {
  key: string;
  states: Record<string, DefinitionNode>;
  transitions: { target?: string[] }[];
  always?: { target?: string[] }[];
}

// Straight from xstate's own definition of the machine, not through the chart code under test.
function definedStates(machine: AnyStateMachine): { path: string; key: string }[] {
  const walk = (node: DefinitionNode, prefix: string): { path: string; key: string }[] =>
    Object.values(node.states).flatMap((child) => {
      const path = prefix === '' ? child.key : `${prefix}.${child.key}`;
      return [{ path, key: child.key }, ...walk(child, path)];
    });
  return walk(machine.definition as unknown as DefinitionNode, '');
}

function definedTransitions(machine: AnyStateMachine): { source: string; target: string }[] {
  const rootId = machine.id;
  const walk = (node: DefinitionNode, path: string): { source: string; target: string }[] => [
    ...[...node.transitions, ...(node.always ?? [])].flatMap((transition) =>
      (transition.target?.length ? transition.target : [`#${rootId}.${path}`]).map((target) => ({
        source: path,
        target: target.slice(`#${rootId}.`.length),
      })),
    ),
    ...Object.values(node.states).flatMap((child) =>
      walk(child, path === '' ? child.key : `${path}.${child.key}`),
    ),
  ];
  // The JSON form names targets as `#<machine id>.<path>`.
  const definition = JSON.parse(JSON.stringify(machine.definition)) as DefinitionNode;
  return Object.values(definition.states).flatMap((child) => walk(child, child.key));
}

const mermaidId = (path: string) => path.replace(/[^A-Za-z0-9_]/g, '_');

function assertDiagramsShowTheWholeMachine(machine: AnyStateMachine): void {
  const chart = describeMachine(machine);
  const states = definedStates(machine);
  const mermaid = renderChartMermaid(chart);
  const svg = renderChartSvg(chart);

  assert.match(mermaid, /^stateDiagram-v2\n/);
  const declared = [...mermaid.matchAll(/^\s*state "([^"]+)" as (\S+)/gm)].map(([, key, id]) => ({
    key,
    id,
  }));
  assert.deepEqual(
    declared.map(({ key, id }) => `${key} as ${id}`).sort(),
    states.map(({ path, key }) => `${key} as ${mermaidId(path)}`).sort(),
    'the Mermaid diagram declares every state of the machine, and nothing else',
  );
  const drawn = [...svg.matchAll(/<g class="state[^"]*" data-state="([^"]+)"/g)].map(([, path]) => path);
  assert.deepEqual(drawn.sort(), states.map(({ path }) => path).sort(), 'the SVG has a box for every state');
  for (const { key } of states) {
    assert.ok(
      svg.includes(`>${key}</text>`) || svg.includes(`>${key} (H)</text>`),
      `the SVG names state ${key}`,
    );
  }
  for (const { source, target } of definedTransitions(machine)) {
    assert.ok(
      svg.includes(`data-source="${source}" data-target="${target}"`),
      `the SVG draws ${source} → ${target}`,
    );
    assert.match(
      mermaid,
      new RegExp(`^\\s*${mermaidId(source)} --> ${mermaidId(target)} : `, 'm'),
      `the Mermaid diagram has ${source} → ${target}`,
    );
  }
}

test('the machines of src/machines are found, the topic machine among them', () => {
  assert.ok(machines.some(({ machine }) => machine === topicMachine));
});

for (const { name, machine } of machines) {
  test(`the Mermaid and SVG diagrams of ${name} contain every state and transition of its definition`, () => {
    assertDiagramsShowTheWholeMachine(machine);
  });
}

// Nested and parallel states, delays, eventless transitions and effects, as bigger machines will have.
const nestedMachine = createMachine({
  id: 'Cluster',
  initial: 'pending',
  states: {
    pending: { on: { RECONCILE: 'rolling' } },
    rolling: {
      initial: 'brokers',
      invoke: { src: 'watchPods' },
      states: {
        brokers: {
          after: { 1000: 'controllers' },
          // Into its own parent: no column routes it, it is drawn directly.
          on: { POD_READY: 'controllers', RESTART: { target: '#Cluster.rolling', reenter: true } },
        },
        controllers: {
          always: [{ guard: 'allReady', target: 'done' }],
          on: { POD_FAILED: '#Cluster.failed' },
        },
        done: { type: 'final' },
      },
      onDone: 'ready',
    },
    ready: {
      type: 'parallel',
      on: { RECONCILE: 'rolling' },
      states: {
        certificates: {
          initial: 'valid',
          states: { valid: { on: { EXPIRING: 'renewing' } }, renewing: { on: { RENEWED: 'valid' } } },
        },
        scaling: {
          initial: 'idle',
          states: { idle: { on: { SCALE: 'moving' } }, moving: { on: { MOVED: 'idle' } } },
        },
      },
    },
    failed: { on: { RECONCILE: 'rolling', RETRY: { target: 'failed', reenter: true } } },
  },
});

test('the diagrams of a machine with nested and parallel states contain every state and transition', () => {
  assertDiagramsShowTheWholeMachine(nestedMachine);
  const mermaid = renderChartMermaid(describeMachine(nestedMachine));
  assert.match(mermaid, /rolling_brokers --> rolling_controllers : after 1000ms/);
  assert.match(mermaid, /rolling_controllers --> rolling_done : always \[allReady\]/);
  assert.match(mermaid, /^\s*--$/m, 'parallel regions are split');
});

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function encloses(outer: Box, inner: Box): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

test('the layout puts children inside their parent, and no two boxes or labels overlap otherwise', () => {
  for (const machine of [topicMachine, nestedMachine]) {
    const layout = layoutChart(describeMachine(machine));
    const boxes = new Map(layout.states.map(({ state, box }) => [state.path, box]));
    for (const { state, box } of layout.states) {
      if (state.parent !== '')
        assert.ok(encloses(boxes.get(state.parent) as Box, box), `${state.path} in parent`);
      for (const other of layout.states) {
        const related =
          other.state.path.startsWith(`${state.path}.`) || state.path.startsWith(`${other.state.path}.`);
        if (other !== layout.states.find((s) => s.state === state) && !related) {
          assert.ok(!overlaps(box, other.box), `${state.path} and ${other.state.path} do not overlap`);
        }
      }
    }
    layout.edges.forEach((edge, index) => {
      for (const other of layout.edges.slice(index + 1)) {
        assert.ok(
          !overlaps(edge.labelBox, other.labelBox),
          `labels ${edge.labels} and ${other.labels} apart`,
        );
      }
      for (const { state, box } of layout.states) {
        if (state.children.length === 0)
          assert.ok(!overlaps(edge.labelBox, box), `${edge.labels} off ${state.path}`);
      }
    });
    for (const { box } of layout.states) {
      assert.ok(
        box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width && box.y + box.height <= layout.height,
      );
    }
  }
});

test('events of invoked effects are named by the effect, as the machine file names them', () => {
  const chart = describeMachine(topicMachine);
  assert.equal(chart.describeEvent('xstate.done.actor.0.KafkaTopic.reconciling'), 'onDone reconcileTopic');
  assert.equal(chart.describeEvent('xstate.error.actor.0.KafkaTopic.reconciling'), 'onError reconcileTopic');
  assert.equal(chart.describeEvent('RECONCILE'), 'RECONCILE');
  assert.ok(
    chart.transitions.some((t) => t.source === 'pending' && t.label === 'RECONCILE [resourceIsBeingDeleted]'),
  );
});

test('the SVG highlights exactly the active states it is given', () => {
  const svg = renderChartSvg(describeMachine(topicMachine), { active: ['ready'] });
  const active = [...svg.matchAll(/<g class="state[^"]*\bactive\b[^"]*" data-state="([^"]+)"/g)].map(
    ([, p]) => p,
  );
  assert.deepEqual(active, ['ready']);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<style>/, 'a standalone SVG brings its styles');
  assert.doesNotMatch(renderChartSvg(describeMachine(topicMachine), { embedStyle: false }), /<style>/);
});
