// The reconcile queue: one bullmq job per resource key in Redis. Deduplication keeps at most one
// job running and one waiting per key (keepLastIfActive), so an event during a reconcile yields
// exactly one follow-up and two reconciles of one resource never overlap, across replicas too.
// Two lanes: background reconciles (periodic resyncs) carry a bullmq priority, and bullmq takes a job
// without one first, so a change is never queued behind a resync of thousands of resources.
import { randomUUID } from 'node:crypto';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis, type RedisOptions, ReplyError } from 'ioredis';
import type { Logger } from 'pino';

export interface ReconcileRequest {
  kind: string;
  key: string;
}

// A handler returns when the reconcile is over, whatever its outcome: retries are enqueued by the
// caller with the delay its back-off asks for. It throws only when aborted.
export type ReconcileHandler = (request: ReconcileRequest, signal: AbortSignal) => Promise<void>;

// Where the queue's Redis is and how to log in to it: a server by its URL, or the master that Redis
// Sentinel names (the client asks the sentinels, and asks again after a failover).
export type RedisConnection = RedisServer | RedisSentinels;

export interface RedisServer {
  // redis://host:port, or rediss:// for TLS.
  url: string;
  // Overrides a password in the URL (REDIS_PASSWORD, from a Secret).
  password?: string | undefined;
  // PEM of the CA that signed a rediss:// server's certificate, when the system's CAs do not cover it.
  tlsCa?: string | undefined;
}

export interface RedisSentinels {
  sentinels: { host: string; port: number }[];
  // The name the sentinels monitor the master by (`sentinel monitor <name> …`).
  masterName: string;
  // The master's password (REDIS_PASSWORD).
  password?: string | undefined;
  // The sentinels' own, when they require one (REDIS_SENTINEL_PASSWORD).
  sentinelPassword?: string | undefined;
}

// ioredis's options for the connection, the URL apart (ioredis takes it as a first argument; bullmq
// takes it as `url` and does the same).
export function redisClientOptions(redis: RedisConnection): { url?: string } & RedisOptions {
  const password = redis.password === undefined ? {} : { password: redis.password };
  if ('sentinels' in redis) {
    return {
      sentinels: redis.sentinels,
      name: redis.masterName,
      ...password,
      ...(redis.sentinelPassword === undefined ? {} : { sentinelPassword: redis.sentinelPassword }),
    };
  }
  return { url: redis.url, ...password, ...(redis.tlsCa === undefined ? {} : { tls: { ca: redis.tlsCa } }) };
}

// Where the Redis is, for messages: never a password.
export function describeRedis(redis: RedisConnection): string {
  if ('sentinels' in redis)
    return `the Redis master ${redis.masterName} of the sentinels ${sentinelList(redis)}`;
  return `Redis at ${new URL(redis.url).host}`;
}

function sentinelList(redis: RedisSentinels): string {
  return redis.sentinels.map(({ host, port }) => `${host}:${port}`).join(',');
}

// ioredis reports sentinels that refuse its AUTH as unreachable, naming the refusal as the last error.
function sentinelsRefusal(error: unknown): string | undefined {
  const match = /^All sentinels are unreachable.*Last error: ((?:WRONGPASS|NOAUTH|ERR AUTH).*)$/s.exec(
    error instanceof Error ? error.message : '',
  );
  return match?.[1];
}

function redisClient(redis: RedisConnection, options: RedisOptions): Redis {
  const { url, ...connection } = redisClientOptions(redis);
  return url === undefined
    ? new Redis({ ...connection, ...options })
    : new Redis(url, { ...connection, ...options });
}

export interface ReconcileQueueOptions {
  redis: RedisConnection;
  prefix: string;
  name?: string;
  concurrency: number;
  // How long a new job waits for more events of the same resource before it runs: a burst of
  // updates becomes one reconcile. Each event within the window restarts it (debounce).
  coalesceMs?: number;
  // How long a crashed worker's job stays locked before another worker may take it.
  lockDurationMs?: number;
  logger: Logger;
}

// The promise's value, or `fallback` when it takes longer than ms.
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isCredentialsRefusal(error: unknown): error is Error {
  return error instanceof ReplyError && /^(WRONGPASS|NOAUTH|ERR AUTH)/.test((error as Error).message);
}

