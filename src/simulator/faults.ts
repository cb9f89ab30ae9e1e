import { SimulatorError } from "./errors.js";
import type { FaultKind, FaultRates, ScheduledFault } from "./types.js";

/** mulberry32: a small, seeded, repeatable generator of numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const RATE_NAMES = ["http500", "reset", "stall", "corrupt", "expire"] as const;
type RateName = (typeof RATE_NAMES)[number];

/** Parses `"http500=0.02,reset=0.01"` (or checks an object) into complete rates. */
export function parseFaultRates(rates: FaultRates | string | undefined): Required<FaultRates> {
  const resolved: Required<FaultRates> = { http500: 0, reset: 0, stall: 0, corrupt: 0, expire: 0 };
  if (rates === undefined || rates === "") return resolved;

  const entries: [string, unknown][] =
    typeof rates === "string"
      ? rates
          .split(",")
          .map((part) => part.trim())
          .filter((part) => part !== "")
          .map((part) => {
            const [name = "", value = ""] = part.split("=").map((piece) => piece.trim());
            return [name, value === "" ? Number.NaN : Number(value)];
          })
      : Object.entries(rates);

  for (const [name, value] of entries) {
    if (!RATE_NAMES.includes(name as RateName)) {
      throw new SimulatorError(
        "P21_SIMULATOR_OPTIONS",
        `unknown fault "${name}"; known: ${RATE_NAMES.join(", ")}`,
      );
    }

    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new SimulatorError(
        "P21_SIMULATOR_OPTIONS",
        `fault rate of "${name}" must be a number from 0 to 1, got ${JSON.stringify(value)}`,
      );
    }

    resolved[name as RateName] = value;
  }

  const total = RATE_NAMES.reduce((sum, name) => sum + resolved[name], 0);
  if (total > 1) {
    throw new SimulatorError(
      "P21_SIMULATOR_OPTIONS",
      `fault rates add up to ${total}, more than 1`,
    );
  }

  return resolved;
}

/** A fault chosen for one request. */
export interface FaultDecision {
  kind: FaultKind;
  phase: "before" | "after";
}

/** What the scheduler needs to know of a request to decide its fault. */
export interface FaultCandidate {
  /** Stats route key. */
  route: string;
  /** Random faults strike only interactive routes. */
  interactive: boolean;
  /** Whether the request applies a change that an "after" fault can lose (change, save). */
  write: boolean;
  /** Whether the request names (or opens) a window that `corrupt` can hit. */
  window: boolean;
}

const FAULT_KINDS: readonly FaultKind[] = [
  "http500",
  "reset",
  "stall",
  "corrupt",
  "expire-session",
  "expire-token",
  "drop-rows",
  "refuse",
];

/** The route a `drop-rows` fault strikes: a save. */
const SAVE_ROUTE = "PUT /api/ui/interactive/v2/data";

interface PendingFault {
  kind: FaultKind;
  route: string | undefined;
  phase: "before" | "after";
  skip: number;
  count: number;
}

/** Validates a scheduled fault (it may come from JSON over HTTP). */
export function checkScheduledFault(fault: unknown): ScheduledFault {
  if (typeof fault !== "object" || fault === null) {
    throw new SimulatorError("P21_SIMULATOR_OPTIONS", "a scheduled fault must be an object");
  }

  const { kind, route, phase, skip, count, ...rest } = fault as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) {
    throw new SimulatorError(
      "P21_SIMULATOR_OPTIONS",
      `unknown fault keys: ${unknownKeys.join(", ")}`,
    );
  }

  if (!FAULT_KINDS.includes(kind as FaultKind)) {
    throw new SimulatorError(
      "P21_SIMULATOR_OPTIONS",
      `fault kind must be one of ${FAULT_KINDS.join(", ")}, got ${JSON.stringify(kind)}`,
    );
  }

  if (route !== undefined && typeof route !== "string") {
    throw new SimulatorError("P21_SIMULATOR_OPTIONS", "fault route must be a string");
  }

  if (phase !== undefined && phase !== "before" && phase !== "after") {
    throw new SimulatorError("P21_SIMULATOR_OPTIONS", `fault phase must be "before" or "after"`);
  }

  for (const [name, value] of [
    ["skip", skip],
    ["count", count],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0)) {
      throw new SimulatorError("P21_SIMULATOR_OPTIONS", `fault ${name} must be a whole number ≥ 0`);
    }
  }

  const checked: ScheduledFault = { kind: kind as FaultKind };
  if (route !== undefined) checked.route = route;
  if (phase !== undefined) checked.phase = phase;
  if (skip !== undefined) checked.skip = skip as number;
  if (count !== undefined) checked.count = count as number;
  return checked;
}

