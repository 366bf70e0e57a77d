// The state-chart view: a read-only HTTP server on its own port that shows every live actor, its
// machine drawn as a state chart with the current state highlighted, and its recent transitions,
// updated live over server-sent events; the same as JSON, and each machine as SVG or Mermaid.
// Off unless STATE_CHART_VIEW_PORT is set; it shows only whitelisted, scrubbed context.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ActorEntry, ActorRegistry } from '../../actor-registry.ts';
import type { ResourceKind } from '../../contract.ts';
import { allowEveryone, type RequestAuthorizer } from '../../request-authorizer.ts';
import { describeMachine, type MachineChart } from '../diagram/machine-chart.ts';
import { renderChartMermaid } from '../diagram/mermaid.ts';
import { renderChartSvg } from '../diagram/svg.ts';
import { describeActor, summariseActor } from './actor-view-model.ts';
import { viewScript, viewStyle } from './assets.ts';
import { LiveUpdates } from './live-updates.ts';
import { renderActorListPage, renderActorPage, scriptPath, stylePath } from './pages.ts';

export interface StateChartViewOptions {
  host: string;
  port: number;
  registry: Pick<ActorRegistry, 'entries' | 'get'>;
  kinds: ResourceKind[];
  logger: Logger;
  // How often the registry is read for changes while a page listens.
  updateIntervalMs?: number;
  // Who may look (default: whoever reaches the port, for a view on loopback).
  authorizer?: RequestAuthorizer;
  // Event streams open at once; more are refused (429) so that watchers cannot make the view poll without end.
  maxStreams?: number;
}

export interface StateChartView {
  port: number;
  close(): Promise<void>;
}

interface KindView {
  chart: MachineChart;
  svg: string;
  mermaid: string;
}

const securityHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Everything the pages use comes from this server; nothing inline runs.
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { ...securityHeaders, 'content-type': contentType });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', `${JSON.stringify(value, null, 2)}\n`);
}

