// A layered layout of a machine chart, left to right, nested states inside their parents (the
// Sugiyama scheme, as Graphviz draws state machines). At each level of nesting the states go in
// columns by distance from the initial state; every transition gets a label node in the column next
// to its source and a bend node in each column it passes, so labels stack instead of colliding;
// columns are ordered by barycenters and nodes pulled level with their neighbours.
// Its own rather than elkjs' or dagre's: on this project's machines both drew larger charts with labels
// away from their curves, dagre cannot end a transition at a parent state, and elkjs is asynchronous,
// 8 MB and tens of times slower.
import type { ChartState, MachineChart } from './machine-chart.ts';

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

export interface PlacedState {
  state: ChartState;
  box: Box;
}

export interface PlacedEdge {
  source: string;
  target: string;
  labels: string[];
  // A smooth path: a cubic Bézier curve from each point to the next.
  curves: { from: Point; control1: Point; control2: Point; to: Point }[];
  labelBox: Box;
}

export interface InitialMarker {
  dot: Point;
  arrowTo: Point;
}

export interface ChartLayout {
  width: number;
  height: number;
  states: PlacedState[];
  edges: PlacedEdge[];
  initialMarkers: InitialMarker[];
}

// Text metrics of the monospace font the SVG uses (0.6 em per character).
export const stateFontSize = 13;
export const detailFontSize = 11;
export const labelLineHeight = 14;
const stateCharWidth = stateFontSize * 0.6;
const detailCharWidth = detailFontSize * 0.6;

const atomicHeight = 36;
export const invokeLineHeight = 15;
export const containerHeader = 26;
const containerPadding = 16;
// Room left of a level for the initial-state dot and its arrow.
const initialMarkerRoom = 30;
const selfLoopReach = 28;
const columnGap = 28;
const rowGaps = { state: 22, label: 6, bend: 4 };
const margin = 16;

interface Size {
  width: number;
  height: number;
}

interface EdgeGroup {
  source: string;
  target: string;
  labels: string[];
}

interface LevelNode extends Size {
  id: string;
  kind: 'state' | 'label' | 'bend';
  column: number;
  // Top left, relative to the level.
  x: number;
  y: number;
}

interface Chain {
  group: EdgeGroup;
  // Node ids from the source's state (or its ancestor at this level) to the target's.
  nodes: string[];
  label: string;
}

interface Level extends Size {
  nodes: Map<string, LevelNode>;
  chains: Chain[];
}

export function textWidth(text: string, charWidth = detailCharWidth): number {
  return text.length * charWidth;
}

// A parent's name and the effects it invokes, above its children.
function headerHeight(state: ChartState): number {
  return containerHeader + state.invokes.length * invokeLineHeight;
}

function labelSize(labels: string[]): Size {
  return {
    width: Math.max(...labels.map((label) => textWidth(label))) + 8,
    height: labels.length * labelLineHeight + 4,
  };
}

// The child of `container` that holds `path` (or is it).
function childWithin(container: string, path: string): string {
  const rest = container === '' ? path : path.slice(container.length + 1);
  const next = rest.split('.')[0] as string;
  return container === '' ? next : `${container}.${next}`;
}

// The deepest state holding both ends; undefined when one end holds the other (drawn directly).
function commonContainer(source: string, target: string): string | undefined {
  const a = source.split('.');
  const b = target.split('.');
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  if (shared === a.length || shared === b.length) return undefined;
  return a.slice(0, shared).join('.');
}

function groupTransitions(chart: MachineChart): EdgeGroup[] {
  const groups = new Map<string, EdgeGroup>();
  for (const { source, target, label } of chart.transitions) {
    const id = `${source}\u0000${target}`;
    const group = groups.get(id) ?? { source, target, labels: [] };
    if (!group.labels.includes(label)) group.labels.push(label);
    groups.set(id, group);
  }
  return [...groups.values()];
}

