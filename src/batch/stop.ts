/**
 * Two-stage stop: the first signal stops taking records (graceful), the second abandons at
 * once (hard). `hard` is the signal passed to every request and wait.
 */
export class StopController {
  readonly #hard = new AbortController();
  readonly #graceful = new AbortController();
  readonly #cleanups: (() => void)[] = [];

  constructor(graceful: AbortSignal | undefined, hard: AbortSignal | undefined) {
    this.#follow(graceful, () => this.#graceful.abort(graceful?.reason));
    this.#follow(hard, () => this.stopHard(hard?.reason));
  }

  /** Aborted on the first stop: no new record starts; waits for retries end early. */
  get graceful(): AbortSignal {
    return this.#graceful.signal;
  }

  /** Aborted on a hard stop: requests end at once. */
  get hard(): AbortSignal {
    return this.#hard.signal;
  }

  get stopping(): boolean {
    return this.#graceful.signal.aborted;
  }

  /** Stops taking records. */
  stop(reason?: unknown): void {
    this.#graceful.abort(reason);
  }

  /** Abandons everything at once (implies a graceful stop). */
  stopHard(reason?: unknown): void {
    this.#graceful.abort(reason);
    this.#hard.abort(reason);
  }

  /** Removes the listeners on the caller's signals. */
  dispose(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
  }

  #follow(signal: AbortSignal | undefined, onAbort: () => void): void {
    if (signal === undefined) return;
    if (signal.aborted) {
      onAbort();
      return;
    }

    signal.addEventListener("abort", onAbort, { once: true });
    this.#cleanups.push(() => signal.removeEventListener("abort", onAbort));
  }
}

/**
 * Waits `delayMs`, or less when a signal aborts. Resolves `true` when the full delay elapsed,
 * `false` when a signal ended it. The timer is cleared on every path; it is not unref'd on
 * purpose: a backoff in the middle of a run must keep the process alive until the run ends.
 */
export function sleep(delayMs: number, ...signals: AbortSignal[]): Promise<boolean> {
  if (signals.some((signal) => signal.aborted)) return Promise.resolve(false);
  if (delayMs <= 0) return Promise.resolve(true);

  return new Promise((resolve) => {
    const finish = (elapsed: boolean) => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener("abort", onAbort);
      resolve(elapsed);
    };

    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(true), delayMs);
    for (const signal of signals) signal.addEventListener("abort", onAbort, { once: true });
  });
}
