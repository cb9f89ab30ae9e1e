/** A clock that moves only when told to, for timestamps and durations. */
export class FakeClock {
  #nowMs: number;

  constructor(startIso = "2026-03-01T08:00:00.000Z") {
    this.#nowMs = Date.parse(startIso);
  }

  readonly now = (): Date => new Date(this.#nowMs);

  advance(milliseconds: number): void {
    this.#nowMs += milliseconds;
  }
}
