import type { ProgressCounts } from "./progress-events.js";

/** The window over which the settle rate is measured. */
export const rateWindowMs = 10_000;

/**
 * Running counts of a phase and its settle rate over the last few seconds. Pure apart from the
 * injected clock.
 */
export class ProgressCounter {
  readonly #counts: ProgressCounts;
  readonly #settledAt: number[] = [];
  readonly #now: () => number;

  constructor(
    initial: Omit<ProgressCounts, "remaining">,
    now: () => number = performance.now.bind(performance),
  ) {
    this.#counts = {
      ...initial,
      remaining: initial.total - initial.succeeded - initial.failed - initial.skipped,
    };
    this.#now = now;
  }

  get counts(): ProgressCounts {
    return { ...this.#counts };
  }

  /** Counts one settled item. */
  settled(state: "succeeded" | "failed" | "skipped"): void {
    this.#counts[state] += 1;
    this.#counts.remaining = Math.max(0, this.#counts.remaining - 1);
    this.#settledAt.push(this.#now());
    this.#trim();
  }

  /** Items settled per second over the last {@link rateWindowMs} (or since the first one). */
  ratePerSecond(): number {
    this.#trim();
    const first = this.#settledAt[0];
    if (first === undefined) return 0;

    const spanMs = Math.max(this.#now() - first, 1_000);

    return (this.#settledAt.length * 1_000) / spanMs;
  }

  /** Milliseconds until every remaining item is settled at the current rate. */
  etaMs(): number | undefined {
    const rate = this.ratePerSecond();
    if (rate <= 0) return undefined;

    return Math.round((this.#counts.remaining / rate) * 1_000);
  }

  #trim(): void {
    const horizon = this.#now() - rateWindowMs;
    while (this.#settledAt.length > 0 && (this.#settledAt[0] ?? 0) < horizon) {
      this.#settledAt.shift();
    }
  }
}
