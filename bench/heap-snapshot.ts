// Reads a V8 .heapsnapshot and splits its live bytes by what holds them: each object's bytes go to
// the nearest object above it in the dominator tree (the one whose loss would free it) that is a
// known holder — an xstate Actor, its machine snapshot, an informer's cache, the ACL snapshot, the
// reconcile queue. Objects reachable from two holders are dominated by neither, so they count under
// whatever holds both ("other"), never twice.
import { readFileSync } from 'node:fs';

interface Snapshot {
  nodeFieldCount: number;
  edgeFieldCount: number;
  nodes: Uint32Array;
  edges: Uint32Array;
  strings: string[];
  nodeTypes: string[];
  edgeTypes: string[];
  // Field offsets inside a node and an edge record.
  node: { type: number; name: number; selfSize: number; edgeCount: number };
  edge: { type: number; nameOrIndex: number; toNode: number };
}

// The numbers of a `"section":[...]` of the file, parsed from the bytes: the file of a large heap
// is too big for one JSON.parse.
function numbersAfter(buffer: Buffer, section: string, count: number): Uint32Array {
  const start = buffer.indexOf(`"${section}":[`);
  if (start < 0) throw new Error(`the heap snapshot has no ${section}`);
  const numbers = new Uint32Array(count);
  let filled = 0;
  let value = 0;
  let inNumber = false;
  for (let i = start + section.length + 4; filled < count; i++) {
    const byte = buffer[i] as number;
    if (byte >= 48 && byte <= 57) {
      value = value * 10 + byte - 48;
      inNumber = true;
    } else if (inNumber) {
      numbers[filled++] = value;
      value = 0;
      inNumber = false;
    }
    if (byte === 93 && !inNumber && filled < count)
      throw new Error(`${section} ended after ${filled} numbers`);
  }
  return numbers;
}

export function readHeapSnapshot(file: string): Snapshot {
  const buffer = readFileSync(file);
  const nodesAt = buffer.indexOf('"nodes":[');
  const header = JSON.parse(`${buffer.subarray(0, nodesAt).toString().trim().replace(/,$/, '')}}`);
  const meta = header.snapshot.meta;
  const nodeFields: string[] = meta.node_fields;
  const edgeFields: string[] = meta.edge_fields;
  const stringsAt = buffer.indexOf('"strings":[');
  const stringsEnd = buffer.lastIndexOf(']');
  return {
    nodeFieldCount: nodeFields.length,
    edgeFieldCount: edgeFields.length,
    nodes: numbersAfter(buffer, 'nodes', header.snapshot.node_count * nodeFields.length),
    edges: numbersAfter(buffer, 'edges', header.snapshot.edge_count * edgeFields.length),
    strings: JSON.parse(buffer.subarray(stringsAt + '"strings":'.length, stringsEnd + 1).toString()),
    nodeTypes: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
    node: {
      type: nodeFields.indexOf('type'),
      name: nodeFields.indexOf('name'),
      selfSize: nodeFields.indexOf('self_size'),
      edgeCount: nodeFields.indexOf('edge_count'),
    },
    edge: {
      type: edgeFields.indexOf('type'),
      nameOrIndex: edgeFields.indexOf('name_or_index'),
      toNode: edgeFields.indexOf('to_node'),
    },
  };
}

// Node ordinals, edges as [from, to, name] in ordinal terms, and the immediate dominators
// (Cooper, Harvey and Kennedy's iterative algorithm over a reverse postorder; weak edges ignored,
// as in Chrome's DevTools).
interface Graph {
  count: number;
  firstEdge: Uint32Array;
  type(node: number): string;
  name(node: number): string;
  selfSize(node: number): number;
  // Calls visit(to, edgeName) for each edge of `node`; edgeName is '' for element edges.
  eachEdge(node: number, visit: (to: number, edgeName: string, edgeType: string) => void): void;
}

