// The reconcile queue: one bullmq job per resource key in Redis. Deduplication keeps at most one
// job running and one waiting per key (keepLastIfActive), so an event during a reconcile yields
// exactly one follow-up and two reconciles of one resource never overlap, across replicas too.
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { backoffDelay } from './backoff.ts';

export interface ReconcileRequest {
  kind: string;
  key: string;
}

// A handler returns when the reconcile is over (whatever its outcome); it throws to be retried.
export type ReconcileHandler = (request: ReconcileRequest, signal: AbortSignal) => Promise<void>;

export interface ReconcileQueueOptions {
  redisUrl: string;
  prefix: string;
  name?: string;
  concurrency: number;
  // A failed reconcile is retried after initialMs, the wait doubling up to maxMs.
  retry?: { initialMs: number; maxMs: number };
  // How long a new job waits for more events of the same resource before it runs: a burst of
  // updates becomes one reconcile. Each event within the window restarts it (debounce).
  coalesceMs?: number;
  // How long a crashed worker's job stays locked before another worker may take it.
  lockDurationMs?: number;
  logger: Logger;
}

// After this many failures in a row a job is dropped; the periodic resync brings its resource back.
const retryAttempts = 50;

export function deduplicationId(request: ReconcileRequest): string {
  return `${request.kind}/${request.key}`;
}

export class ReconcileQueue {
  readonly #options: Required<Omit<ReconcileQueueOptions, 'logger'>> & { logger: Logger };
  readonly #queue: Queue<ReconcileRequest>;
  #worker: Worker<ReconcileRequest> | undefined;

  constructor(options: ReconcileQueueOptions) {
    this.#options = {
      name: 'reconcile',
      retry: { initialMs: 1_000, maxMs: 300_000 },
      coalesceMs: 200,
      lockDurationMs: 15_000,
      ...options,
    };
    this.#queue = new Queue<ReconcileRequest>(this.#options.name, {
      connection: this.#connection(),
      prefix: this.#options.prefix,
    });
    this.#queue.on('error', (error) => this.#options.logger.error({ err: error }, 'reconcile queue error'));
  }

  #connection() {
    // bullmq owns connections built from options: it reconnects them and closes them on close().
    return { url: this.#options.redisUrl, maxRetriesPerRequest: null, enableOfflineQueue: true };
  }

  async enqueue(request: ReconcileRequest): Promise<void> {
    const { initialMs } = this.#options.retry;
    await this.#queue.add(request.kind, request, {
      // replace: a waiting job (coalescing, or backing off after a failure) gives way to this one,
      // so a fixed spec is reconciled now rather than after the failure's backoff.
      deduplication: { id: deduplicationId(request), keepLastIfActive: true, replace: true },
      delay: this.#options.coalesceMs,
      attempts: retryAttempts,
      backoff: { type: 'capped-exponential', delay: initialMs },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async enqueueAll(requests: ReconcileRequest[]): Promise<void> {
    await Promise.all(requests.map((request) => this.enqueue(request)));
  }

  // Calls back each time the connection to Redis comes back after a loss: jobs may have been lost
  // with it (Redis without persistence), so the caller enqueues everything again.
  async onReconnect(callback: () => void): Promise<void> {
    const client = (await this.#queue.client) as unknown as Redis;
    let connected = client.status === 'ready';
    client.on('close', () => {
      connected = false;
    });
    client.on('ready', () => {
      if (!connected) this.#options.logger.info('reconnected to Redis');
      connected = true;
      callback();
    });
  }

  async depth(): Promise<number> {
    const counts = await this.#queue.getJobCounts('waiting', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  async ping(): Promise<boolean> {
    // bullmq's connections are ioredis clients; its own interface type leaves ping out.
    const client = (await this.#queue.client) as unknown as Redis;
    return (await client.ping()) === 'PONG';
  }

  // Starts taking jobs (the leader only).
  startWorker(handler: ReconcileHandler): void {
    if (this.#worker) return;
    const { retry, logger } = this.#options;
    const worker = new Worker<ReconcileRequest>(
      this.#options.name,
      async (job: Job<ReconcileRequest>, _token, signal) => {
        await handler(job.data, signal ?? new AbortController().signal);
      },
      {
        connection: this.#connection(),
        prefix: this.#options.prefix,
        concurrency: this.#options.concurrency,
        lockDuration: this.#options.lockDurationMs,
        stalledInterval: Math.max(1_000, Math.floor(this.#options.lockDurationMs / 3)),
        settings: { backoffStrategy: (attemptsMade) => backoffDelay(attemptsMade, retry) },
      },
    );
    worker.on('error', (error) => logger.error({ err: error }, 'reconcile worker error'));
    worker.on('failed', (job, error) =>
      logger.warn(
        { kind: job?.data.kind, key: job?.data.key, attempt: job?.attemptsMade, err: error },
        'reconcile failed; retrying with backoff',
      ),
    );
    this.#worker = worker;
  }

  // Stops taking jobs and aborts the running ones (leadership lost, or shutdown).
  async stopWorker(reason: string): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    worker.cancelAllJobs(reason);
    await worker.close();
  }

  async close(): Promise<void> {
    await this.stopWorker('shutting down');
    await this.#queue.close();
  }
}