export function layoutChart(chart: MachineChart): ChartLayout {
  const byPath = new Map(chart.states.map((state) => [state.path, state]));
  const groups = groupTransitions(chart);
  const selfLoops = new Map(groups.filter((g) => g.source === g.target).map((g) => [g.source, g]));
  const routed = new Set<EdgeGroup>();
  const sizes = new Map<string, Size>();
  const levels = new Map<string, Level>();

  // Sizes bottom-up: a parent's box holds the layout of its children.
  function boxSize(state: ChartState): Size {
    if (state.children.length === 0) {
      const invokeWidths = state.invokes.map((src) => textWidth(`invoke ${src}`) + 20);
      return {
        width: Math.max(88, textWidth(state.key, stateCharWidth) + 28, ...invokeWidths),
        height: atomicHeight + state.invokes.length * invokeLineHeight,
      };
    }
    const level = layoutLevel(state);
    return {
      width: Math.max(
        level.width + initialMarkerRoom + 2 * containerPadding,
        textWidth(state.key, stateCharWidth) + 2 * containerPadding,
        ...state.invokes.map((src) => textWidth(`invoke ${src}`) + 2 * containerPadding),
      ),
      height: level.height + headerHeight(state) + containerPadding,
    };
  }

  function layoutLevel(container: ChartState | undefined): Level {
    const containerPath = container?.path ?? '';
    const children = container
      ? container.children.map((path) => byPath.get(path) as ChartState)
      : chart.states.filter((state) => state.parent === '');
    const ownGroups = groups.filter(
      (group) =>
        group.source !== group.target && commonContainer(group.source, group.target) === containerPath,
    );
    const columnOf = rankColumns(children, ownGroups, containerPath, container?.type === 'parallel');

    const nodes = new Map<string, LevelNode>();
    const addNode = (node: Omit<LevelNode, 'x' | 'y'>) => nodes.set(node.id, { ...node, x: 0, y: 0 });
    for (const child of children) {
      const own = boxSize(child);
      sizes.set(child.path, own);
      const loop = selfLoops.get(child.path);
      // A self-loop hangs under its state, its label below it; the slot keeps room for both.
      const loopLabel = loop ? labelSize(loop.labels) : { width: 0, height: -selfLoopReach };
      addNode({
        id: child.path,
        kind: 'state',
        column: columnOf.get(child.path) as number,
        width: Math.max(own.width, loopLabel.width),
        height: own.height + selfLoopReach + loopLabel.height,
      });
    }
    const chains: Chain[] = [];
    for (const group of ownGroups) {
      const from = childWithin(containerPath, group.source);
      const to = childWithin(containerPath, group.target);
      const start = columnOf.get(from) as number;
      const end = columnOf.get(to) as number;
      // Same column: no room for a label node between them; drawn directly.
      if (start === end) continue;
      routed.add(group);
      const step = start < end ? 1 : -1;
      const index = chains.length;
      const chain: Chain = { group, nodes: [from], label: `label:${index}` };
      for (let column = start + step; column !== end; column += step) {
        const id = column === start + step ? chain.label : `bend:${index}:${column}`;
        const size = id === chain.label ? labelSize(group.labels) : { width: 2, height: 2 };
        addNode({ id, kind: id === chain.label ? 'label' : 'bend', column, ...size });
        chain.nodes.push(id);
      }
      chain.nodes.push(to);
      chains.push(chain);
    }

    const columns = orderColumns(nodes, chains);
    placeColumns(columns, nodes, chains);
    const allNodes = [...nodes.values()];
    const level: Level = {
      width: Math.max(0, ...allNodes.map((node) => node.x + node.width)),
      height: Math.max(0, ...allNodes.map((node) => node.y + node.height)),
      nodes,
      chains,
    };
    levels.set(containerPath, level);
    return level;
  }

  const root = layoutLevel(undefined);

  // Positions top-down: a level's nodes are offsets from its container's content origin.
  const placed: PlacedState[] = [];
  const boxes = new Map<string, Box>();
  const waypoints = new Map<string, Box>();
  function place(containerPath: string, origin: Point): void {
    const level = levels.get(containerPath) as Level;
    for (const node of level.nodes.values()) {
      if (node.kind !== 'state') {
        waypoints.set(`${containerPath}\u0000${node.id}`, {
          ...node,
          x: origin.x + node.x,
          y: origin.y + node.y,
        });
        continue;
      }
      const own = sizes.get(node.id) as Size;
      const box = { x: origin.x + node.x + (node.width - own.width) / 2, y: origin.y + node.y, ...own };
      boxes.set(node.id, box);
      placed.push({ state: byPath.get(node.id) as ChartState, box });
      if (levels.has(node.id)) {
        const state = byPath.get(node.id) as ChartState;
        place(node.id, { x: box.x + containerPadding + initialMarkerRoom, y: box.y + headerHeight(state) });
      }
    }
  }
  place('', { x: initialMarkerRoom, y: 0 });
  placed.sort((a, b) => a.state.path.split('.').length - b.state.path.split('.').length);

  const edges = [
    ...drawChains(levels, boxes, waypoints),
    ...[...selfLoops.values()].map((group) => drawSelfLoop(group, boxes.get(group.source) as Box)),
  ];
  const taken = [
    ...edges.map((edge) => edge.labelBox),
    ...placed.filter(({ state }) => state.children.length === 0).map(({ box }) => box),
  ];
  for (const group of groups) {
    if (group.source === group.target || routed.has(group)) continue;
    const edge = drawDirect(group, boxes, taken);
    taken.push(edge.labelBox);
    edges.push(edge);
  }
  const initialMarkers = placed
    .filter(({ state }) => state.initial)
    .map(({ box }) => ({
      dot: { x: box.x - initialMarkerRoom + 6, y: box.y + box.height / 2 },
      arrowTo: { x: box.x, y: box.y + box.height / 2 },
    }));
  return fitToCanvas({ width: root.width, height: root.height, states: placed, edges, initialMarkers });
}