/**
 * Decides, per request, whether a fault strikes: scheduled faults first (in the order they
 * were injected), then the random rates. `http500`, `reset` and `stall` strike before the
 * request is applied or, on a write, after it (half of the time when random).
 */
export class FaultScheduler {
  private rates: Required<FaultRates>;
  private random: () => number;
  private scheduled: PendingFault[] = [];

  constructor(rates: FaultRates | string | undefined, seed: number) {
    this.rates = parseFaultRates(rates);
    this.random = mulberry32(seed);
  }

  setRates(rates: FaultRates | string, seed?: number): void {
    this.rates = parseFaultRates(rates);
    if (seed !== undefined) this.random = mulberry32(seed);
  }

  schedule(fault: ScheduledFault): void {
    const checked = checkScheduledFault(fault);
    this.scheduled.push({
      kind: checked.kind,
      route: checked.route,
      phase: checked.phase ?? "before",
      skip: checked.skip ?? 0,
      count: checked.count ?? 1,
    });
  }

  get pendingScheduled(): number {
    return this.scheduled.length;
  }

  decide(candidate: FaultCandidate): FaultDecision | undefined {
    return this.decideScheduled(candidate) ?? this.decideRandom(candidate);
  }

  private decideScheduled(candidate: FaultCandidate): FaultDecision | undefined {
    if (this.scheduled.length === 0) return undefined;

    let decision: FaultDecision | undefined;
    for (const fault of this.scheduled) {
      if (!matches(fault, candidate)) continue;
      if (fault.skip > 0) {
        fault.skip -= 1;
        continue;
      }

      if (decision !== undefined) continue;
      decision = { kind: fault.kind, phase: fault.phase };
      fault.count -= 1;
    }

    this.scheduled = this.scheduled.filter((fault) => fault.count > 0);
    return decision;
  }

  private decideRandom(candidate: FaultCandidate): FaultDecision | undefined {
    if (!candidate.interactive) return undefined;

    const { http500, reset, stall, corrupt, expire } = this.rates;
    if (http500 + reset + stall + corrupt + expire === 0) return undefined;

    const draw = this.random();
    let threshold = 0;
    for (const kind of ["http500", "reset", "stall"] as const) {
      threshold += this.rates[kind];
      if (draw < threshold) return { kind, phase: this.randomPhase(candidate) };
    }

    threshold += corrupt;
    if (draw < threshold)
      return candidate.window ? { kind: "corrupt", phase: "before" } : undefined;

    threshold += expire;
    if (draw < threshold) {
      return { kind: this.random() < 0.5 ? "expire-session" : "expire-token", phase: "before" };
    }

    return undefined;
  }

  private randomPhase(candidate: FaultCandidate): "before" | "after" {
    if (!candidate.write) return "before";
    return this.random() < 0.5 ? "before" : "after";
  }
}

function matches(fault: PendingFault, candidate: FaultCandidate): boolean {
  if (fault.route !== undefined ? fault.route !== candidate.route : !candidate.interactive) {
    return false;
  }

  if (fault.kind === "corrupt") return candidate.window;
  if (fault.kind === "drop-rows") return candidate.route === SAVE_ROUTE;
  return true;
}

/** The stats key a fault is counted under (`expire-session` and `expire-token` both count as `expire`). */
export function faultStatsKey(kind: FaultKind): string {
  return kind === "expire-session" || kind === "expire-token" ? "expire" : kind;
}
