// Server-sent events for the view: each client first gets everything it watches (`snapshot`), then
// an `actor` event whenever what it shows of an actor changes and `removed` when the actor is gone.
// The registry is read on a short interval while anyone listens, and only differences are sent.
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface WatchedActor {
  id: string;
  // What the client shows; sent again whenever its JSON differs.
  view: object;
}

export interface LiveUpdatesOptions {
  // The actors a client watches: all summaries, or the detail of one actor.
  read(actorId: string | undefined): WatchedActor[];
  // Clients at once; open() refuses more.
  maxClients: number;
  intervalMs: number;
  logger: Logger;
}

interface Client {
  response: ServerResponse;
  actorId: string | undefined;
  sent: Map<string, string>;
}

const keepAliveMs = 15_000;
const maxBufferedBytes = 8 * 1024 * 1024;

export class LiveUpdates {
  readonly #options: LiveUpdatesOptions;
  readonly #clients = new Set<Client>();
  #poll: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;

  constructor(options: LiveUpdatesOptions) {
    this.#options = options;
  }

  // Streams to this response until the client goes away; `actorId` narrows it to one actor's detail.
  // False, with nothing written, when maxClients are already listening.
  open(response: ServerResponse, actorId: string | undefined): boolean {
    if (this.#clients.size >= this.#options.maxClients) return false;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const client: Client = { response, actorId, sent: new Map() };
    const actors = this.#options.read(actorId);
    for (const actor of actors) client.sent.set(actor.id, JSON.stringify(actor.view));
    response.write('retry: 2000\n\n');
    this.#send(client, 'snapshot', { now: new Date().toISOString(), actors: actors.map((a) => a.view) });
    this.#clients.add(client);
    response.on('close', () => this.#clients.delete(client));
    this.#poll ??= setInterval(() => {
      try {
        this.#publishChanges();
      } catch (error) {
        this.#options.logger.error({ err: error }, 'state-chart view cannot read the actors; retrying');
      }
    }, this.#options.intervalMs);
    this.#keepAlive ??= setInterval(() => {
      for (const each of this.#clients) each.response.write(': keep-alive\n\n');
    }, keepAliveMs);
    return true;
  }

  close(): void {
    clearInterval(this.#poll);
    clearInterval(this.#keepAlive);
    this.#poll = undefined;
    this.#keepAlive = undefined;
    for (const client of this.#clients) client.response.end();
    this.#clients.clear();
  }

  #publishChanges(): void {
    if (this.#clients.size === 0) {
      clearInterval(this.#poll);
      clearInterval(this.#keepAlive);
      this.#poll = undefined;
      this.#keepAlive = undefined;
      return;
    }
    // One read per distinct watch, however many clients share it.
    const reads = new Map<string | undefined, WatchedActor[]>();
    for (const client of this.#clients) {
      if (!reads.has(client.actorId)) reads.set(client.actorId, this.#options.read(client.actorId));
      const current = reads.get(client.actorId) as WatchedActor[];
      const now = new Date().toISOString();
      for (const actor of current) {
        const json = JSON.stringify(actor.view);
        if (client.sent.get(actor.id) === json) continue;
        client.sent.set(actor.id, json);
        this.#send(client, 'actor', { now, actor: actor.view });
      }
      const live = new Set(current.map((actor) => actor.id));
      for (const id of client.sent.keys()) {
        if (live.has(id)) continue;
        client.sent.delete(id);
        this.#send(client, 'removed', { now, id });
      }
    }
  }

  #send(client: Client, event: string, data: object): void {
    client.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // A client that stops reading is dropped before it holds much memory; it reconnects for a snapshot.
    if (client.response.writableLength > maxBufferedBytes) {
      this.#options.logger.warn(
        { actorId: client.actorId },
        'state-chart view client is too slow; dropping it',
      );
      client.response.destroy();
      this.#clients.delete(client);
    }
  }
}