function graphOf(snapshot: Snapshot): Graph {
  const { nodes, edges, strings, nodeFieldCount: nf, edgeFieldCount: ef } = snapshot;
  const count = nodes.length / nf;
  const firstEdge = new Uint32Array(count + 1);
  for (let n = 0, e = 0; n < count; n++) {
    firstEdge[n] = e;
    e += (nodes[n * nf + snapshot.node.edgeCount] as number) * ef;
    firstEdge[n + 1] = e;
  }
  const namedEdgeTypes = new Set(['context', 'property', 'internal', 'shortcut', 'weak']);
  return {
    count,
    firstEdge,
    type: (node) => snapshot.nodeTypes[nodes[node * nf + snapshot.node.type] as number] ?? '',
    name: (node) => strings[nodes[node * nf + snapshot.node.name] as number] ?? '',
    selfSize: (node) => nodes[node * nf + snapshot.node.selfSize] as number,
    eachEdge: (node, visit) => {
      for (let e = firstEdge[node] as number; e < (firstEdge[node + 1] as number); e += ef) {
        const edgeType = snapshot.edgeTypes[edges[e + snapshot.edge.type] as number] ?? '';
        const nameOrIndex = edges[e + snapshot.edge.nameOrIndex] as number;
        const to = (edges[e + snapshot.edge.toNode] as number) / nf;
        visit(to, namedEdgeTypes.has(edgeType) ? (strings[nameOrIndex] ?? '') : '', edgeType);
      }
    },
  };
}

function dominators(graph: Graph): { idom: Int32Array; reversePostorder: Uint32Array; reached: number } {
  const { count } = graph;
  const strongTargets = (node: number): number[] => {
    const targets: number[] = [];
    graph.eachEdge(node, (to, _name, edgeType) => {
      if (edgeType !== 'weak') targets.push(to);
    });
    return targets;
  };
  // Postorder by an iterative depth-first walk from the root (node 0).
  const postorderIndex = new Int32Array(count).fill(-1);
  const postorder = new Uint32Array(count);
  const visited = new Uint8Array(count);
  const stack: number[] = [0];
  const cursor: number[][] = [strongTargets(0)];
  visited[0] = 1;
  let reached = 0;
  while (stack.length > 0) {
    const targets = cursor[cursor.length - 1] as number[];
    const next = targets.pop();
    if (next === undefined) {
      const done = stack.pop() as number;
      cursor.pop();
      postorderIndex[done] = reached;
      postorder[reached++] = done;
    } else if (!visited[next]) {
      visited[next] = 1;
      stack.push(next);
      cursor.push(strongTargets(next));
    }
  }
  // Predecessors of every reached node, in postorder numbers.
  const predecessorCount = new Uint32Array(reached + 1);
  for (let p = 0; p < reached; p++) {
    for (const to of strongTargets(postorder[p] as number)) {
      const q = postorderIndex[to] as number;
      if (q >= 0) (predecessorCount[q + 1] as number)++;
    }
  }
  for (let q = 0; q < reached; q++)
    predecessorCount[q + 1] = (predecessorCount[q + 1] as number) + (predecessorCount[q] as number);
  const predecessors = new Uint32Array(predecessorCount[reached] as number);
  const filled = predecessorCount.slice(0, reached);
  for (let p = 0; p < reached; p++) {
    for (const to of strongTargets(postorder[p] as number)) {
      const q = postorderIndex[to] as number;
      if (q >= 0) predecessors[(filled[q] as number)++] = p;
    }
  }
  const root = reached - 1;
  const idomPost = new Int32Array(reached).fill(-1);
  idomPost[root] = root;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (a < b) a = idomPost[a] as number;
      while (b < a) b = idomPost[b] as number;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let q = root - 1; q >= 0; q--) {
      let dominator = -1;
      for (let i = predecessorCount[q] as number; i < (predecessorCount[q + 1] as number); i++) {
        const p = predecessors[i] as number;
        if (idomPost[p] === -1) continue;
        dominator = dominator === -1 ? p : intersect(p, dominator);
      }
      if (dominator !== -1 && idomPost[q] !== dominator) {
        idomPost[q] = dominator;
        changed = true;
      }
    }
  }
  const idom = new Int32Array(count).fill(-1);
  const reversePostorder = new Uint32Array(reached);
  for (let q = 0; q < reached; q++) {
    idom[postorder[q] as number] = postorder[idomPost[q] as number] as number;
    reversePostorder[reached - 1 - q] = postorder[q] as number;
  }
  return { idom, reversePostorder, reached };
}

