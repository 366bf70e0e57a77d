// One describe-all that answers every reader for a bounded time, for Kafka describes whose cost
// does not depend on the filter (DescribeAcls scans every ACL either way). A reader never gets
// data older than `maxAgeMs` plus this admin's own confirmed writes, which are applied to the
// snapshot (and to a describe still in flight) as they succeed; a write that failed drops it.
interface Load<T> {
  sentAt: number;
  // How long after sentAt it answers readers: maxAgeMs, longer once its describe proved costly.
  servesForMs: number;
  value: Promise<T>;
  loaded: T | undefined;
  // Own writes the broker's answer may lack: confirmed while in flight, or just before it was sent.
  missed: Array<(value: T) => void>;
}

interface Write<T> {
  doneAt: number;
  apply: (value: T) => void;
}

// How long, in multiples of its own duration, a costly describe-all serves: describing then takes about
// 1% of the time. With 30,000 ACLs one costs this process 100-160 ms and 36 MiB of garbage and the
// broker as much again. (Strimzi's user operator refreshes its caches every 15 s by default.)
export const describeCostFactor = 100;

export interface SharedSnapshotOptions {
  maxAgeMs: number;
  // A describe that took d ms serves readers for up to costFactor × d (never less than maxAgeMs),
  // so describing takes at most about 1/costFactor of the time however large the answer grows.
  costFactor?: number;
  now?: () => number;
}

export class SharedSnapshot<T> {
  readonly #load: () => Promise<T>;
  readonly #maxAgeMs: number;
  readonly #costFactor: number;
  readonly #now: () => number;
  #current: Load<T> | undefined;
  readonly #inFlight = new Set<Load<T>>();
  // Kafka confirms a write before its broker's metadata has it (a few ms later): writes of the
  // last maxAgeMs are replayed onto each new describe, in the order they were confirmed.
  #recent: Write<T>[] = [];

  constructor(load: () => Promise<T>, options: SharedSnapshotOptions) {
    this.#load = load;
    this.#maxAgeMs = options.maxAgeMs;
    this.#costFactor = options.costFactor ?? 0;
    this.#now = options.now ?? (() => performance.now());
  }

  // The snapshot sent at most maxAgeMs ago (loaded or still in flight), else a new describe.
  read(): Promise<T> {
    const now = this.#now();
    const current = this.#current;
    if (current && now - current.sentAt <= current.servesForMs) return current.value;
    return this.#start(now).value;
  }

  // A write of this admin that Kafka confirmed: `apply` changes the snapshot in place (readers
  // take what they need from it at once, so they see their own writes, never older data).
  written(apply: (value: T) => void): void {
    const now = this.#now();
    this.#recent = [
      ...this.#recent.filter((write) => now - write.doneAt <= this.#maxAgeMs),
      { doneAt: now, apply },
    ];
    for (const load of this.#inFlight) load.missed.push(apply);
    const loaded = this.#current?.loaded;
    if (loaded !== undefined) apply(loaded);
  }

  // A write whose outcome is unknown (it failed, maybe in part): the next reader describes again.
  invalidate(): void {
    this.#current = undefined;
  }

  #start(sentAt: number): Load<T> {
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    const missed = this.#recent.filter((write) => sentAt - write.doneAt <= this.#maxAgeMs);
    const load: Load<T> = {
      sentAt,
      servesForMs: this.#maxAgeMs,
      value: promise,
      loaded: undefined,
      missed: missed.map((write) => write.apply),
    };
    this.#inFlight.add(load);
    this.#current = load;
    this.#load().then(
      (described) => {
        this.#inFlight.delete(load);
        for (const apply of load.missed) apply(described);
        load.missed = [];
        load.loaded = described;
        if (this.#maxAgeMs > 0) {
          load.servesForMs = Math.max(this.#maxAgeMs, this.#costFactor * (this.#now() - sentAt));
        }
        resolve(described);
      },
      (error: unknown) => {
        this.#inFlight.delete(load);
        if (this.#current === load) this.#current = undefined;
        reject(error);
      },
    );
    return load;
  }
}
