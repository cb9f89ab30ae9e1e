// The soak's kills: where in a command's run a kill is to land, chosen from the soak's seed, and
// the watcher that lands it. A kill is timed by what the command and the server are doing, not
// by a delay: the command's progress events (`--json` on its stdout) say which phase runs and
// how far it is, the simulator's own events say when a write was committed (a kill then leaves
// a save whose answer never came) and when a lookup follows a lost answer (a reconciliation).
import type { ChildProcess } from "node:child_process";
import type { CommitInfo, RequestInfo } from "../src/simulator/index.js";

/** Where a kill is aimed. */
export type KillTarget = "plan" | "expire" | "create" | "link" | "reconcile" | "results";

export type KillSignal = "SIGKILL" | "SIGTERM" | "SIGINT";

/** One kill of one command. */
export interface KillPlan {
  target: KillTarget;
  signal: KillSignal;
  /** For SIGTERM and SIGINT: a second signal after this many ms (the CLI then aborts at once). */
  secondSignalAfterMs: number | undefined;
  /** How far into the target phase: the fraction of the records it has left at its start. */
  fraction: number;
  /** Count the phase's writes as the server commits them, or as the command settles them. */
  countBy: "commit" | "settled";
  /** After the moment is reached, wait this long (0: at once, before the server answers). */
  delayMs: number;
}

const phaseOrder = ["expire", "create", "link"] as const;
type Phase = (typeof phaseOrder)[number];

const targets: readonly KillTarget[] = ["plan", "expire", "create", "link", "reconcile", "results"];

/** A kill plan drawn from `random` (a seeded generator of numbers in [0, 1)). */
export function drawKill(random: () => number): KillPlan {
  const target = targets[Math.floor(random() * targets.length)] ?? "plan";
  const roll = random();
  const signal: KillSignal = roll < 0.7 ? "SIGKILL" : roll < 0.85 ? "SIGTERM" : "SIGINT";
  const second = signal !== "SIGKILL" && random() < 0.3;

  return {
    target,
    signal,
    secondSignalAfterMs: second ? Math.floor(random() * 300) : undefined,
    fraction: random(),
    countBy: random() < 0.5 ? "commit" : "settled",
    delayMs: random() < 0.5 ? 0 : Math.floor(random() * 40),
  };
}

/**
 * Where a kill landed: `plan`, `recheck` (a resume's look-ups), a phase, its reconciliation,
 * or `results` (once the last phase is done, while the result files are written).
 */
export type KillLanding = "plan" | "recheck" | Phase | `${Phase} reconcile` | "results";

function tableOf(phase: Phase): { table: string; kind: CommitInfo["kind"] } {
  if (phase === "expire") return { table: "price_page", kind: "update" };
  if (phase === "create") return { table: "price_page", kind: "insert" };
  return { table: "price_book_x_page", kind: "insert" };
}

function isLookup(route: string): boolean {
  return route.includes("odata");
}

/** A window request that may change what the server holds (route keys are "METHOD path"). */
function isWrite(route: string): boolean {
  return route.includes("/interactive/v2/") && !route.startsWith("GET");
}

/**
 * Watches `child` (a command started with `--json`) and, through `commit` and `request`, the
 * simulator's events, and sends the plan's signal once its moment comes. `landing()` says where it landed, `undefined` while it has
 * not (a command that ends first is not killed). `starts` says whether the command plans a
 * new run (replace, retry-failed) or resumes one.
 */
export class KillWatcher {
  readonly #child: ChildProcess;
  readonly #plan: KillPlan;
  readonly #starts: boolean;
  #phase: Phase | undefined;
  /** The phase the plan aims at now: its own, or a later one when that is what runs. */
  #aim: Phase | undefined;
  #goal = 0;
  #counted = 0;
  #lookups = 0;
  #planLookups: number;
  /** A write's answer was lost, or the phase started with records in flight. */
  #reconciling = false;
  #landing: KillLanding | undefined;
  #buffer = "";
  #stopped = false;

