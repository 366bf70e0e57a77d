// Capped exponential backoff with jitter, for anything that retries a remote call after a failure.
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

// `attempt` counts from 1: the first retry waits about initialMs, each later one twice as long, up to maxMs.
export function backoffDelay(attempt: number, policy: BackoffPolicy, random = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  // Up to 20% jitter so that many clients failing together do not retry in lockstep.
  return Math.round(exponential * (0.8 + 0.2 * random()));
}
