import { P21Error } from "../client/errors.js";

/** Stable codes of {@link JournalError}. */
export type JournalErrorCode =
  | "P21_JOURNAL_CLOSED"
  | "P21_JOURNAL_READONLY"
  | "P21_JOURNAL_DUPLICATE_KEY"
  | "P21_JOURNAL_DUPLICATE_RUN"
  | "P21_JOURNAL_STATE"
  | "P21_JOURNAL_UNKNOWN_RUN"
  | "P21_JOURNAL_UNKNOWN_ITEM"
  | "P21_JOURNAL_INPUT"
  | "P21_JOURNAL_NOT_A_JOURNAL"
  | "P21_JOURNAL_SCHEMA_TOO_NEW"
  | "P21_JOURNAL_SCHEMA_OUTDATED"
  | "P21_JOURNAL_BUSY"
  | "P21_JOURNAL_WAL_UNREADABLE"
  | "P21_JOURNAL_STORAGE";

/** What a journal operation was working on when it failed. */
export interface JournalErrorContext {
  cause?: unknown;
  /** The journal method that failed, such as `settle`. */
  operation?: string;
  /** The journal file. */
  journalPath?: string;
  runId?: string;
  itemId?: number;
  phase?: string;
  naturalKey?: string;
}

const contextKeys = ["operation", "journalPath", "runId", "itemId", "phase", "naturalKey"] as const;

/**
 * Every failure of the journal, told apart by `code`. Only `P21_JOURNAL_BUSY` (another process
 * held the file's write lock past the busy timeout) is transient.
 */
export class JournalError extends P21Error {
  override readonly name: string = "JournalError";
  declare readonly code: JournalErrorCode;
  readonly operation: string | undefined;
  readonly journalPath: string | undefined;
  readonly runId: string | undefined;
  readonly itemId: number | undefined;
  readonly phase: string | undefined;
  readonly naturalKey: string | undefined;

  constructor(code: JournalErrorCode, message: string, context: JournalErrorContext = {}) {
    const retry = code === "P21_JOURNAL_BUSY" ? "transient" : "permanent";
    super(code, message, context.cause === undefined ? {} : { cause: context.cause }, retry);
    this.operation = context.operation;
    this.journalPath = context.journalPath;
    this.runId = context.runId;
    this.itemId = context.itemId;
    this.phase = context.phase;
    this.naturalKey = context.naturalKey;
  }

  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    for (const key of contextKeys) {
      if (this[key] !== undefined) json[key] = this[key];
    }

    return json;
  }
}
