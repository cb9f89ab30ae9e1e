import type { SimulatorStats } from "./types.js";

/** Request, session and fault counters behind `GET /__simulator/stats`. */
export class StatsRecorder {
  private requests = new Map<string, number>();
  private totalRequests = 0;
  private faults = new Map<string, number>();
  private sessionsPeak = 0;
  private sessionsOpenNow = 0;
  private modeledMs = 0;
  private servedMs = 0;
  private handledMs = 0;

  countRequest(routeKey: string): void {
    this.totalRequests += 1;
    this.requests.set(routeKey, (this.requests.get(routeKey) ?? 0) + 1);
  }

  countFault(kind: string): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  /** A latency paid: what the model charged, and how long the wait really took. */
  latencyPaid(modeledMs: number, servedMs: number): void {
    this.modeledMs += modeledMs;
    this.servedMs += servedMs;
  }

  /** A request answered, `elapsedMs` after it arrived. */
  requestHandled(elapsedMs: number): void {
    this.handledMs += elapsedMs;
  }

  sessionsChanged(openNow: number): void {
    this.sessionsOpenNow = openNow;
    if (openNow > this.sessionsPeak) this.sessionsPeak = openNow;
  }

  snapshot(): SimulatorStats {
    return {
      requests: Object.fromEntries(this.requests),
      totalRequests: this.totalRequests,
      sessionsOpen: this.sessionsOpenNow,
      sessionsPeak: this.sessionsPeak,
      faultsInjected: Object.fromEntries(this.faults),
      serverTimeMs: {
        modeled: Math.round(this.modeledMs * 1000) / 1000,
        served: Math.round(this.servedMs * 1000) / 1000,
        handled: Math.round(this.handledMs * 1000) / 1000,
      },
    };
  }

  reset(): void {
    this.requests.clear();
    this.faults.clear();
    this.totalRequests = 0;
    this.modeledMs = 0;
    this.servedMs = 0;
    this.handledMs = 0;
    this.sessionsPeak = this.sessionsOpenNow;
  }
}
