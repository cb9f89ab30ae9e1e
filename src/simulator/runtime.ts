import type { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import type { TokenStore } from "./auth/tokens.js";
import type { SimulatorStore } from "./data/store.js";
import type { FaultScheduler } from "./faults.js";
import type { LatencyModel } from "./latency.js";
import type { ResolvedOptions } from "./options.js";
import type { SessionManager } from "./sessions/session-manager.js";
import type { StatsRecorder } from "./stats.js";

/** Everything a route needs, built once per simulator. */
export interface Runtime {
  readonly options: ResolvedOptions;
  readonly store: SimulatorStore;
  readonly tokens: TokenStore;
  readonly sessions: SessionManager;
  readonly faults: FaultScheduler;
  readonly stats: StatsRecorder;
  readonly latency: LatencyModel;
  /** Aborts when the simulator closes: every sleep and pool wait ends. */
  readonly closing: AbortSignal;
  readonly events: EventEmitter;
  readonly clock: () => number;
  /** Sockets of stalled requests, destroyed on close. */
  readonly stalledSockets: Set<Socket>;
}

/** Path prefix of the UI server. */
export const UI_SERVER_PREFIX = "/uiserver0";

/** Stats key of a route: method plus path, without the UI-server prefix. */
export function routeKey(method: string, url: string): string {
  const path = url.startsWith(UI_SERVER_PREFIX) ? url.slice(UI_SERVER_PREFIX.length) : url;
  return `${method} ${path}`;
}
