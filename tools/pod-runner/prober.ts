// Runs one probe on its period and turns attempts into a verdict with the kubelet's thresholds:
// successThreshold successes in a row make it pass, failureThreshold failures in a row make it fail.
import type { V1Probe } from '@kubernetes/client-node';
import { type ProbeResult, type ProbeTarget, runProbe } from './probe.ts';

export type Verdict = 'passing' | 'failing';

export class Prober {
  readonly #probe: V1Probe;
  readonly #target: () => ProbeTarget;
  readonly #onVerdict: (verdict: Verdict, last: ProbeResult) => void;
  #timer: NodeJS.Timeout | undefined;
  #successes = 0;
  #failures = 0;
  #verdict: Verdict | undefined;
  #stopped = false;

  constructor(
    probe: V1Probe,
    target: () => ProbeTarget,
    onVerdict: (verdict: Verdict, last: ProbeResult) => void,
  ) {
    this.#probe = probe;
    this.#target = target;
    this.#onVerdict = onVerdict;
  }

  start(): void {
    this.#schedule((this.#probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#attempt(), delayMs);
  }

  async #attempt(): Promise<void> {
    let result: ProbeResult;
    try {
      result = await runProbe(this.#probe, this.#target());
    } catch (error) {
      result = { success: false, message: (error as Error).message };
    }
    if (this.#stopped) return;
    if (result.success) {
      this.#failures = 0;
      this.#successes++;
      if (this.#successes >= (this.#probe.successThreshold ?? 1)) this.#decide('passing', result);
    } else {
      this.#successes = 0;
      this.#failures++;
      if (this.#failures >= (this.#probe.failureThreshold ?? 3)) this.#decide('failing', result);
    }
    this.#schedule((this.#probe.periodSeconds ?? 10) * 1000);
  }

  #decide(verdict: Verdict, last: ProbeResult): void {
    if (this.#verdict === verdict) return;
    this.#verdict = verdict;
    this.#onVerdict(verdict, last);
  }
}
