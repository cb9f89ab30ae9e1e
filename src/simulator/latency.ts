import { SimulatorError } from "./errors.js";
import type { LatencyTable } from "./types.js";

/**
 * The production timing table (authenticate 200 ms, start session 300, open window 500,
 * change 100 per field, save 400, clear 200, close 200, end session 100). Operations the
 * table does not list get a small cost: router, server info, window state, data read and tool
 * list 50 ms; tab, row and tool run 100 ms; OData 100 ms. A change costs
 * `changeRequest + changeField × fields`.
 */
export const SEED_LATENCY: Readonly<LatencyTable> = Object.freeze({
  authenticate: 200,
  router: 50,
  serverInfo: 50,
  startSession: 300,
  listSessions: 50,
  endSession: 100,
  openWindow: 500,
  windowState: 50,
  changeRequest: 50,
  changeField: 50,
  selectTab: 100,
  addRow: 100,
  selectRow: 100,
  save: 400,
  getData: 50,
  clear: 200,
  listTools: 50,
  runTool: 100,
  close: 200,
  odata: 100,
});

export const NO_LATENCY: Readonly<LatencyTable> = Object.freeze(
  Object.fromEntries(Object.keys(SEED_LATENCY).map((key) => [key, 0])) as unknown as LatencyTable,
);

export type LatencyOperation = keyof LatencyTable;

/**
 * Resolves the latency option. A partial table takes the seed values for the operations it
 * does not name; unknown keys and negative or non-finite numbers are refused.
 */
export function resolveLatency(latency: "none" | "seed" | Partial<LatencyTable> | undefined) {
  if (latency === undefined || latency === "none") return { ...NO_LATENCY };
  if (latency === "seed") return { ...SEED_LATENCY };
  if (typeof latency !== "object" || latency === null || Array.isArray(latency)) {
    throw new SimulatorError(
      "P21_SIMULATOR_OPTIONS",
      `latency must be "none", "seed" or a table of milliseconds, got ${JSON.stringify(latency)}`,
    );
  }

  const table: LatencyTable = { ...SEED_LATENCY };
  for (const [key, value] of Object.entries(latency)) {
    if (!(key in SEED_LATENCY)) {
      throw new SimulatorError(
        "P21_SIMULATOR_OPTIONS",
        `unknown latency operation "${key}"; known: ${Object.keys(SEED_LATENCY).join(", ")}`,
      );
    }

    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new SimulatorError(
        "P21_SIMULATOR_OPTIONS",
        `latency of "${key}" must be a non-negative number of milliseconds, got ${JSON.stringify(value)}`,
      );
    }

    table[key as LatencyOperation] = value;
  }

  return table;
}

/** The most lateness (or earliness) the next waits make up for, in milliseconds. */
const maxLateMs = 1;

/**
 * How late the waits stand after one that was charged `modeledMs` and took `servedMs`: what
 * the next wait is shortened by (lengthened, when negative). @internal
 */
export function lateness(lateMs: number, modeledMs: number, servedMs: number): number {
  return Math.min(maxLateMs, Math.max(-maxLateMs, lateMs + servedMs - modeledMs));
}

/**
 * How much later than charged the waits of one stream of requests came in (see
 * {@link lateness}), made up for by that stream's next waits. A session serves its requests
 * one at a time and keeps its own; requests outside a session share the model's.
 */
export interface LatencyAccount {
  lateMs: number;
}

/** Cost model: a resolved table times the time scale. */
export class LatencyModel {
  private readonly table: LatencyTable;
  private readonly timeScale: number;
  private readonly onPaid: (modeledMs: number, servedMs: number) => void;
  /** The account of the requests that are not in a session (token, router, OData, …). */
  private readonly shared: LatencyAccount = { lateMs: 0 };

  constructor(
    table: LatencyTable,
    timeScale: number,
    onPaid: (modeledMs: number, servedMs: number) => void = () => undefined,
  ) {
    this.table = table;
    this.timeScale = timeScale;
    this.onPaid = onPaid;
  }

  /**
   * Waits for the cost of `operation` (a table entry, or milliseconds already scaled) and
   * reports what was charged and how long the wait took.
   *
   * Timers fire on whole milliseconds of the event loop's clock, a fraction of one late: at a
   * time scale of 0.02, where a change costs 1 to 3 ms, that added about 7 % to every cost.
   * So each wait is shortened (or lengthened) by how late (or early) the waits before it came
   * in, within a millisecond either way, and the time served adds up to the time modeled. One
   * wait can still be a fraction of a millisecond off its cost; their sum is not.
   *
   * The lateness is kept per `account`, one for each stream of waits that follow one another:
   * with one for all, five sessions waiting at once each made up for the same lateness, and on a
   * busy event loop the waits of five sessions came to 4–7 % more than their model.
   */
  async pay(
    operation: LatencyOperation | number,
    signal: AbortSignal,
    account: LatencyAccount = this.shared,
  ): Promise<void> {
    const modeledMs = typeof operation === "number" ? operation : this.costMs(operation);
    if (modeledMs <= 0) return;

    const waitMs = modeledMs - account.lateMs;
    const startedAt = performance.now();
    if (waitMs > 0) await sleep(waitMs, signal);
    else if (signal.aborted) throw signal.reason as Error;
    const servedMs = performance.now() - startedAt;
    account.lateMs = lateness(account.lateMs, modeledMs, servedMs);
    this.onPaid(modeledMs, servedMs);
  }

  /** Milliseconds an operation costs, scaled. */
  costMs(operation: LatencyOperation): number {
    return this.table[operation] * this.timeScale;
  }

  /** Milliseconds a change carrying `fieldCount` fields costs, scaled. */
  changeCostMs(fieldCount: number): number {
    return (this.table.changeRequest + this.table.changeField * fieldCount) * this.timeScale;
  }
}

/**
 * Sleeps that all end when the simulator closes. Each sleep rejects with the close reason
 * when its signal aborts; timers are `unref`'d and cleared on every path.
 */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  if (milliseconds <= 0) return Promise.resolve();
  if (signal.aborted) return Promise.reject(signal.reason as Error);

  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };

    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    timer.unref();
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
