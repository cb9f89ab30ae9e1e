/** Where a run stands. `pending`, `running` and `interrupted` runs are unfinished and resumable. */
export type RunState = "pending" | "running" | "interrupted" | "completed" | "failed";

/**
 * Where an item stands: `pending` (not yet attempted, or returned after a reconciliation),
 * `in_flight` (a write may have reached the server), or settled (`succeeded`, `failed`, `skipped`).
 */
export type ItemState = "pending" | "in_flight" | "succeeded" | "failed" | "skipped";

/** The three final item states. */
export type SettledItemState = "succeeded" | "failed" | "skipped";

export const runStates: readonly RunState[] = [
  "pending",
  "running",
  "interrupted",
  "completed",
  "failed",
];

export const itemStates: readonly ItemState[] = [
  "pending",
  "in_flight",
  "succeeded",
  "failed",
  "skipped",
];

export const settledItemStates: readonly SettledItemState[] = ["succeeded", "failed", "skipped"];

/** One run of a job: what was asked, against which server, and where it stands. */
export interface RunRecord {
  id: string;
  kind: string;
  state: RunState;
  /** The run's options as written, with secrets removed. */
  options: unknown;
  inputDigest: string;
  /** The server's base URL, with any credentials removed. */
  baseUrl: string;
  username: string | undefined;
  parentRunId: string | undefined;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  finishedAt: string | undefined;
}

/** One record of a run's phase, with its latest attempt. */
export interface ItemRecord {
  id: number;
  runId: string;
  phase: string;
  /** Position within its phase, starting at 1. */
  sequence: number;
  naturalKey: string;
  input: unknown;
  state: ItemState;
  attempts: number;
  /** What the server answered (such as the generated key); `undefined` until settled with one. */
  result: unknown;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  batch: number | undefined;
  session: number | undefined;
  /** Start of the latest attempt. */
  startedAt: string | undefined;
  settledAt: string | undefined;
  /** From the latest attempt's start to settling. */
  durationMs: number | undefined;
}

/** One entry of a run's event log (session opened, window reopened, retry, dialog answered…). */
export interface JournalEvent {
  id: number;
  runId: string;
  at: string;
  type: string;
  itemId?: number;
  phase?: string;
  /** The event's data as written, with secrets removed. */
  data: unknown;
}

/** What {@link Journal.createRun} needs. */
export interface NewRun {
  kind: string;
  /** Secrets (password, token, consumer key…) are removed before writing. */
  options: unknown;
  inputDigest: string;
  baseUrl: string;
  username?: string;
  parentRunId?: string;
  /** @default a sortable id made of the creation time and random hex */
  id?: string;
}

/** One item to add to a phase. */
export interface NewItem {
  naturalKey: string;
  input: unknown;
}

/** Narrows {@link Journal.items}; every given field must match. */
export interface ItemFilter {
  phase?: string;
  states?: readonly ItemState[];
  ids?: readonly number[];
}

/** How an item settled. */
export interface ItemOutcome {
  state: SettledItemState;
  result?: unknown;
  errorCode?: string;
  errorMessage?: string;
}

/** How a write reaches the file. */
export interface WriteOptions {
  /**
   * `false` defers the write to the next transaction of the same journal (see
   * {@link Journal.settle}). @default true
   */
  durable?: boolean;
}

/** How {@link Journal.markInFlight} may go about it. */
export interface MarkOptions {
  /**
   * The record the caller holds for the item, as this journal last answered it. When the file
   * still holds it (same state and attempts), the mark is one statement and no read, and
   * the answer is built from it (sharing its `input`); otherwise the row is read as without it.
   */
  expected?: ItemRecord;
}

/** Where an attempt runs. */
export interface AttemptPlace {
  batch: number;
  session: number;
}

/** An event to append to a run's log. Secrets in `data` are removed before writing. */
export interface NewEvent {
  type: string;
  itemId?: number;
  phase?: string;
  data?: unknown;
}

/** Options of {@link Journal.open}. */
export interface JournalOpenOptions {
  /**
   * Open without writing: no file or directory is created and no migration runs. A journal that
   * SQLite cannot read in place (a read-only directory, no -shm file) is read as it is when
   * opened, from a copy in memory.
   * @default false
   */
  readonly?: boolean;
  /**
   * How long a write waits for another connection's lock before failing.
   * @default 5000
   */
  busyTimeoutMs?: number;
  /**
   * The clock used for timestamps.
   * @default () => new Date()
   */
  now?: () => Date;
}

/** How a journal file is configured on a connection (see {@link Journal.storageSettings}). */
export interface StorageSettings {
  /** `wal` for a file, `memory` for `:memory:`. */
  journalMode: string;
  /** `full` unless read-only. */
  synchronous: string;
  foreignKeys: boolean;
  busyTimeoutMs: number;
}
