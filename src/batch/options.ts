import type { Logger, P21Client, SessionOptions } from "../client/index.js";
import type { Journal } from "../journal/index.js";
import type { DialogPolicy } from "./dialogs.js";
import { EngineError } from "./errors.js";
import type { ProgressEvent } from "./progress-events.js";

/** Options of a {@link BatchEngine}. Every field but `journal` and `createClient` is optional. */
export interface EngineOptions {
  /** Where items, their states and the event log live. */
  journal: Journal;
  /** One client (its own token) per worker; the engine closes the clients it created. */
  createClient: (workerIndex: number) => P21Client;
  /** Workers, each with its own session. @default 1 */
  sessions?: number;
  /** Records per session. @default 25 */
  batchSize?: number;
  /**
   * Extra attempts of a record after transient failures. An item of a group spends them only on
   * attempts made alone: the failed attempts of the groups it is split from are free, also with
   * `retries: 0`. Attempts lost with the session are free too, up to three. @default 2
   */
  retries?: number;
  /** Capped exponential backoff with full jitter. @default { baseMs: 250, maxMs: 5_000 } */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Known dialogs and the button that answers each. @default [] */
  dialogPolicy?: DialogPolicy;
  /** Passed to startSession; response-window handling is always on. @default {} */
  session?: SessionOptions;
  /**
   * First abort: stop taking records, finish the record in hand (or abandon it before its
   * save when it waits for a retry), end the sessions. @default none
   */
  signal?: AbortSignal;
  /** Hard abort: abandon at once; the record in hand stays in flight and is reconciled on resume. */
  hardSignal?: AbortSignal;
  /** pino-compatible; silent by default. */
  logger?: Logger;
  /** Receives every progress event, synchronously; a throwing listener is ignored. */
  onProgress?: (event: ProgressEvent) => void;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
  /** A session create slower than this counts as pool contention. @default 10_000 */
  slowSessionCreateMs?: number;
  /** Consecutive failures to open a session or window before a worker gives up. @default 6 */
  sessionAttempts?: number;
  /**
   * Gives up on a session create after this long and tries again (a create can hang when its
   * answer is lost). Keep it above the server's pool wait. @default the client's own timeout
   */
  sessionCreateTimeoutMs?: number;
}

/** EngineOptions with every default applied. */
export interface ResolvedEngineOptions {
  journal: Journal;
  createClient: (workerIndex: number) => P21Client;
  sessions: number;
  batchSize: number;
  retries: number;
  backoff: { baseMs: number; maxMs: number };
  dialogPolicy: DialogPolicy;
  session: SessionOptions;
  signal: AbortSignal | undefined;
  hardSignal: AbortSignal | undefined;
  logger: Logger | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  random: () => number;
  slowSessionCreateMs: number;
  sessionAttempts: number;
  sessionCreateTimeoutMs: number | undefined;
}

const knownKeys: readonly (keyof EngineOptions)[] = [
  "journal",
  "createClient",
  "sessions",
  "batchSize",
  "retries",
  "backoff",
  "dialogPolicy",
  "session",
  "signal",
  "hardSignal",
  "logger",
  "onProgress",
  "random",
  "slowSessionCreateMs",
  "sessionAttempts",
  "sessionCreateTimeoutMs",
];

const renamedKeys: Record<string, string> = {
  concurrency: "sessions",
  workers: "sessions",
  maxRetries: "retries",
  batch: "batchSize",
  size: "batchSize",
  dialogs: "dialogPolicy",
  onEvent: "onProgress",
  abortSignal: "signal",
};

function editDistance(left: string, right: string): number {
  const previous = Array.from({ length: right.length + 1 }, (_, index) => index);

  for (let row = 1; row <= left.length; row += 1) {
    let diagonal = previous[0] ?? 0;
    previous[0] = row;

    for (let column = 1; column <= right.length; column += 1) {
      const above = previous[column] ?? 0;
      const cost = left[row - 1]?.toLowerCase() === right[column - 1]?.toLowerCase() ? 0 : 1;
      previous[column] = Math.min(above + 1, (previous[column - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }

  return previous[right.length] ?? 0;
}

function hintFor(key: string): string {
  const renamed = renamedKeys[key];
  if (renamed !== undefined) return ` (did you mean "${renamed}"?)`;

  const closest = [...knownKeys].sort((a, b) => editDistance(key, a) - editDistance(key, b))[0];
  if (closest !== undefined && editDistance(key, closest) <= 3)
    return ` (did you mean "${closest}"?)`;

  return "";
}

function wholeNumber(name: string, value: number | undefined, fallback: number, minimum: number) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < minimum) {
    throw new EngineError(
      "P21_ENGINE_OPTIONS",
      `engine option ${name} must be a whole number of at least ${minimum}, got ${String(value)}`,
    );
  }

  return value;
}

/** Applies the defaults and rejects unknown keys and out-of-range values. */
export function resolveEngineOptions(options: EngineOptions): ResolvedEngineOptions {
  for (const key of Object.keys(options)) {
    if (!(knownKeys as readonly string[]).includes(key)) {
      throw new EngineError("P21_ENGINE_OPTIONS", `unknown engine option "${key}"${hintFor(key)}`);
    }
  }

  if (typeof options.createClient !== "function") {
    throw new EngineError("P21_ENGINE_OPTIONS", "engine option createClient must be a function");
  }

  if (options.journal === undefined || options.journal === null) {
    throw new EngineError("P21_ENGINE_OPTIONS", "engine option journal is required");
  }

  const baseMs = wholeNumber("backoff.baseMs", options.backoff?.baseMs, 250, 0);
  const maxMs = wholeNumber("backoff.maxMs", options.backoff?.maxMs, 5_000, 0);

  return {
    journal: options.journal,
    createClient: options.createClient,
    sessions: wholeNumber("sessions", options.sessions, 1, 1),
    batchSize: wholeNumber("batchSize", options.batchSize, 25, 1),
    retries: wholeNumber("retries", options.retries, 2, 0),
    backoff: { baseMs, maxMs: Math.max(maxMs, baseMs) },
    dialogPolicy: options.dialogPolicy ?? [],
    session: { ...options.session, responseWindowHandling: true },
    signal: options.signal,
    hardSignal: options.hardSignal,
    logger: options.logger,
    onProgress: options.onProgress,
    random: options.random ?? Math.random,
    slowSessionCreateMs: wholeNumber("slowSessionCreateMs", options.slowSessionCreateMs, 10_000, 1),
    sessionAttempts: wholeNumber("sessionAttempts", options.sessionAttempts, 6, 1),
    sessionCreateTimeoutMs:
      options.sessionCreateTimeoutMs === undefined
        ? undefined
        : wholeNumber("sessionCreateTimeoutMs", options.sessionCreateTimeoutMs, 0, 1),
  };
}
