// The operator's HTTP endpoints: liveness, readiness and Prometheus metrics. The state-chart view has
// its own port and server (state-chart/view/server.ts), so it can stay off or on loopback while these are exposed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { allowEveryone, type RequestAuthorizer } from './request-authorizer.ts';

export type ReadinessCheck = () => Promise<{ ready: boolean; checks: Record<string, boolean> }>;
export type Route = (request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean;

export interface HttpServerOptions {
  host: string;
  port: number;
  registry: Registry;
  readiness: ReadinessCheck;
  // Who may read /metrics; the probes' endpoints are open to all, as the kubelet sends no token.
  metricsAuthorizer?: RequestAuthorizer;
  logger: Logger;
  routes?: Route[];
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

export async function startHttpServer(options: HttpServerOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger.error({ err: error, url: request.url }, 'HTTP request failed');
      if (!response.headersSent) send(response, 500, 'text/plain', 'internal error\n');
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://operator').pathname;
    if (path === '/healthz') return send(response, 200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      const { ready, checks } = await options.readiness();
      return send(response, ready ? 200 : 503, 'application/json', `${JSON.stringify({ ready, checks })}\n`);
    }
    if (path === '/metrics') {
      const decision = await (options.metricsAuthorizer ?? allowEveryone).decide(request);
      if (!decision.allowed) return send(response, decision.status, 'text/plain', `${decision.reason}\n`);
      return send(response, 200, options.registry.contentType, await options.registry.metrics());
    }
    for (const route of options.routes ?? []) if (await route(request, response)) return;
    send(response, 404, 'text/plain', 'not found\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
