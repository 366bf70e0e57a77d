// The view's browser script and style sheet, served by the operator itself (no CDN: the view works
// offline and under a strict Content-Security-Policy). The script renders from the event stream only,
// so the page and the stream never disagree; it is plain ES2020 for any current browser.
import { chartStyle } from '../diagram/svg.ts';

export const viewScript = `
'use strict';
const page = document.body.dataset.page;
const watchedActor = document.body.dataset.actorId;
let clockOffsetMs = 0;

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function duration(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return seconds + 's';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return minutes + 'm ' + (seconds % 60) + 's';
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours + 'h ' + (minutes % 60) + 'm';
  return Math.floor(hours / 24) + 'd ' + (hours % 24) + 'h';
}

function timeSince(iso) {
  return duration(Date.now() + clockOffsetMs - Date.parse(iso));
}

function errorText(failure) {
  return failure ? failure.reason + ': ' + failure.message : '';
}

function retriesText(actor) {
  return actor.crashes > 0 ? actor.retries + ' (crashes: ' + actor.crashes + ')' : String(actor.retries);
}

function actorHref(actor) {
  return '/actors/' + [actor.kind, actor.namespace, actor.name].map(encodeURIComponent).join('/');
}

function sinceCell(iso) {
  const cell = element('td', timeSince(iso), 'since');
  cell.dataset.since = iso;
  return cell;
}

function refreshTimes() {
  for (const node of document.querySelectorAll('[data-since]')) {
    node.textContent = timeSince(node.dataset.since);
  }
}

// The list of actors.
const rows = new Map();

function actorRow(actor) {
  const row = element('tr');
  row.dataset.id = actor.id;
  row.dataset.kind = actor.kind;
  row.dataset.states = actor.activeStates.join(' ');
  row.dataset.search = [actor.kind, actor.namespace, actor.name, actor.state, actor.lastEvent || '',
    errorText(actor.lastError)].join(' ').toLowerCase();
  const nameCell = element('td');
  const link = element('a', actor.name);
  link.href = actorHref(actor);
  nameCell.append(link);
  const stateCell = element('td');
  const badge = 'state-badge state-' + actor.state.replace(/[^a-z0-9_-]/gi, '_');
  stateCell.append(element('span', actor.state, badge));
  const errorCell = element('td', errorText(actor.lastError), 'error');
  if (actor.lastError) errorCell.title = errorText(actor.lastError);
  row.append(element('td', actor.kind), element('td', actor.namespace), nameCell, stateCell,
    sinceCell(actor.stateSince), element('td', actor.lastEvent || ''), errorCell,
    element('td', retriesText(actor), 'number'));
  return row;
}

function applyFilters() {
  const text = document.getElementById('filter-text').value.trim().toLowerCase();
  const kind = document.getElementById('filter-kind').value;
  const state = document.getElementById('filter-state').value;
  let shown = 0;
  for (const row of rows.values()) {
    const visible = (!text || row.dataset.search.includes(text)) && (!kind || row.dataset.kind === kind) &&
      (!state || row.dataset.states.split(' ').includes(state));
    row.hidden = !visible;
    if (visible) shown++;
  }
  document.getElementById('shown-count').textContent = shown + ' of ' + rows.size + ' actors';
  document.getElementById('empty').hidden = rows.size > 0;
}

function showInList(actor) {
  const body = document.querySelector('#actors tbody');
  const row = actorRow(actor);
  const previous = rows.get(actor.id);
  rows.set(actor.id, row);
  if (previous) {
    previous.replaceWith(row);
  } else {
    const after = [...rows.keys()].sort().find((id) => id > actor.id && rows.get(id).isConnected);
    body.insertBefore(row, after ? rows.get(after) : null);
  }
}

function removeFromList(id) {
  const row = rows.get(id);
  if (row) row.remove();
  rows.delete(id);
}

// One actor's page.
function showDetail(actor) {
  document.getElementById('gone').hidden = Boolean(actor);
  document.getElementById('details').hidden = !actor;
  const active = new Set(actor ? actor.activeStates : []);
  for (const node of document.querySelectorAll('svg.state-chart g.state')) {
    node.classList.toggle('active', active.has(node.dataset.state));
  }
  if (!actor) return;
  document.getElementById('actor-state').textContent = actor.state;
  const since = document.getElementById('actor-since');
  since.dataset.since = actor.stateSince;
  since.textContent = timeSince(actor.stateSince);
  document.getElementById('actor-event').textContent = actor.lastEvent || '';
  document.getElementById('actor-error').textContent = errorText(actor.lastError) || 'none';
  document.getElementById('actor-retries').textContent = retriesText(actor);
  document.getElementById('actor-uid').textContent = actor.uid || '';
  const transitions = document.querySelector('#transitions tbody');
  transitions.replaceChildren(...[...actor.transitions].reverse().map((transition) => {
    const row = element('tr');
    const at = element('td', new Date(transition.at).toLocaleString(), 'time');
    at.title = transition.at;
    row.append(at, element('td', transition.from), element('td', transition.to),
      element('td', transition.event));
    return row;
  }));
  const context = document.getElementById('context');
  context.replaceChildren(...Object.entries(actor.context).flatMap(([field, value]) => [
    element('dt', field),
    element('dd', typeof value === 'object' ? errorText(value) : String(value)),
  ]));
}

// Live updates: a snapshot on connect, then changes.
function connect() {
  const url = page === 'actor' ? '/events?actor=' + encodeURIComponent(watchedActor) : '/events';
  const source = new EventSource(url);
  const status = document.getElementById('connection');
  const read = (message) => {
    const data = JSON.parse(message.data);
    clockOffsetMs = Date.parse(data.now) - Date.now();
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
    return data;
  };
  source.addEventListener('open', () => {
    status.textContent = 'live';
    status.className = 'connection live';
  });
  source.addEventListener('error', () => {
    status.textContent = 'reconnecting…';
    status.className = 'connection down';
  });
  source.addEventListener('snapshot', (message) => {
    const data = read(message);
    if (page === 'actor') {
      showDetail(data.actors[0]);
      return;
    }
    for (const id of [...rows.keys()]) removeFromList(id);
    for (const actor of data.actors) showInList(actor);
    applyFilters();
  });
  source.addEventListener('actor', (message) => {
    const data = read(message);
    if (page === 'actor') {
      showDetail(data.actor);
      return;
    }
    showInList(data.actor);
    applyFilters();
  });
  source.addEventListener('removed', (message) => {
    const data = read(message);
    if (page === 'actor') {
      showDetail(undefined);
      return;
    }
    removeFromList(data.id);
    applyFilters();
  });
}

if (page === 'list') {
  for (const id of ['filter-text', 'filter-kind', 'filter-state']) {
    document.getElementById(id).addEventListener('input', applyFilters);
  }
}
connect();
setInterval(refreshTimes, 1000);
`;

