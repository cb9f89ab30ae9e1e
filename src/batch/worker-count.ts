/** Why the number of active workers changed. */
export type WorkerCountReason =
  "pool-refused" | "slow-session-create" | "token-contention" | "increase";

/**
 * How many workers may hold a session at once: additive increase, multiplicative decrease. A
 * worker takes a new batch only while fewer than `target` workers hold one. Never above
 * `maximum`, never below 1. Pure state machine: no timers, no I/O.
 */
export class WorkerCountController {
  readonly maximum: number;
  #target: number;
  /** Highest target allowed; 1 for good when tokens invalidate each other. */
  #ceiling: number;
  #successesSinceChange = 0;
  /** Successful batches needed before the next increase; doubles after each failed probe. */
  #probeAfter: number;
  /** The target that was last refused, so that probing it again waits longer. */
  #refusedAt: number | undefined;
  readonly #onChange: (from: number, to: number, reason: WorkerCountReason) => void;

  constructor(
    maximum: number,
    onChange: (from: number, to: number, reason: WorkerCountReason) => void = () => undefined,
  ) {
    this.maximum = Math.max(1, Math.floor(maximum));
    this.#target = this.maximum;
    this.#ceiling = this.maximum;
    this.#probeAfter = this.maximum;
    this.#onChange = onChange;
  }

  get target(): number {
    return this.#target;
  }

  get ceiling(): number {
    return this.#ceiling;
  }

  /** Whether one more worker may take a batch while `activeWorkers` hold one. */
  allows(activeWorkers: number): boolean {
    return activeWorkers < this.#target;
  }

  /**
   * The pool refused (or made wait too long) a session while `openSessions` other sessions were
   * open. When that many already reach the target, the refused worker was one admitted under an
   * earlier, higher target: its decrease was counted, and this refusal is ignored.
   */
  sessionRefused(openSessions: number, reason: "pool-refused" | "slow-session-create"): void {
    if (openSessions >= this.#target) return;

    const halved = Math.floor(this.#target / 2);
    const next = Math.max(1, Math.min(this.#target - 1, Math.max(halved, openSessions)));
    if (this.#refusedAt === this.#target) this.#probeAfter *= 2;

    this.#refusedAt = this.#target;
    this.#set(next, reason);
  }

  /**
   * Tokens of this user invalidate each other: only the newest token's session lives, so one
   * worker, for good.
   */
  tokenContention(): void {
    this.#ceiling = 1;
    if (this.#ceiling < this.#target) this.#set(this.#ceiling, "token-contention");
  }

  /** A batch finished on a healthy session: after enough of them, allow one more worker. */
  batchSucceeded(): void {
    this.#successesSinceChange += 1;
    if (this.#target >= this.#ceiling) return;
    if (this.#successesSinceChange < this.#probeAfter) return;

    this.#set(this.#target + 1, "increase");
  }

  #set(next: number, reason: WorkerCountReason): void {
    const bounded = Math.max(1, Math.min(next, this.#ceiling, this.maximum));
    this.#successesSinceChange = 0;
    if (bounded === this.#target) return;

    const from = this.#target;
    this.#target = bounded;
    this.#onChange(from, bounded, reason);
  }
}
