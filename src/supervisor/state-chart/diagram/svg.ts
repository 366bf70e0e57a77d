// The chart as a standalone SVG document: a box per state (`g.state[data-state=path]`, class
// `active` on the current ones), a curve per pair of connected states with its event labels.
// Its styles are inside, so the file looks the same in the view, in an issue or in docs.

import { escapeHtml } from './html-escape.ts';
import {
  type Box,
  type ChartLayout,
  containerHeader,
  detailFontSize,
  invokeLineHeight,
  labelLineHeight,
  layoutChart,
  type PlacedState,
  stateFontSize,
} from './layout.ts';
import type { MachineChart } from './machine-chart.ts';

export const chartStyle = `
.chart-title { font: 600 ${stateFontSize}px ui-monospace, 'DejaVu Sans Mono', monospace; fill: #555; }
.state > rect.frame { fill: #f7f9fc; stroke: #5b6b82; stroke-width: 1.4; }
.state.container > rect.frame { fill: #fbfcfe; }
.state > rect.final-ring { fill: none; stroke: #5b6b82; stroke-width: 1; }
.state text { font: ${stateFontSize}px ui-monospace, 'DejaVu Sans Mono', monospace; fill: #1d2633; }
.state text.invoke { font-size: ${detailFontSize}px; fill: #5b6b82; }
.state.active > rect.frame { fill: #fff4c2; stroke: #d08a00; stroke-width: 3; }
.state.container.active > rect.frame { fill: #fffbea; }
.state.active > text.name { font-weight: 700; }
.edge path { fill: none; stroke: #7d8ba0; stroke-width: 1.3; }
.edge rect { fill: #ffffff; fill-opacity: 0.88; }
.edge text { font: ${detailFontSize}px ui-monospace, 'DejaVu Sans Mono', monospace; fill: #34425a; }
.initial circle { fill: #1d2633; }
.initial path { stroke: #1d2633; stroke-width: 1.3; }
`;

function number(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function rect(box: Box, className: string, radius: number): string {
  return (
    `<rect class="${className}" x="${number(box.x)}" y="${number(box.y)}" width="${number(box.width)}" ` +
    `height="${number(box.height)}" rx="${radius}"/>`
  );
}

function stateGroup({ state, box }: PlacedState, active: Set<string>): string {
  const classes = [
    'state',
    state.children.length > 0 ? 'container' : '',
    active.has(state.path) ? 'active' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const parts = [rect(box, 'frame', 10)];
  if (state.type === 'final') {
    parts.push(
      rect({ x: box.x + 4, y: box.y + 4, width: box.width - 8, height: box.height - 8 }, 'final-ring', 7),
    );
  }
  const nameY = state.children.length > 0 ? box.y + 18 : box.y + 23;
  const nameX = state.children.length > 0 ? box.x + 12 : box.x + box.width / 2;
  const anchor = state.children.length > 0 ? 'start' : 'middle';
  const name = state.type === 'history' ? `${state.key} (H)` : state.key;
  parts.push(
    `<text class="name" x="${number(nameX)}" y="${number(nameY)}" text-anchor="${anchor}">` +
      `${escapeHtml(name)}</text>`,
  );
  const container = state.children.length > 0;
  state.invokes.forEach((src, index) => {
    const y = box.y + (container ? containerHeader + 6 : 38) + index * invokeLineHeight;
    const x = container ? box.x + 12 : box.x + box.width / 2;
    parts.push(
      `<text class="invoke" x="${number(x)}" y="${number(y)}" ` +
        `text-anchor="${container ? 'start' : 'middle'}">` +
        `invoke ${escapeHtml(src)}</text>`,
    );
  });
  const path = escapeHtml(state.path);
  return `<g class="${classes}" data-state="${path}"><title>${path}</title>${parts.join('')}</g>`;
}

function edgeGroup(edge: ChartLayout['edges'][number]): string {
  const { curves, labelBox } = edge;
  const point = (p: { x: number; y: number }) => `${number(p.x)},${number(p.y)}`;
  const d =
    `M${point((curves[0] as (typeof curves)[0]).from)} ` +
    curves.map((c) => `C${point(c.control1)} ${point(c.control2)} ${point(c.to)}`).join(' ');
  const lines = edge.labels
    .map(
      (label, index) =>
        `<text x="${number(labelBox.x + 4)}" ` +
        `y="${number(labelBox.y + 2 + (index + 1) * labelLineHeight - 3)}">` +
        `${escapeHtml(label)}</text>`,
    )
    .join('');
  return (
    `<g class="edge" data-source="${escapeHtml(edge.source)}" data-target="${escapeHtml(edge.target)}">` +
    `<path d="${d}" marker-end="url(#state-chart-arrow)"/>${rect(labelBox, 'label', 3)}${lines}</g>`
  );
}

export interface ChartSvgOptions {
  // Paths of the states to highlight (a snapshot's active states).
  active?: Iterable<string>;
  // false when the page around the SVG brings chartStyle itself (a strict CSP forbids inline styles).
  embedStyle?: boolean;
}

export function renderChartSvg(chart: MachineChart, options: ChartSvgOptions = {}): string {
  const layout = layoutChart(chart);
  const activePaths = new Set(options.active ?? []);
  // Parents first, so nested boxes are drawn over their containers; curves and labels over all boxes.
  const states = layout.states.map((placed) => stateGroup(placed, activePaths)).join('');
  const edges = layout.edges.map(edgeGroup).join('');
  const markers = layout.initialMarkers
    .map(
      ({ dot, arrowTo }) =>
        `<g class="initial"><circle cx="${number(dot.x)}" cy="${number(dot.y)}" r="5"/>` +
        `<path d="M${number(dot.x + 5)},${number(dot.y)} L${number(arrowTo.x)},${number(arrowTo.y)}" ` +
        'marker-end="url(#state-chart-arrow)"/></g>',
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="state-chart" data-machine="${escapeHtml(chart.id)}" ` +
    `width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" ` +
    `role="img" aria-label="state chart of ${escapeHtml(chart.id)}">` +
    `<title>${escapeHtml(chart.id)}</title>` +
    `${options.embedStyle === false ? '' : `<style>${chartStyle}</style>`}` +
    '<defs><marker id="state-chart-arrow" viewBox="0 0 10 10" refX="9" refY="5" ' +
    'markerWidth="7" markerHeight="7" ' +
    'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b6b82"/></marker></defs>' +
    `${states}${edges}${markers}</svg>`
  );
}