// `/prefix/<a>/<b>/<c>` → [a, b, c], decoded; undefined for any other shape.
function segments(path: string, prefix: string, count: number): string[] | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const parts = path.slice(prefix.length).split('/');
  if (parts.length !== count || parts.some((part) => part === '')) return undefined;
  try {
    return parts.map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

export async function startStateChartView(options: StateChartViewOptions): Promise<StateChartView> {
  const kinds = new Map<string, KindView>(
    options.kinds.map((kind) => {
      const chart = describeMachine(kind.machine);
      return [kind.type.kind, { chart, svg: renderChartSvg(chart), mermaid: renderChartMermaid(chart) }];
    }),
  );
  const knownKinds = [...kinds.keys()].join(', ');
  const shown = (entry: ActorEntry) => kinds.has(entry.kind);
  const chartOf = (entry: ActorEntry) => (kinds.get(entry.kind) as KindView).chart;
  const entryOf = (kind: string, namespace: string, name: string) => {
    const entry = options.registry.get(kind, `${namespace}/${name}`);
    return entry && shown(entry) ? entry : undefined;
  };
  const summaries = () =>
    options.registry
      .entries()
      .filter(shown)
      .map((entry) => summariseActor(entry, chartOf(entry)))
      .sort((a, b) => a.id.localeCompare(b.id));

  const authorizer = options.authorizer ?? allowEveryone;
  const updates = new LiveUpdates({
    maxClients: options.maxStreams ?? 20,
    intervalMs: options.updateIntervalMs ?? 250,
    logger: options.logger,
    read: (watched) => {
      if (watched === undefined) return summaries().map((summary) => ({ id: summary.id, view: summary }));
      const [kind = '', namespace = '', name = ''] = watched.split('/');
      const entry = entryOf(kind, namespace, name);
      return entry ? [{ id: watched, view: describeActor(entry, chartOf(entry)) }] : [];
    },
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const decision = await authorizer.decide(request);
    if (!decision.allowed) {
      response.writeHead(decision.status, {
        ...securityHeaders,
        'content-type': 'text/plain',
        ...(decision.status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
      });
      response.end(`${decision.reason}\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...securityHeaders, allow: 'GET, HEAD', 'content-type': 'text/plain' });
      response.end('the state-chart view is read-only\n');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://view');
    const path = url.pathname;
    if (path === '/') {
      const choices = [...kinds].map(([kind, view]) => ({
        kind,
        states: view.chart.states.map((state) => state.path),
      }));
      return send(response, 200, 'text/html; charset=utf-8', renderActorListPage(choices));
    }
    if (path === scriptPath) return send(response, 200, 'text/javascript; charset=utf-8', viewScript);
    if (path === stylePath) return send(response, 200, 'text/css; charset=utf-8', viewStyle);
    if (path === '/events') {
      if (request.method === 'HEAD') return send(response, 200, 'text/event-stream; charset=utf-8', '');
      if (!updates.open(response, url.searchParams.get('actor') ?? undefined)) {
        return send(response, 429, 'text/plain', 'too many live views are open; try again later\n');
      }
      return;
    }
    if (path === '/api/actors') return sendJson(response, 200, { actors: summaries() });
    if (path === '/api/machines') {
      return sendJson(response, 200, {
        machines: [...kinds].map(([kind, view]) => ({
          kind,
          machine: view.chart.id,
          states: view.chart.states.map((state) => state.path),
          svg: `/api/machines/${encodeURIComponent(kind)}.svg`,
          mermaid: `/api/machines/${encodeURIComponent(kind)}.mmd`,
        })),
      });
    }
    const machine = segments(path, '/api/machines/', 1)?.[0]?.match(/^(.+)\.(svg|mmd)$/);
    if (machine) {
      const [, kind = '', format] = machine;
      const view = kinds.get(kind);
      if (!view) return sendJson(response, 404, { error: `no kind ${kind}; known kinds: ${knownKinds}` });
      return format === 'svg'
        ? send(response, 200, 'image/svg+xml; charset=utf-8', view.svg)
        : send(response, 200, 'text/plain; charset=utf-8', view.mermaid);
    }
    const apiActor = segments(path, '/api/actors/', 3);
    if (apiActor) {
      const [kind = '', namespace = '', name = ''] = apiActor;
      const entry = entryOf(kind, namespace, name);
      if (!entry) {
        return sendJson(response, 404, {
          error:
            `no live actor for ${kind} ${namespace}/${name}: the resource does not exist, is not ` +
            `watched by this operator, or is of a kind it does not serve (${knownKinds})`,
        });
      }
      return sendJson(response, 200, describeActor(entry, chartOf(entry)));
    }
    const pageActor = segments(path, '/actors/', 3);
    if (pageActor) {
      const [kind = '', namespace = '', name = ''] = pageActor;
      const view = kinds.get(kind);
      if (!view) return send(response, 404, 'text/plain', `no kind ${kind}; known kinds: ${knownKinds}\n`);
      const entry = entryOf(kind, namespace, name);
      const active = entry ? summariseActor(entry, view.chart).activeStates : [];
      const svg = renderChartSvg(view.chart, { active, embedStyle: false });
      return send(response, 200, 'text/html; charset=utf-8', renderActorPage(kind, namespace, name, svg));
    }
    send(response, 404, 'text/plain', 'not found\n');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger.error({ err: error, url: request.url }, 'state-chart view request failed');
      if (!response.headersSent) send(response, 500, 'text/plain', 'internal error; see the operator log\n');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new Error(
          `the state-chart view cannot listen on ${options.host}:${options.port} (${error.message}): ` +
            'set STATE_CHART_VIEW_PORT to a free port, or unset it to turn the view off',
          { cause: error },
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ host: options.host, port }, 'state-chart view listening');
  return {
    port,
    async close() {
      updates.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
