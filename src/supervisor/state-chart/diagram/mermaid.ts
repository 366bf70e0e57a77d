// The chart as a Mermaid stateDiagram-v2, to paste into issues and docs: every state declared by
// its key (nested states inside their parent's block, parallel regions split by `--`), every
// transition with its event and guard, inside the block of the state that holds both ends.
import type { ChartState, MachineChart } from './machine-chart.ts';

// Mermaid state ids allow letters, digits and underscores; a label may not hold `:` or `;`.
function mermaidId(path: string): string {
  return path.replace(/[^A-Za-z0-9_]/g, '_');
}

function mermaidText(text: string): string {
  return text.replace(/[:;#\n\r]/g, ' ');
}

// The deepest state holding both ends of a transition ('' for the root).
function commonParent(chart: MachineChart, source: string, target: string): string {
  const byPath = new Map(chart.states.map((state) => [state.path, state]));
  const ancestors = (path: string) => {
    const chain: string[] = [];
    for (let at = byPath.get(path)?.parent; at !== undefined && at !== ''; at = byPath.get(at)?.parent) {
      chain.push(at);
    }
    return chain;
  };
  const sourceAncestors = ancestors(source);
  return ancestors(target).find((path) => sourceAncestors.includes(path)) ?? '';
}

export function renderChartMermaid(chart: MachineChart): string {
  const ids = new Map<string, string>();
  for (const state of chart.states) {
    let id = mermaidId(state.path);
    while ([...ids.values()].includes(id)) id = `${id}_`;
    ids.set(state.path, id);
  }
  const byPath = new Map(chart.states.map((state) => [state.path, state]));
  const transitionsIn = new Map<string, string[]>();
  for (const { source, target, label } of chart.transitions) {
    const parent = commonParent(chart, source, target);
    const line = `${ids.get(source)} --> ${ids.get(target)} : ${mermaidText(label)}`;
    transitionsIn.set(parent, [...(transitionsIn.get(parent) ?? []), line]);
  }

  function block(parent: string, children: ChartState[], parallel: boolean, indent: string): string[] {
    const lines: string[] = [];
    children.forEach((state, index) => {
      const id = ids.get(state.path) as string;
      if (parallel && index > 0) lines.push(`${indent}--`);
      if (state.children.length === 0) {
        lines.push(`${indent}state "${mermaidText(state.key)}" as ${id}`);
      } else {
        lines.push(`${indent}state "${mermaidText(state.key)}" as ${id} {`);
        const inner = state.children.map((path) => byPath.get(path) as ChartState);
        lines.push(...block(state.path, inner, state.type === 'parallel', `${indent}  `));
        lines.push(`${indent}}`);
      }
      for (const src of state.invokes) lines.push(`${indent}${id} : invoke ${mermaidText(src)}`);
      if (state.initial) lines.push(`${indent}[*] --> ${id}`);
      if (state.type === 'final') lines.push(`${indent}${id} --> [*]`);
    });
    lines.push(...(transitionsIn.get(parent) ?? []).map((line) => `${indent}${line}`));
    return lines;
  }

  const top = chart.states.filter((state) => state.parent === '');
  return `stateDiagram-v2\n${block('', top, false, '  ').join('\n')}\n`;
}