// Names a holder by the object itself (its constructor) or by the edge its owner reaches it through.
const holderByConstructor = new Map<string, string>(
  Object.entries({
    Actor: 'xstate actor',
    ActorRegistry: 'actor registry',
    SharedSnapshot: 'ACL snapshot',
    RequestBatcher: 'Kafka request batchers',
    ReconcileQueue: 'reconcile queue (bullmq)',
    Queue: 'reconcile queue (bullmq)',
    Worker: 'reconcile queue (bullmq)',
    Redis: 'reconcile queue (bullmq)',
    RetryLedger: 'retry ledger',
    Timeout: 'timers',
    Registry: 'metrics',
  }),
);
const holderByEdge = new Map<string, Record<string, string>>([
  ['Actor', { _snapshot: 'machine snapshot' }],
  ['ActorRegistry', { '#entries': 'actor registry entries', '#restartTimers': 'timers' }],
]);

export interface HeapAttribution {
  totalBytes: number;
  // Bytes by holder, and by holder and the kind of object (node type and constructor) inside it.
  byHolder: Map<string, number>;
  byHolderAndObject: Map<string, number>;
  // How many objects of each holder there are (actors, caches, ...).
  holders: Map<string, number>;
}

export function attributeHeap(file: string): HeapAttribution {
  const graph = graphOf(readHeapSnapshot(file));
  const { idom, reversePostorder, reached } = dominators(graph);
  const holderOf = new Array<string | undefined>(graph.count);
  const holders = new Map<string, number>();
  // A string property's value; a concatenated string is read through its two halves.
  const edgeTarget = (node: number, edge: string): number | undefined => {
    let target: number | undefined;
    graph.eachEdge(node, (to, name) => {
      if (name === edge) target = to;
    });
    return target;
  };
  const stringValue = (node: number | undefined): string => {
    if (node === undefined) return '?';
    if (graph.type(node) !== 'concatenated string') return graph.name(node);
    return stringValue(edgeTarget(node, 'first')) + stringValue(edgeTarget(node, 'second'));
  };
  // Informer caches are named by the resource their informer watches.
  const stringProperty = (node: number, property: string): string => stringValue(edgeTarget(node, property));
  for (let n = 0; n < graph.count; n++) {
    if (graph.type(n) !== 'object') continue;
    const constructorName = graph.name(n);
    const named = holderByConstructor.get(constructorName);
    if (named) holderOf[n] = named;
    const byEdge = new Map(Object.entries(holderByEdge.get(constructorName) ?? {}));
    if (constructorName === 'ResourceInformer') {
      byEdge.set('#cache', `informer cache ${stringProperty(n, '#resource')}`);
    }
    graph.eachEdge(n, (to, name) => {
      const label = byEdge.get(name);
      if (label !== undefined && idom[to] === n) holderOf[to] = label;
    });
  }
  for (const label of holderOf) if (label !== undefined) holders.set(label, (holders.get(label) ?? 0) + 1);
  const byHolder = new Map<string, number>();
  const byHolderAndObject = new Map<string, number>();
  let totalBytes = 0;
  for (let i = 0; i < reached; i++) {
    const n = reversePostorder[i] as number;
    const parent = idom[n] as number;
    const type = graph.type(n);
    const held = holderOf[n] ?? (parent !== n && parent >= 0 ? holderOf[parent] : undefined);
    holderOf[n] = held;
    // Compiled code belongs to functions every resource shares; it grows as the operator warms up.
    const holder = held ?? (type === 'code' ? 'compiled code' : 'other');
    const size = graph.selfSize(n);
    totalBytes += size;
    byHolder.set(holder, (byHolder.get(holder) ?? 0) + size);
    // A string's name is its content: grouped by type alone.
    const objectKind = `${holder} | ${type} ${type.includes('string') ? '' : graph.name(n)}`.trim();
    byHolderAndObject.set(objectKind, (byHolderAndObject.get(objectKind) ?? 0) + size);
  }
  return { totalBytes, byHolder, byHolderAndObject, holders };
}