// Columns by distance from the initial state (parallel regions all start at 0), then stretched so
// a transition between states at the same distance also goes one column on: the longest path over
// the transitions that do not lead back (cycles broken in document order).
function rankColumns(
  children: ChartState[],
  groups: EdgeGroup[],
  containerPath: string,
  parallel: boolean,
): Map<string, number> {
  const paths = children.map((child) => child.path);
  const links = groups
    .map(
      (group) =>
        [childWithin(containerPath, group.source), childWithin(containerPath, group.target)] as const,
    )
    .filter(([from, to]) => from !== to);
  const seeds = parallel ? paths : children.filter((child) => child.initial).map((child) => child.path);
  const distance = new Map<string, number>();
  let queue = seeds.length > 0 ? seeds : paths.slice(0, 1);
  for (;;) {
    for (const seed of queue) if (!distance.has(seed)) distance.set(seed, 0);
    while (queue.length > 0) {
      const next: string[] = [];
      for (const path of queue) {
        for (const [from, to] of links) {
          if (from !== path || distance.has(to)) continue;
          distance.set(to, (distance.get(path) as number) + 1);
          next.push(to);
        }
      }
      queue = next;
    }
    // States no transition reaches start after everything placed so far.
    const unreached = paths.find((path) => !distance.has(path));
    if (!unreached) break;
    distance.set(unreached, Math.max(...distance.values()) + 1);
    queue = [unreached];
  }
  const onwards = new Map(paths.map((path) => [path, [] as string[]]));
  for (const [from, to] of links) {
    if ((distance.get(to) as number) >= (distance.get(from) as number)) onwards.get(from)?.push(to);
  }
  // Depth-first in document order; a link back into the current path would close a cycle: dropped.
  const visiting = new Set<string>();
  const finished: string[] = [];
  const visit = (path: string) => {
    if (visiting.has(path) || finished.includes(path)) return;
    visiting.add(path);
    const kept = (onwards.get(path) ?? []).filter((to) => !visiting.has(to));
    onwards.set(path, kept);
    for (const to of kept) visit(to);
    visiting.delete(path);
    finished.push(path);
  };
  for (const path of [...paths].sort((a, b) => (distance.get(a) as number) - (distance.get(b) as number))) {
    visit(path);
  }
  const rank = new Map(paths.map((path) => [path, 0]));
  for (const path of finished.reverse()) {
    for (const to of onwards.get(path) ?? []) {
      rank.set(to, Math.max(rank.get(to) as number, (rank.get(path) as number) + 1));
    }
  }
  // Even columns hold states; the odd ones between them hold labels and bends.
  return new Map(paths.map((path) => [path, 2 * (rank.get(path) as number)]));
}

