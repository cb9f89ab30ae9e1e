/** Build profiles the simulator can imitate. */
export type BuildProfile = "26.1.5950" | "26.1.5910" | "25.2";

/**
 * Milliseconds each operation costs before it is answered. `changeRequest` is paid once per
 * `PUT /v2/change` and `changeField` once per entry of its `List` (50 + 50 = the 100 ms of one
 * field in the production timing table).
 */
export interface LatencyTable {
  authenticate: number;
  router: number;
  serverInfo: number;
  startSession: number;
  listSessions: number;
  endSession: number;
  openWindow: number;
  windowState: number;
  changeRequest: number;
  changeField: number;
  selectTab: number;
  addRow: number;
  selectRow: number;
  save: number;
  getData: number;
  clear: number;
  listTools: number;
  runTool: number;
  close: number;
  odata: number;
}

/** Probability (0..1) per interactive request of each random fault. */
export interface FaultRates {
  http500?: number;
  reset?: number;
  stall?: number;
  corrupt?: number;
  expire?: number;
}

export type FaultKind =
  | "http500"
  | "reset"
  | "stall"
  | "corrupt"
  | "expire-session"
  | "expire-token"
  /** A save answers success while the grid rows it added never persist (scheduled only). */
  | "drop-rows"
  /** The request is refused with a 400 error envelope, as by a server rule (scheduled only). */
  | "refuse";

/** A deterministic fault, for tests. */
export interface ScheduledFault {
  kind: FaultKind;
  /** Stats route key, e.g. `"PUT /api/ui/interactive/v2/data"`. @default any interactive route */
  route?: string;
  /** `after` = applied, then the answer is lost. @default "before" */
  phase?: "before" | "after";
  /** Matching requests let through first. @default 0 */
  skip?: number;
  /** How many matching requests it strikes. @default 1 */
  count?: number;
}

export interface SimulatorUser {
  username: string;
  password: string;
  /** A consumer key (GUID) that may be exchanged for a token of this user. */
  consumerKey?: string;
  /**
   * The scope the consumer key is configured with, carried in its tokens' `aud`. An
   * `/odata:table,...` entry is an allow-list: other OData tables answer the documented 401.
   * @default "/api;/p21sdk"
   */
  scope?: string;
}

export interface SimulatorOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** @default "26.1.5950" */
  profile?: BuildProfile;
  /** @default "none" */
  latency?: "none" | "seed" | Partial<LatencyTable>;
  /** Multiplies every latency. @default 1 */
  timeScale?: number;
  /** API instances; one per open session. @default 5 */
  poolSize?: number;
  /** How long a session create waits for a free instance (not scaled). @default 60_000 */
  poolWaitMs?: number;
  /** Idle timeout when the create body has no `SessionTimeout`. @default 60 */
  sessionTimeoutSeconds?: number;
  /** Lifetime of password-grant tokens. @default 86_400 */
  tokenLifetimeSeconds?: number;
  /** `latest-only`: a new token of a user invalidates that user's older ones. @default "independent" */
  tokenPolicy?: "independent" | "latest-only";
  /** Random fault rates, as an object or `"http500=0.02,reset=0.01"`. @default none */
  faults?: FaultRates | string;
  /** Seed of the fault generator. @default a random seed */
  faultSeed?: number;
  /**
   * How long a `stall` holds its request before dropping the connection, as a server or proxy
   * that gives up would. Unset, it holds until the client gives up or the simulator closes,
   * which for a client on the recommended 60 s timeouts is a minute per stall: runs of the
   * command line under stalls (the soak) set a short hold instead. @default undefined
   */
  stallMs?: number;
  /** @default "empty" */
  data?: "empty" | "demo";
  /** Loaded at start when present, saved on close and every few seconds when changed. */
  statePath?: string;
  /** @default [{ username: "api_user", password: "api_password" }] */
  users?: SimulatorUser[];
  /** Serve HTTPS with this certificate. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Largest accepted request body. @default 1 MiB */
  bodyLimitBytes?: number;
  /**
   * Middleware that answers the token endpoints and the router in XML even when
   * `Accept: application/json` is sent, as some installations do. @default false
   */
  xmlMiddleware?: boolean;
}

export type TableName =
  | "price_page"
  | "price_book"
  | "price_book_x_page"
  | "supplier"
  | "product_group"
  | "discount_group";

export interface CommitInfo {
  table: string;
  kind: "insert" | "update";
  key: Record<string, unknown>;
  username: string;
}

export interface RequestInfo {
  method: string;
  route: string;
  /** 0 when the connection was reset or stalled. */
  status: number;
}

export interface SimulatorStats {
  requests: Record<string, number>;
  totalRequests: number;
  sessionsOpen: number;
  sessionsPeak: number;
  faultsInjected: Record<string, number>;
  /**
   * The time the latency model charged for the requests counted (scaled), and the time those
   * waits really took on this machine (timers fire late by a fraction of a millisecond, which
   * matters at small time scales). Pool waits are not included. `handled` is the time from each
   * request's arrival (its headers read) to its answer written, waits included: what `handled`
   * exceeds `served` by is the simulator's own work and its event loop's queue.
   */
  serverTimeMs: { modeled: number; served: number; handled: number };
}

export interface SimulatorHandle {
  /** Base URL, `http://127.0.0.1:PORT` (`https` with TLS). */
  readonly url: string;
  /** `${url}/uiserver0`. */
  readonly uiServerUrl: string;
  readonly port: number;
  stats(): SimulatorStats;
  resetStats(): void;
  setFaults(rates: FaultRates | string, seed?: number): void;
  injectFault(fault: ScheduledFault): void;
  /** Snapshot copies of a table's rows. */
  rows(table: TableName): Record<string, unknown>[];
  /** Emitted synchronously after a save commits, before its answer is written. */
  on(event: "committed", listener: (info: CommitInfo) => void): this;
  on(event: "request", listener: (info: RequestInfo) => void): this;
  /** Idempotent; destroys stalled sockets; saves state. */
  close(): Promise<void>;
}
