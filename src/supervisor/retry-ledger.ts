// The back-off of failing resources, kept per resource and generation: each failure of the same
// generation doubles the wait before the next attempt, up to the cap. A periodic resync or a relist
// waits out what is left of it; a new generation starts afresh, so a fixed spec is tried at once.
import { type BackoffPolicy, backoffDelay } from './backoff.ts';

interface FailureStreak {
  generation: number | undefined;
  failures: number;
  retryAt: number;
}

export class RetryLedger {
  readonly #policy: BackoffPolicy;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #streaks = new Map<string, FailureStreak>();

  constructor(policy: BackoffPolicy, clock: { now?: () => number; random?: () => number } = {}) {
    this.#policy = policy;
    this.#now = clock.now ?? Date.now;
    this.#random = clock.random ?? Math.random;
  }

  /** Records a failed reconcile of a resource at a generation; returns how long to wait before the next. */
  failed(id: string, generation: number | undefined): number {
    const streak = this.#streaks.get(id);
    const failures = streak && streak.generation === generation ? streak.failures + 1 : 1;
    const delayMs = backoffDelay(failures, this.#policy, this.#random);
    this.#streaks.set(id, { generation, failures, retryAt: this.#now() + delayMs });
    return delayMs;
  }

  /**
   * A reconcile that waits for the world: the next attempt comes after `delayMs` (or at a watch event),
   * and a failure after it starts a fresh back-off.
   */
  waits(id: string, generation: number | undefined, delayMs: number): void {
    this.#streaks.set(id, { generation, failures: 0, retryAt: this.#now() + delayMs });
  }

  /** A reconcile that settled, or a resource that is gone: no back-off is left. */
  forget(id: string): void {
    this.#streaks.delete(id);
  }

  /** Whether a retry of the resource waits out a back-off now, whatever the generation. */
  waiting(id: string): boolean {
    const streak = this.#streaks.get(id);
    return streak !== undefined && streak.retryAt > this.#now();
  }

  /** What is left of the resource's back-off at this generation; 0 when none applies. */
  remainingMs(id: string, generation: number | undefined): number {
    const streak = this.#streaks.get(id);
    if (!streak || streak.generation !== generation) return 0;
    return Math.max(0, streak.retryAt - this.#now());
  }
}
