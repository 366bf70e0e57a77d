// The view's two HTML pages. They carry structure only: the rows, the facts and the highlighted
// state are filled in by the view script from the event stream (the chart itself is drawn here).
import { escapeHtml } from '../diagram/html-escape.ts';

export interface KindChoice {
  kind: string;
  states: string[];
}

export const scriptPath = '/assets/state-chart-view.js';
export const stylePath = '/assets/state-chart-view.css';

function machineHref(kind: string, extension: 'svg' | 'mmd'): string {
  return `/api/machines/${encodeURIComponent(kind)}.${extension}`;
}

function htmlDocument(title: string, bodyAttributes: string, content: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)} · kafka-actor-operator</title>` +
    `<link rel="stylesheet" href="${stylePath}"><script type="module" src="${scriptPath}"></script>` +
    `</head><body ${bodyAttributes}>${content}</body></html>\n`
  );
}

function option(value: string, label = value): string {
  return `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;
}

export function renderActorListPage(kinds: KindChoice[]): string {
  const states = [...new Set(kinds.flatMap((kind) => kind.states))].sort();
  const exports = kinds
    .map(
      ({ kind }) =>
        `${escapeHtml(kind)}: <a href="${machineHref(kind, 'svg')}">SVG</a> · ` +
        `<a href="${machineHref(kind, 'mmd')}">Mermaid</a>`,
    )
    .join(' — ');
  const columns = [
    'kind',
    'namespace',
    'name',
    'state',
    'time in state',
    'last event',
    'last error',
    'retries',
  ];
  return htmlDocument(
    'Actors',
    'data-page="list"',
    '<header><h1>Actors</h1><span>one per custom resource, live</span>' +
      '<span id="connection" class="connection">connecting…</span></header><main>' +
      '<div class="filters">' +
      '<input id="filter-text" type="search" placeholder="filter: name, namespace, state, event, error" ' +
      'aria-label="filter by text">' +
      `<select id="filter-kind" aria-label="filter by kind">${option('', 'all kinds')}` +
      `${kinds.map(({ kind }) => option(kind)).join('')}</select>` +
      `<select id="filter-state" aria-label="filter by state">${option('', 'all states')}` +
      `${states.map((state) => option(state)).join('')}</select>` +
      '<span id="shown-count"></span></div>' +
      `<table id="actors"><thead><tr>${columns.map((c) => `<th>${c}</th>`).join('')}</tr></thead>` +
      '<tbody></tbody></table><p id="empty" class="note" hidden>No live actors.</p>' +
      `<p class="exports">Machines: ${exports}. JSON: <a href="/api/actors">/api/actors</a>, ` +
      '<a href="/api/machines">/api/machines</a>.</p></main>',
  );
}

export function renderActorPage(kind: string, namespace: string, name: string, chartSvg: string): string {
  const id = `${kind}/${namespace}/${name}`;
  const api = `/api/actors/${[kind, namespace, name].map(encodeURIComponent).join('/')}`;
  const fact = (label: string, field: string) => `<dt>${label}</dt><dd id="${field}"></dd>`;
  return htmlDocument(
    `${kind} ${namespace}/${name}`,
    `data-page="actor" data-actor-id="${escapeHtml(id)}"`,
    '<header><a href="/">← all actors</a>' +
      `<h1>${escapeHtml(kind)} ${escapeHtml(namespace)}/${escapeHtml(name)}</h1>` +
      '<span id="connection" class="connection">connecting…</span></header><main>' +
      '<p id="gone" class="note" hidden>No live actor for this resource (not created yet, deleted, or not ' +
      'watched by this operator). The page follows it when it appears.</p>' +
      '<section id="details" hidden><dl class="facts">' +
      fact('state', 'actor-state') +
      fact('time in state', 'actor-since') +
      fact('last event', 'actor-event') +
      fact('last error', 'actor-error') +
      fact('retries', 'actor-retries') +
      fact('uid', 'actor-uid') +
      '</dl></section>' +
      `<h2>Machine ${escapeHtml(kind)}</h2><p class="exports">Export: ` +
      `<a href="${machineHref(kind, 'svg')}">SVG</a> · ` +
      `<a href="${machineHref(kind, 'mmd')}">Mermaid</a> · ` +
      `JSON: <a href="${escapeHtml(api)}">${escapeHtml(api)}</a></p>` +
      `<div class="chart" id="chart">${chartSvg}</div>` +
      '<h2>Recent transitions</h2><table id="transitions"><thead><tr><th>at</th><th>from</th><th>to</th>' +
      '<th>event</th></tr></thead><tbody></tbody></table>' +
      '<h2>Context</h2><p class="note">Only fields known to hold no secret are shown, and any text ' +
      'shaped like a secret is redacted.</p><dl class="facts" id="context"></dl></main>',
  );
}