function neighboursOf(chains: Chain[]): Map<string, string[]> {
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string) => neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
  for (const { nodes } of chains) {
    for (let i = 1; i < nodes.length; i++) {
      link(nodes[i - 1] as string, nodes[i] as string);
      link(nodes[i] as string, nodes[i - 1] as string);
    }
  }
  return neighbours;
}

// Orders each column by the mean position of its neighbours in the column before (sweeping right)
// or after (sweeping left): the classic crossing reduction.
function orderColumns(nodes: Map<string, LevelNode>, chains: Chain[]): string[][] {
  const count = Math.max(0, ...[...nodes.values()].map((node) => node.column)) + 1;
  const columns: string[][] = Array.from({ length: count }, () => []);
  for (const node of nodes.values()) columns[node.column]?.push(node.id);
  const neighbours = neighboursOf(chains);
  for (let sweep = 0; sweep < 6; sweep++) {
    const rightwards = sweep % 2 === 0;
    const position = new Map(columns.flatMap((column) => column.map((id, index) => [id, index] as const)));
    const order = columns.map((_, index) => (rightwards ? index : count - 1 - index));
    for (const index of order) {
      const reference = index + (rightwards ? -1 : 1);
      const column = columns[index] as string[];
      const barycenter = new Map(
        column.map((id) => {
          const linked = (neighbours.get(id) ?? []).filter((other) => nodes.get(other)?.column === reference);
          const value =
            linked.length === 0
              ? (position.get(id) as number)
              : linked.reduce((sum, other) => sum + (position.get(other) as number), 0) / linked.length;
          return [id, value] as const;
        }),
      );
      column.sort((a, b) => (barycenter.get(a) as number) - (barycenter.get(b) as number));
      column.forEach((id, at) => {
        position.set(id, at);
      });
    }
  }
  return columns.filter((column) => column.length > 0);
}

// x by column; y pulled towards the neighbours' centers while keeping each column's order and gaps.
function placeColumns(columns: string[][], nodes: Map<string, LevelNode>, chains: Chain[]): void {
  let x = 0;
  for (const column of columns) {
    const width = Math.max(...column.map((id) => (nodes.get(id) as LevelNode).width));
    for (const id of column) {
      const node = nodes.get(id) as LevelNode;
      node.x = x + (width - node.width) / 2;
    }
    x += width + columnGap;
  }
  const gapAfter = (node: LevelNode) => rowGaps[node.kind];
  for (const column of columns) {
    let y = 0;
    for (const id of column) {
      const node = nodes.get(id) as LevelNode;
      node.y = y;
      y += node.height + gapAfter(node);
    }
  }
  const neighbours = neighboursOf(chains);
  const centerOf = (node: LevelNode) => node.y + node.height / 2;
  for (let round = 0; round < 12; round++) {
    const order = round % 2 === 0 ? columns : [...columns].reverse();
    for (const column of order) {
      const members = column.map((id) => nodes.get(id) as LevelNode);
      const desired = members.map((node) => {
        const linked = (neighbours.get(node.id) ?? []).map((id) => nodes.get(id) as LevelNode);
        if (linked.length === 0) return node.y;
        return linked.reduce((sum, other) => sum + centerOf(other), 0) / linked.length - node.height / 2;
      });
      // Closest tops to the desired ones that keep the gaps: the mean of a downward and an upward pass.
      const down = [...desired];
      for (let i = 1; i < down.length; i++) {
        const above = members[i - 1] as LevelNode;
        down[i] = Math.max(down[i] as number, (down[i - 1] as number) + above.height + gapAfter(above));
      }
      const up = [...desired];
      for (let i = up.length - 2; i >= 0; i--) {
        const node = members[i] as LevelNode;
        up[i] = Math.min(up[i] as number, (up[i + 1] as number) - node.height - gapAfter(node));
      }
      members.forEach((node, i) => {
        node.y = ((down[i] as number) + (up[i] as number)) / 2;
      });
    }
  }
  const top = Math.min(...[...nodes.values()].map((node) => node.y));
  for (const node of nodes.values()) node.y -= top;
}