export const viewStyle = `
:root { color-scheme: light; --ink: #1d2633; --muted: #5b6b82; --line: #d9dee7; --accent: #d08a00; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--ink);
  background: #fff; }
header { display: flex; align-items: baseline; gap: 16px; padding: 14px 24px;
  border-bottom: 1px solid var(--line);
  background: #f7f9fc; }
header h1 { font-size: 18px; margin: 0; }
header a { color: var(--muted); }
main { padding: 16px 24px; }
h2 { font-size: 15px; margin: 22px 0 8px; }
a { color: #1f5fbf; }
.connection { margin-left: auto; font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #eee; }
.connection.live { background: #dff3e4; color: #1d6b34; }
.connection.down { background: #fde2e1; color: #a1261d; }
.filters { display: flex; gap: 10px; align-items: center; margin-bottom: 12px; }
.filters input { width: 340px; }
.filters input, .filters select { font: inherit; padding: 4px 8px; border: 1px solid var(--line);
  border-radius: 6px; }
#shown-count { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.error { color: #a1261d; max-width: 420px; }
td.number { text-align: right; }
td.time { white-space: nowrap; }
.state-badge { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; padding: 1px 8px;
  border-radius: 10px;
  background: #eef1f6; }
.state-ready { background: #dff3e4; color: #1d6b34; }
.state-failed { background: #fde2e1; color: #a1261d; }
.state-pending, .state-reconciling { background: #fff4c2; color: #7a5200; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-family: ui-monospace, 'DejaVu Sans Mono', monospace; }
.chart { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: 8px;
  background: #fff; }
.chart svg { display: block; max-width: 100%; height: auto; }
.exports { font-size: 12px; color: var(--muted); }
.note { color: var(--muted); font-size: 12px; }
${chartStyle}
`;