export class RedisCredentialsError extends Error {
  override name = 'RedisCredentialsError';
}

/**
 * Connects once to tell a wrong password from an unreachable Redis: the first is an error the operator
 * cannot recover from (RedisCredentialsError); the second is waited out, and /readyz says so meanwhile.
 */
export async function verifyRedisCredentials(redis: RedisConnection, logger: Logger): Promise<void> {
  const client = redisClient(redis, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
  });
  // A refused AUTH comes as an 'error' event; connect() then only says the connection closed.
  let refusal: Error | undefined;
  client.on('error', (error: Error) => {
    if (isCredentialsRefusal(error)) refusal = error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const refused = refusal ?? (isCredentialsRefusal(error) ? error : undefined);
    if (refused) {
      const source = 'sentinels' in redis ? 'REDIS_PASSWORD' : "REDIS_PASSWORD or the URL's password";
      throw new RedisCredentialsError(
        `${describeRedis(redis)} refused the operator's credentials (${source}): ${refused.message}`,
      );
    }
    const sentinelsRefused = 'sentinels' in redis ? sentinelsRefusal(error) : undefined;
    if (sentinelsRefused && 'sentinels' in redis) {
      throw new RedisCredentialsError(
        `the sentinels ${sentinelList(redis)} refused the operator's credentials (REDIS_SENTINEL_PASSWORD): ${sentinelsRefused}`,
      );
    }
    logger.warn({ err: error }, 'Redis is not reachable yet: reconciles wait until it is');
  } finally {
    client.disconnect();
  }
}

export function deduplicationId(request: ReconcileRequest): string {
  return `${request.kind}/${request.key}`;
}

// Any bullmq priority puts a job behind every job without one.
const backgroundPriority = 1;

export class ReconcileQueue {
  readonly #options: Required<Omit<ReconcileQueueOptions, 'logger'>> & Pick<ReconcileQueueOptions, 'logger'>;
  readonly #queue: Queue<ReconcileRequest>;
  #worker: Worker<ReconcileRequest> | undefined;
  // A worker told to stop, until its running jobs are over.
  #stopping: { worker: Worker<ReconcileRequest>; closed: Promise<void> } | undefined;