function center(box: Box): Point {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

// A smooth path through the points, leaving and entering each one horizontally.
function smoothCurves(points: Point[]): PlacedEdge['curves'] {
  return points.slice(1).map((to, index) => {
    const from = points[index] as Point;
    const half = (to.x - from.x) / 2;
    return { from, control1: { x: from.x + half, y: from.y }, control2: { x: to.x - half, y: to.y }, to };
  });
}

// Each chain becomes a path: out of the side of the source box that faces the next node, through
// its label and bends, into the facing side of the target box. Ends sharing a side are spread.
function drawChains(
  levels: Map<string, Level>,
  boxes: Map<string, Box>,
  waypoints: Map<string, Box>,
): PlacedEdge[] {
  const paths: { chain: Chain; points: Point[]; labelBox: Box }[] = [];
  const ends = new Map<string, { point: Point; toward: number }[]>();
  for (const [containerPath, level] of levels) {
    for (const chain of level.chains) {
      const inner = chain.nodes.slice(1, -1).map((id) => waypoints.get(`${containerPath}\u0000${id}`) as Box);
      const labelBox = inner[0] as Box;
      const sourceBox = boxes.get(chain.group.source) as Box;
      const targetBox = boxes.get(chain.group.target) as Box;
      const rightwards = labelBox.x > sourceBox.x;
      // The path runs through the label from the side it arrives at to the other side.
      const labelIn = { x: rightwards ? labelBox.x : labelBox.x + labelBox.width, y: center(labelBox).y };
      const labelOut = { x: rightwards ? labelBox.x + labelBox.width : labelBox.x, y: center(labelBox).y };
      const bends = inner.slice(1).map(center);
      const start = { x: rightwards ? sourceBox.x + sourceBox.width : sourceBox.x, y: center(sourceBox).y };
      const end = { x: rightwards ? targetBox.x : targetBox.x + targetBox.width, y: center(targetBox).y };
      const points = [start, labelIn, labelOut, ...bends, end];
      paths.push({ chain, points, labelBox });
      const side = (path: string, right: boolean) => `${path}\u0000${right ? 'right' : 'left'}`;
      const register = (key: string, point: Point, toward: Point) =>
        ends.set(key, [...(ends.get(key) ?? []), { point, toward: toward.y }]);
      register(side(chain.group.source, rightwards), start, labelIn);
      register(side(chain.group.target, !rightwards), end, points[points.length - 2] as Point);
    }
  }
  for (const [key, sharing] of ends) {
    const box = boxes.get(key.split('\u0000')[0] as string) as Box;
    sharing.sort((a, b) => a.toward - b.toward);
    // Ends are spread over the middle of the side, in the order of where their paths go.
    const span = Math.min(box.height - 12, 12 * (sharing.length - 1));
    sharing.forEach(({ point }, index) => {
      point.y = center(box).y - span / 2 + (sharing.length === 1 ? 0 : (span * index) / (sharing.length - 1));
    });
  }
  return paths.map(({ chain, points, labelBox }) => ({
    ...chain.group,
    curves: smoothCurves(points),
    labelBox,
  }));
}

function drawSelfLoop(group: EdgeGroup, box: Box): PlacedEdge {
  const c = center(box);
  const bottom = box.y + box.height;
  const label = labelSize(group.labels);
  return {
    ...group,
    curves: [
      {
        from: { x: c.x - 10, y: bottom },
        control1: { x: c.x - 30, y: bottom + selfLoopReach },
        control2: { x: c.x + 30, y: bottom + selfLoopReach },
        to: { x: c.x + 10, y: bottom },
      },
    ],
    labelBox: { x: c.x - label.width / 2, y: bottom + selfLoopReach - 5, ...label },
  };
}

// Transitions the columns cannot route. Between a state and one that encloses it: a curve from the
// inner box's bottom to the outer box's bottom border, labelled just outside it. Between states of one
// column: a curve bowing out to the right. Either label slides along until it collides with nothing.
function drawDirect(group: EdgeGroup, boxes: Map<string, Box>, obstacles: Box[]): PlacedEdge {
  const from = boxes.get(group.source) as Box;
  const to = boxes.get(group.target) as Box;
  const size = labelSize(group.labels);
  const enclosed = group.source.startsWith(`${group.target}.`) || group.target.startsWith(`${group.source}.`);
  let curve: PlacedEdge['curves'][number];
  let candidates: Point[];
  if (enclosed) {
    const outward = group.source.startsWith(`${group.target}.`);
    const [inner, outer] = outward ? [from, to] : [to, from];
    const a = { x: inner.x + inner.width / 2, y: inner.y + inner.height };
    const b = { x: a.x + 24, y: outer.y + outer.height };
    const middle = (a.y + b.y) / 2;
    curve = outward
      ? { from: a, control1: { x: a.x, y: middle }, control2: { x: b.x, y: middle }, to: b }
      : { from: b, control1: { x: b.x, y: middle }, control2: { x: a.x, y: middle }, to: a };
    candidates = [0, 1, 2, 3, 4].map((step) => ({ x: b.x + 6 + step * 40, y: b.y + 4 + size.height / 2 }));
  } else {
    const start = { x: from.x + from.width, y: from.y + from.height / 2 };
    const end = { x: to.x + to.width, y: to.y + to.height / 2 };
    const reach = Math.max(start.x, end.x) + 60;
    curve = { from: start, control1: { x: reach, y: start.y }, control2: { x: reach, y: end.y }, to: end };
    candidates = [0.5, 0.35, 0.65, 0.2, 0.8].map((t) => cubicAt(curve, t));
  }
  const boxAt = (at: Point): Box => ({
    x: enclosed ? at.x : at.x - size.width / 2,
    y: at.y - size.height / 2,
    ...size,
  });
  const free = candidates.map(boxAt).find((box) => obstacles.every((other) => !overlaps(box, other)));
  return { ...group, curves: [curve], labelBox: free ?? boxAt(candidates[0] as Point) };
}

function cubicAt(curve: PlacedEdge['curves'][number], t: number): Point {
  const u = 1 - t;
  const weights = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t] as const;
  const points = [curve.from, curve.control1, curve.control2, curve.to];
  return {
    x: points.reduce((sum, p, i) => sum + p.x * (weights[i] as number), 0),
    y: points.reduce((sum, p, i) => sum + p.y * (weights[i] as number), 0),
  };
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

// Moves everything so the drawing, curves and labels included, starts at the margin.
function fitToCanvas(layout: ChartLayout): ChartLayout {
  const corners = (box: Box): Point[] => [box, { x: box.x + box.width, y: box.y + box.height }];
  const points: Point[] = [
    ...layout.states.flatMap(({ box }) => corners(box)),
    ...layout.edges.flatMap((edge) => [
      ...edge.curves.flatMap((curve) => [curve.from, cubicAt(curve, 0.5), curve.to]),
      ...corners(edge.labelBox),
    ]),
    ...layout.initialMarkers.map((marker) => ({ x: marker.dot.x - 6, y: marker.dot.y - 6 })),
  ];
  const minX = Math.min(...points.map((p) => p.x));
  const minY = Math.min(...points.map((p) => p.y));
  const shift = (p: Point): Point => ({ x: p.x - minX + margin, y: p.y - minY + margin });
  const shiftBox = (box: Box): Box => ({ ...box, ...shift(box) });
  return {
    width: Math.ceil(Math.max(...points.map((p) => p.x)) - minX + 2 * margin),
    height: Math.ceil(Math.max(...points.map((p) => p.y)) - minY + 2 * margin),
    states: layout.states.map(({ state, box }) => ({ state, box: shiftBox(box) })),
    edges: layout.edges.map((edge) => ({
      ...edge,
      curves: edge.curves.map((curve) => ({
        from: shift(curve.from),
        control1: shift(curve.control1),
        control2: shift(curve.control2),
        to: shift(curve.to),
      })),
      labelBox: shiftBox(edge.labelBox),
    })),
    initialMarkers: layout.initialMarkers.map((marker) => ({
      dot: shift(marker.dot),
      arrowTo: shift(marker.arrowTo),
    })),
  };
}
