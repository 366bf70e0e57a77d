// The layers of src/ import downward only, type-only imports included, and no files import each other
// in a loop: api ← machines ← actors ← kinds ← operator (operator.ts, config.ts, main.ts); the runtime
// (supervisor) imports api only, and only kinds and the operator import it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const sourceRoot = join(import.meta.dirname, '..', '..', 'src');

type Layer = 'api' | 'machines' | 'actors' | 'supervisor' | 'kinds' | 'operator';

// What each layer may import besides itself.
const importable: Record<Layer, readonly Layer[]> = {
  api: [],
  machines: ['api'],
  actors: ['api', 'machines'],
  supervisor: ['api'],
  kinds: ['api', 'machines', 'actors', 'supervisor'],
  operator: ['api', 'machines', 'actors', 'supervisor', 'kinds'],
};

// A path relative to src/: its first folder names the layer; the files directly in src/ are the operator's.
function layerOf(path: string): Layer {
  const [first, ...rest] = path.split('/');
  if (rest.length === 0) return 'operator';
  if (first !== undefined && first in importable && first !== 'operator') return first as Layer;
  throw new Error(`src/${path} is in no layer: put it under one of ${Object.keys(importable).join(', ')}`);
}

// Source files by path relative to src/, with their text.
type Sources = Map<string, string>;

// The files of src/ that each file imports (import, import type, export … from, import()), by relative path.
function importGraph(sources: Sources): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [path, text] of sources) {
    const imported = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((file) => file.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative('/', resolve('/', dirname(path), name)));
    graph.set(path, imported);
  }
  return graph;
}

function upwardImports(sources: Sources): string[] {
  const found: string[] = [];
  for (const [from, imports] of importGraph(sources)) {
    const layer = layerOf(from);
    for (const to of imports) {
      const target = layerOf(to);
      if (target !== layer && !importable[layer].includes(target)) {
        found.push(`src/${from} (${layer}) imports src/${to} (${target})`);
      }
    }
  }
  return found;
}

// Each loop of files importing each other, as the path around it.
function importCycles(sources: Sources): string[] {
  const graph = importGraph(sources);
  const done = new Set<string>();
  const onPath: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string) => {
    const at = onPath.indexOf(file);
    if (at >= 0) {
      cycles.push([...onPath.slice(at), file].map((path) => `src/${path}`).join(' → '));
      return;
    }
    if (done.has(file)) return;
    onPath.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    onPath.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return cycles;
}

function readSources(directory: string, sources: Sources = new Map()): Sources {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) readSources(path, sources);
    else if (entry.name.endsWith('.ts')) sources.set(relative(sourceRoot, path), readFileSync(path, 'utf8'));
  }
  return sources;
}

test('src/ imports downward only, type-only imports included', () => {
  assert.deepEqual(upwardImports(readSources(sourceRoot)), []);
});

test('no files of src/ import each other in a loop, type-only imports included', () => {
  assert.deepEqual(importCycles(readSources(sourceRoot)), []);
});

// The state chart's diagram code (a machine as a chart, its layout, SVG and Mermaid) is drawing only:
// the view's serving code imports it, never the other way round.
const diagramFolder = 'supervisor/state-chart/diagram/';

function diagramImportsOutside(sources: Sources): string[] {
  return [...importGraph(sources)]
    .filter(([from]) => from.startsWith(diagramFolder))
    .flatMap(([from, imports]) =>
      imports.filter((to) => !to.startsWith(diagramFolder)).map((to) => `src/${from} imports src/${to}`),
    );
}

test("the state chart's diagram code imports nothing outside its folder", () => {
  assert.deepEqual(diagramImportsOutside(readSources(sourceRoot)), []);
  assert.deepEqual(
    diagramImportsOutside(
      new Map([['supervisor/state-chart/diagram/svg.ts', "import { stylePath } from '../view/pages.ts';\n"]]),
    ),
    ['src/supervisor/state-chart/diagram/svg.ts imports src/supervisor/state-chart/view/pages.ts'],
  );
});

test('the check finds an upward import, a type-only one and one of the runtime', () => {
  const sources: Sources = new Map([
    ['api/kafka.ts', "import { topicMachine } from '../machines/topic-machine.ts';\n"],
    ['machines/topic-machine.ts', "import type { Effects } from '../actors/topic/topic-effects.ts';\n"],
    ['actors/topic/topic-effects.ts', "export { needsReconcile } from '../../supervisor/contract.ts';\n"],
    ['supervisor/contract.ts', "import type { Kafka } from '../api/kafka.ts';\n"],
    ['supervisor/reconciler.ts', "const m = await import('../machines/topic-machine.ts');\n"],
    ['kinds/topic-kind.ts', "import { loadConfig } from '../config.ts';\n"],
    ['config.ts', "import type { ResourceKind } from './supervisor/contract.ts';\n"],
  ]);
  assert.deepEqual(upwardImports(sources), [
    'src/api/kafka.ts (api) imports src/machines/topic-machine.ts (machines)',
    'src/machines/topic-machine.ts (machines) imports src/actors/topic/topic-effects.ts (actors)',
    'src/actors/topic/topic-effects.ts (actors) imports src/supervisor/contract.ts (supervisor)',
    'src/supervisor/reconciler.ts (supervisor) imports src/machines/topic-machine.ts (machines)',
    'src/kinds/topic-kind.ts (kinds) imports src/config.ts (operator)',
  ]);
});

test('the check finds a loop of type-only imports', () => {
  const sources: Sources = new Map([
    ['actors/cluster/cluster-model.ts', "import { modelFields } from './cluster-fields.ts';\n"],
    ['actors/cluster/cluster-fields.ts', "import type { ClusterModel } from './cluster-model.ts';\n"],
  ]);
  assert.deepEqual(importCycles(sources), [
    'src/actors/cluster/cluster-model.ts → src/actors/cluster/cluster-fields.ts → src/actors/cluster/cluster-model.ts',
  ]);
});

test('a file outside the layers is named', () => {
  assert.throws(
    () => upwardImports(new Map([['helpers/strings.ts', '']])),
    /src\/helpers\/strings\.ts is in no layer/,
  );
});
