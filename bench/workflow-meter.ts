import { performance } from "node:perf_hooks";
import type { EventLoopUtilization } from "node:perf_hooks";
import type { ProgressEvent } from "../src/batch/index.js";
import type { RequestEvent } from "../src/client/index.js";
import { SEED_LATENCY } from "../src/simulator/index.js";
import { countChangeFields, modeledServerTime } from "./server-time.js";

/** Requests and time of one phase (`plan` = the OData lookups before the first phase). */
export interface PhaseFigures {
  phase: string;
  wallMs: number;
  requests: number;
  /** Fields carried by the phase's change requests. */
  changeFields: number;
  /** Modeled server time of its requests, production ms. */
  serverProductionMs: number;
  /** Sum of the client-observed durations of its requests, ms. */
  clientRequestMs: number;
  requestsByRoute: Record<string, number>;
}

/** What the bench process itself spent on a run. */
export interface ClientCost {
  cpuMs: number;
  /** Share of the wall time the event loop was busy (1 = saturated). */
  eventLoopUtilization: number;
  /** Sum of the client-observed durations of all requests, ms. */
  requestMs: number;
  /** Client-observed mean duration per route, ms, with the count. */
  observedByRoute: Record<string, { requests: number; meanMs: number }>;
}

interface PhaseRecord {
  phase: string;
  startedAt: number;
  endedAt: number | undefined;
  fieldsAtStart: number;
  fieldsAtEnd: number | undefined;
  requests: Map<string, number>;
  requestMs: number;
}

const UI_SERVER_PREFIX = /^\/uiserver\d+/;
const ODATA_TABLE = /^\/odataservice\/odata\/table\/[^/?]+/;

/** The simulator's stats key of a request the client made. */
export function routeKeyOf(event: Pick<RequestEvent, "method" | "path">): string {
  const path = event.path
    .replace(UI_SERVER_PREFIX, "")
    .replace(ODATA_TABLE, "/odataservice/odata/table/:name");
  return `${event.method} ${path}`;
}

/**
 * Follows one workflow run from the client's side: which phase each request belongs to (by
 * the engine's phase events), the fields of its changes, its observed duration, and the CPU
 * and event-loop use of this process.
 */
export class WorkflowMeter {
  readonly #fields = countChangeFields();
  readonly #phases: PhaseRecord[] = [];
  #current: PhaseRecord;
  #startedAt = 0;
  #endedAt = 0;
  #cpuAtStart = process.cpuUsage();
  #cpuMs = 0;
  #loopAtStart: EventLoopUtilization = performance.eventLoopUtilization();
  #loopUtilization = 0;
  #requestMs = 0;
  readonly #byRoute = new Map<string, { requests: number; ms: number }>();

  constructor() {
    this.#current = this.#open("plan");
  }

  /** Starts the clock (and the `plan` phase). */
  start(): void {
    this.#startedAt = performance.now();
    this.#cpuAtStart = process.cpuUsage();
    this.#loopAtStart = performance.eventLoopUtilization();
    this.#current.startedAt = this.#startedAt;
    this.#current.fieldsAtStart = this.#fields.fields();
  }

  /** Stops the clock; returns the wall time in ms. */
  stop(): number {
    this.#endedAt = performance.now();
    this.#close(this.#current);
    const cpu = process.cpuUsage(this.#cpuAtStart);
    this.#cpuMs = (cpu.user + cpu.system) / 1_000;
    this.#loopUtilization = performance.eventLoopUtilization(this.#loopAtStart).utilization;
    this.#fields.stop();

    return this.#endedAt - this.#startedAt;
  }

  /** The engine's progress listener. */
  readonly onProgress = (event: ProgressEvent): void => {
    if (event.type === "phase-started") {
      this.#close(this.#current);
      this.#current = this.#open(event.phase);
    } else if (event.type === "phase-finished") {
      this.#close(this.#current);
      this.#current = this.#open(`after ${event.phase}`);
    }
  };

  /** Every client's `request` listener. */
  readonly onRequest = (event: RequestEvent): void => {
    const route = routeKeyOf(event);
    const phase = this.#current;
    phase.requests.set(route, (phase.requests.get(route) ?? 0) + 1);
    phase.requestMs += event.durationMs;
    this.#requestMs += event.durationMs;
    const observed = this.#byRoute.get(route) ?? { requests: 0, ms: 0 };
    observed.requests += 1;
    observed.ms += event.durationMs;
    this.#byRoute.set(route, observed);
  };

  /** Fields of all change requests so far. */
  changeFields(): number {
    return this.#fields.fields();
  }

  phases(): PhaseFigures[] {
    return this.#phases
      .filter((phase) => phase.requests.size > 0 || !phase.phase.startsWith("after "))
      .map((phase) => {
        const requestsByRoute = Object.fromEntries(phase.requests);
        const changeFields = (phase.fieldsAtEnd ?? phase.fieldsAtStart) - phase.fieldsAtStart;
        const requests = [...phase.requests.values()].reduce((sum, count) => sum + count, 0);

        return {
          phase: phase.phase,
          wallMs: Math.round((phase.endedAt ?? phase.startedAt) - phase.startedAt),
          requests,
          changeFields,
          serverProductionMs: Math.round(
            modeledServerTime(requestsByRoute, changeFields, SEED_LATENCY).totalMs,
          ),
          clientRequestMs: Math.round(phase.requestMs),
          requestsByRoute,
        };
      });
  }

  cost(): ClientCost {
    return {
      cpuMs: Math.round(this.#cpuMs),
      eventLoopUtilization: Math.round(this.#loopUtilization * 1_000) / 1_000,
      requestMs: Math.round(this.#requestMs),
      observedByRoute: Object.fromEntries(
        [...this.#byRoute].map(([route, observed]) => [
          route,
          {
            requests: observed.requests,
            meanMs: Math.round((observed.ms / observed.requests) * 100) / 100,
          },
        ]),
      ),
    };
  }

  #open(phase: string): PhaseRecord {
    const record: PhaseRecord = {
      phase,
      startedAt: performance.now(),
      endedAt: undefined,
      fieldsAtStart: this.#fields.fields(),
      fieldsAtEnd: undefined,
      requests: new Map(),
      requestMs: 0,
    };
    this.#phases.push(record);

    return record;
  }

  #close(record: PhaseRecord): void {
    if (record.endedAt !== undefined) return;
    record.endedAt = performance.now();
    record.fieldsAtEnd = this.#fields.fields();
  }
}