  constructor(child: ChildProcess, plan: KillPlan, options: { starts: boolean }) {
    this.#child = child;
    this.#plan = plan;
    this.#starts = options.starts;
    this.#planLookups = 1 + Math.floor(plan.fraction * 2);
    if (plan.target === "expire" || plan.target === "create" || plan.target === "link") {
      this.#aim = plan.target;
    }

    child.stdout?.on("data", (chunk: Buffer | string) => this.#output(String(chunk)));
    child.once("close", () => this.stop());
  }

  landing(): KillLanding | undefined {
    return this.#landing;
  }

  stop(): void {
    this.#stopped = true;
  }

  #output(text: string): void {
    if (this.#stopped) return;

    this.#buffer += text;
    const lines = this.#buffer.split("\n");
    this.#buffer = lines.pop() ?? "";
    for (const line of lines) {
      let event: { type?: string; phase?: string; inFlight?: number; counts?: { total: number } };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        continue;
      }

      this.#event(event);
    }
  }

  #event(event: { type?: string; phase?: string; inFlight?: number; counts?: { total: number } }) {
    const phase = phaseOrder.find((name) => name === event.phase);
    if (phase === undefined) return;

    if (event.type === "phase-started") {
      this.#phase = phase;
      this.#reconciling = (event.inFlight ?? 0) > 0;
      this.#counted = 0;
      // A plan aimed at an earlier phase, or at the look-ups before any, takes this one.
      const aimed = this.#aim === undefined ? -1 : phaseOrder.indexOf(this.#aim);
      if (
        (this.#plan.target === "plan" || this.#aim !== undefined) &&
        aimed <= phaseOrder.indexOf(phase)
      ) {
        this.#aim = phase;
      }

      this.#goal = Math.max(1, Math.round(this.#plan.fraction * (event.counts?.total ?? 1)));
      return;
    }

    if (event.type === "phase-finished") {
      this.#phase = undefined;
      if (this.#plan.target === "results" && phase === "link") this.#fire("results");
      this.#reconciling = false;
      return;
    }

    if (event.type === "batch-started") this.#reconciling = false;
    if (event.type === "record-settled" && this.#plan.countBy === "settled") {
      this.#count(phase);
    }
  }

  /** The simulator committed a write. */
  commit(info: CommitInfo): void {
    if (this.#stopped || this.#plan.countBy !== "commit" || this.#phase === undefined) return;

    const expected = tableOf(this.#phase);
    if (info.table === expected.table && info.kind === expected.kind) this.#count(this.#phase);
  }

  #count(phase: Phase): void {
    if (phase !== this.#aim) return;

    this.#counted += 1;
    if (this.#counted >= this.#goal) this.#fire(phase);
  }

  /** The simulator answered a request (status 0: it reset the connection). */
  request(info: RequestInfo): void {
    if (this.#stopped) return;

    if (isWrite(info.route) && (info.status === 0 || info.status >= 500)) {
      this.#reconciling = true;
      return;
    }

    if (!isLookup(info.route)) return;

    if (this.#plan.target === "reconcile" && this.#reconciling && this.#phase !== undefined) {
      this.#fire(`${this.#phase} reconcile`);
      return;
    }

    if (this.#plan.target === "plan" && this.#phase === undefined && this.#aim === undefined) {
      this.#lookups += 1;
      if (this.#lookups >= this.#planLookups) this.#fire(this.#starts ? "plan" : "recheck");
    }
  }

  #fire(landing: KillLanding): void {
    if (this.#landing !== undefined || this.#child.exitCode !== null) return;

    this.#landing = landing;
    this.stop();
    const send = () => {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;

      this.#child.kill(this.#plan.signal);
      const after = this.#plan.secondSignalAfterMs;
      if (after !== undefined) {
        setTimeout(() => {
          if (this.#child.exitCode === null && this.#child.signalCode === null) {
            this.#child.kill(this.#plan.signal);
          }
        }, after);
      }
    };
    if (this.#plan.delayMs === 0) send();
    else setTimeout(send, this.#plan.delayMs);
  }
}