  constructor(options: ReconcileQueueOptions) {
    this.#options = {
      name: 'reconcile',
      coalesceMs: 200,
      lockDurationMs: 15_000,
      ...options,
    };
    this.#queue = new Queue<ReconcileRequest>(this.#options.name, {
      connection: this.#connection(false),
      prefix: this.#options.prefix,
    });
    this.#queue.on('error', (error) => this.#options.logger.error({ err: error }, 'reconcile queue error'));
  }

  // bullmq owns connections built from options: it reconnects them and closes them on close(). The
  // worker's may buffer while Redis is away (its few in-flight commands); the queue's may not, so an
  // enqueue fails at once instead of piling up, and the full resync after the reconnect covers it.
  #connection(offlineBuffer: boolean) {
    return {
      ...redisClientOptions(this.#options.redis),
      maxRetriesPerRequest: null,
      enableOfflineQueue: offlineBuffer,
    };
  }

  // `delayMs` defaults to the coalescing window; a retry passes what its back-off has left. A job already
  // waiting for the resource absorbs this one (it reads the resource as it is when it runs), so a
  // resource that changes without pause is still reconciled once per window; `cutShort` replaces a
  // job that waits out a back-off, so that a change is tried now.
  // `background` (a periodic resync) runs once no other job waits, and adds no follow-up to a running
  // reconcile of its resource, which serves it. Any other request that a background job absorbs moves
  // that job to the front lane.
  async enqueue(
    request: ReconcileRequest,
    {
      delayMs = this.#options.coalesceMs,
      cutShort = false,
      background = false,
    }: { delayMs?: number; cutShort?: boolean; background?: boolean } = {},
  ): Promise<void> {
    const id = deduplicationId(request);
    const common = {
      delay: Math.max(delayMs, this.#options.coalesceMs),
      removeOnComplete: true,
      removeOnFail: true,
    };
    if (background) {
      await this.#queue.add(request.kind, request, {
        ...common,
        deduplication: { id },
        priority: backgroundPriority,
      });
      return;
    }
    // An id of its own tells this job from the one that absorbs it.
    const jobId = randomUUID();
    const job = await this.#queue.add(request.kind, request, {
      ...common,
      jobId,
      deduplication: { id, keepLastIfActive: true, replace: cutShort },
    });
    if (job.id !== jobId) await this.#toFrontLane(job);
  }

  // Only a background job moves: moving a job of the front lane would put it at the back of it. The
  // absorbing job may have run and gone meanwhile: then it read the resource after this request's change.
  async #toFrontLane(job: Job<ReconcileRequest>): Promise<void> {
    const priority = await (await this.#client()).hget(this.#queue.toKey(job.id ?? ''), 'priority');
    if (!priority || Number(priority) === 0) return;
    await job.changePriority({ priority: 0 }).catch((error: unknown) => {
      if (!(error instanceof Error && error.message.startsWith('Missing key for job'))) throw error;
    });
  }

  // Calls back when the connection to Redis is lost (false) and each time it is ready again (true):
  // jobs may have been lost with it (Redis without persistence), so the caller enqueues everything again.
  async onConnectionChange(callback: (connected: boolean) => void): Promise<void> {
    const client = await this.#client();
    let connected = client.status === 'ready';
    client.on('close', () => {
      if (connected) {
        this.#options.logger.error('lost the connection to Redis: no reconcile runs until it is back');
        callback(false);
      }
      connected = false;
    });
    client.on('ready', () => {
      if (!connected) this.#options.logger.info('connected to Redis');
      connected = true;
      callback(true);
    });
  }

  async #client(): Promise<Redis> {
    // bullmq's connections are ioredis clients; its own interface type leaves some of their API out.
    return (await this.#queue.client) as unknown as Redis;
  }

  async depth(): Promise<number> {
    const counts = await this.#queue.getJobCounts('waiting', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  // Whether Redis answers within timeoutMs; false at once while the connection is down.
  async ping(timeoutMs: number): Promise<boolean> {
    const client = await this.#client();
    if (client.status !== 'ready') return false;
    return within(
      client.ping().then((answer) => answer === 'PONG'),
      timeoutMs,
      false,
    );
  }

  // Starts taking jobs (the leader only).
  startWorker(handler: ReconcileHandler): void {
    if (this.#worker) return;
    const { logger } = this.#options;
    const worker = new Worker<ReconcileRequest>(
      this.#options.name,
      async (job: Job<ReconcileRequest>, _token, signal) => {
        await handler(job.data, signal ?? new AbortController().signal);
      },
      {
        connection: this.#connection(true),
        prefix: this.#options.prefix,
        concurrency: this.#options.concurrency,
        lockDuration: this.#options.lockDurationMs,
        stalledInterval: Math.max(1_000, Math.floor(this.#options.lockDurationMs / 3)),
      },
    );
    worker.on('error', (error) => logger.error({ err: error }, 'reconcile worker error'));
    // Aborted jobs: their resources are enqueued again by whoever leads next.
    worker.on('failed', (job, error) =>
      logger.info({ kind: job?.data.kind, key: job?.data.key, err: error }, 'reconcile aborted'),
    );
    this.#worker = worker;
  }

  // Stops taking jobs. The running ones may finish within drainMs (a graceful shutdown); those still
  // running then, or at once when drainMs is 0 (leadership lost), are aborted. A call during a drain
  // cuts it short.
  async stopWorker(reason: string, drainMs = 0): Promise<void> {
    if (this.#worker) {
      const worker = this.#worker;
      this.#worker = undefined;
      this.#stopping = { worker, closed: worker.close().finally(() => (this.#stopping = undefined)) };
    }
    const stopping = this.#stopping;
    if (!stopping) return;
    if (
      drainMs > 0 &&
      !(await within(
        stopping.closed.then(() => true),
        drainMs,
        false,
      ))
    ) {
      this.#options.logger.warn(
        { drainMs },
        'reconciles still running at the end of the drain: aborting them',
      );
    }
    stopping.worker.cancelAllJobs(reason);
    await stopping.closed;
  }

  async close(): Promise<void> {
    await this.stopWorker('shutting down');
    await this.#queue.close();
  }
}
