// A connection of the admin's own, for requests whose answer is read per item. platformatic's
// Admin fails (and retries) a whole request when one item in it fails; here such a request is
// answered once and every item keeps its own outcome.
import { Connection, type ConnectionOptions } from '@platformatic/kafka';
import { KafkaAdminError } from './kafka-admin.ts';
import type { RequestBatcherOptions } from './request-batcher.ts';

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// An item (or a whole request) Kafka answered with an error: what was asked, and Kafka's reason.
export function kafkaFailure(
  what: string,
  answer: { errorCode: number; errorMessage?: string | null },
): KafkaAdminError {
  return new KafkaAdminError(
    `${what} failed: ${answer.errorMessage || `Kafka error code ${answer.errorCode}`}`,
    answer.errorCode,
  );
}

export class AdminConnection {
  readonly #clientId: string;
  readonly #bootstrap: string[];
  readonly #options: ConnectionOptions;
  #connection: Promise<Connection> | undefined;

  constructor(clientId: string, bootstrap: string[], options: ConnectionOptions) {
    this.#clientId = clientId;
    this.#bootstrap = bootstrap;
    this.#options = options;
  }

  // Sends one request. platformatic throws when any item of the answer carries an error,
  // attaching the whole response: that response is still the answer.
  async request<R extends object>(
    what: string,
    send: (connection: Connection) => Promise<R>,
    itemsField: keyof R,
  ): Promise<R> {
    const opened = this.#open();
    const connection = await opened;
    try {
      return await send(connection);
    } catch (error) {
      const carried = (error as { response?: R }).response;
      if (carried?.[itemsField] === undefined) {
        this.#drop(opened);
        throw new Error(`${what} failed: ${describeError(error)}`, { cause: error });
      }
      return carried;
    }
  }

  close(): void {
    if (this.#connection) this.#drop(this.#connection);
  }

  #open(): Promise<Connection> {
    if (this.#connection) return this.#connection;
    const opening = this.#connect();
    this.#connection = opening;
    opening.then(
      (connection) => connection.on('close', () => this.#drop(opening)),
      () => this.#drop(opening),
    );
    return opening;
  }

  // Forgets a connection that failed or closed, unless a newer one has replaced it already.
  #drop(connection: Promise<Connection>): void {
    if (this.#connection === connection) this.#connection = undefined;
    connection.then((c) => c.close()).catch(() => undefined);
  }

  async #connect(): Promise<Connection> {
    let lastError: unknown;
    for (const address of this.#bootstrap) {
      const at = address.lastIndexOf(':');
      const connection = new Connection(this.#clientId, this.#options);
      try {
        await connection.connect(address.slice(0, at), Number(address.slice(at + 1)));
        return connection;
      } catch (error) {
        lastError = error;
        await connection.close().catch(() => undefined);
      }
    }
    throw new Error(`cannot connect to any of ${this.#bootstrap.join(', ')}: ${describeError(lastError)}`, {
      cause: lastError,
    });
  }
}

// How long calls wait for company. Every write the controller commits (topics, configs, partitions,
// ACLs, credentials, quotas) costs the broker ~30 ms of CPU per request whatever its size (1,000 topics:
// 6.6 s of Kafka's CPU in requests of 5, 1.2 s in requests of 500), so writes wait longer than reads.
export interface AdminBatching {
  reads: RequestBatcherOptions;
  writes: RequestBatcherOptions;
}

// What every part of the admin shares: its own connection, the request counter and the batching.
export interface AdminContext {
  connection: AdminConnection;
  // Called right before each request goes to Kafka: counts it, and throws for a write this replica may
  // no longer make (it lost or released the Lease), so nothing of a batch waiting to go is sent.
  count(operation: string): void;
  batching: AdminBatching;
}
