import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { TokenStore } from "./auth/tokens.js";
import { demoContents } from "./data/demo-data.js";
import { TABLE_NAMES } from "./data/schema.js";
import { loadStateFile, saveStateFile } from "./data/state-file.js";
import { emptyContents, SimulatorStore } from "./data/store.js";
import { SimulatorError } from "./errors.js";
import { FaultScheduler } from "./faults.js";
import { buildApp } from "./http/app.js";
import { LatencyModel } from "./latency.js";
import { resolveOptions, type ResolvedOptions } from "./options.js";
import { UI_SERVER_PREFIX, type Runtime } from "./runtime.js";
import { InstancePool } from "./sessions/pool.js";
import { SessionManager } from "./sessions/session-manager.js";
import { StatsRecorder } from "./stats.js";
import type {
  CommitInfo,
  FaultRates,
  RequestInfo,
  ScheduledFault,
  SimulatorHandle,
  SimulatorOptions,
  SimulatorStats,
  TableName,
} from "./types.js";

/** How often changed data is written to the state file. */
const STATE_SAVE_INTERVAL_MS = 5_000;

class RunningSimulator implements SimulatorHandle {
  readonly url: string;
  readonly uiServerUrl: string;
  readonly port: number;
  private readonly runtime: Runtime;
  private readonly app: FastifyInstance;
  private readonly closeController: AbortController;
  private readonly stateTimer: NodeJS.Timeout | undefined;
  private statePending: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(
    runtime: Runtime,
    app: FastifyInstance,
    closeController: AbortController,
    port: number,
  ) {
    this.runtime = runtime;
    this.app = app;
    this.closeController = closeController;
    this.port = port;
    const { host, tls } = runtime.options;
    this.url = `${tls === undefined ? "http" : "https"}://${urlHost(host)}:${port}`;
    this.uiServerUrl = `${this.url}${UI_SERVER_PREFIX}`;
    if (runtime.options.statePath !== undefined) {
      this.stateTimer = setInterval(() => {
        if (runtime.store.hasUnsavedChanges) void this.saveState().catch(() => undefined);
      }, STATE_SAVE_INTERVAL_MS);
      this.stateTimer.unref();
    }
  }

  on(event: "committed", listener: (info: CommitInfo) => void): this;
  on(event: "request", listener: (info: RequestInfo) => void): this;
  on(event: "committed" | "request", listener: (info: CommitInfo & RequestInfo) => void): this {
    this.runtime.events.on(event, listener);
    return this;
  }

  /** Removes a listener added with `on`. */
  off(event: "committed" | "request", listener: (info: CommitInfo & RequestInfo) => void): this {
    this.runtime.events.off(event, listener);
    return this;
  }

  stats(): SimulatorStats {
    return this.runtime.stats.snapshot();
  }

  resetStats(): void {
    this.runtime.stats.reset();
  }

  setFaults(rates: FaultRates | string, seed?: number): void {
    this.runtime.faults.setRates(rates, seed);
  }

  injectFault(fault: ScheduledFault): void {
    this.runtime.faults.schedule(fault);
  }

  rows(table: TableName): Record<string, unknown>[] {
    if (!TABLE_NAMES.includes(table)) {
      throw new SimulatorError("P21_SIMULATOR_OPTIONS", `unknown table "${String(table)}"`);
    }

    return this.runtime.store.rowsCopy(table);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const failures: unknown[] = [];
    if (this.stateTimer !== undefined) clearInterval(this.stateTimer);
    this.closeController.abort(
      new SimulatorError("P21_SIMULATOR_CLOSED", "the simulator is closing"),
    );
    this.runtime.sessions.closeAll();
    for (const socket of this.runtime.stalledSockets) socket.destroy();
    this.runtime.stalledSockets.clear();
    try {
      await this.app.close();
    } catch (error) {
      failures.push(error);
    }

    try {
      await this.saveState();
    } catch (error) {
      failures.push(error);
    }

    if (failures.length > 0) {
      throw new SimulatorError("P21_SIMULATOR_STATE_FILE", "the simulator did not close cleanly", {
        cause: failures[0],
      });
    }
  }

  /** Writes the state file (one write at a time). */
  private saveState(): Promise<void> {
    const path = this.runtime.options.statePath;
    if (path === undefined) return Promise.resolve();

    this.statePending = this.statePending
      .catch(() => undefined)
      .then(async () => {
        const contents = this.runtime.store.contents();
        this.runtime.store.markSaved();
        await saveStateFile(path, contents);
      });
    return this.statePending;
  }
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

async function initialStore(options: ResolvedOptions): Promise<SimulatorStore> {
  const saved =
    options.statePath === undefined ? undefined : await loadStateFile(options.statePath);
  const contents = saved ?? (options.data === "demo" ? demoContents() : emptyContents());
  return new SimulatorStore(contents);
}

/**
 * Starts a P21 Interactive API simulator on `host:port` (127.0.0.1 and a free port unless
 * told) and resolves once it listens.
 */
export async function startSimulator(options?: SimulatorOptions): Promise<SimulatorHandle> {
  const resolved = resolveOptions(options);
  const store = await initialStore(resolved);
  const clock = () => Date.now();
  const stats = new StatsRecorder();
  const pool = new InstancePool(resolved.poolSize, resolved.poolWaitMs);
  const sessions = new SessionManager(pool, stats, clock);
  const tokens = new TokenStore({
    users: resolved.users,
    tokenLifetimeSeconds: resolved.tokenLifetimeSeconds,
    policy: resolved.tokenPolicy,
    clock,
  });
  tokens.onInvalidated((record) => sessions.orphan(record.accessToken));

  const closeController = new AbortController();
  const events = new EventEmitter();
  const runtime: Runtime = {
    options: resolved,
    store,
    tokens,
    sessions,
    faults: new FaultScheduler(resolved.faults, resolved.faultSeed),
    stats,
    latency: new LatencyModel(resolved.latency, resolved.timeScale, (modeledMs, servedMs) =>
      stats.latencyPaid(modeledMs, servedMs),
    ),
    closing: closeController.signal,
    events,
    clock,
    stalledSockets: new Set<Socket>(),
  };

  const app = buildApp(runtime);
  await app.listen({ host: resolved.host, port: resolved.port });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : resolved.port;
  return new RunningSimulator(runtime, app, closeController, port);
}
