import { P21Error } from "../client/index.js";
import type { P21ErrorDetails, Result } from "../client/index.js";

function serverText(result: Result): string {
  const errors = result.messages.filter((message) => message.type === 2);
  const chosen = errors.length > 0 ? errors : result.messages;
  const text = chosen.map((message) => message.text).join("; ");

  return text === "" ? `status ${result.statusName}` : text;
}

/**
 * The server refused a record: a change, a load or a save answered with a non-success status.
 * Permanent: the same request would be refused again. Nothing was saved (the engine never saves
 * after a refused change).
 */
export class RecordRefusedError extends P21Error {
  override readonly name: string = "RecordRefusedError";
  /** The refused result, when there was one. */
  readonly result: Result | undefined;

  /**
   * @param description what was being done, e.g. "save failed for price page 'ACME 2027 list'"
   * @param result the refused Result; its error messages become the server message
   */
  constructor(description: string, result?: Result, details: P21ErrorDetails = {}) {
    const message = result === undefined ? undefined : serverText(result);
    const fieldPart = details.field === undefined ? "" : ` (field ${details.field})`;
    super(
      "P21_RECORD_REFUSED",
      message === undefined
        ? `${description}${fieldPart}`
        : `${description}${fieldPart}: ${message}`,
      { ...details, serverMessage: details.serverMessage ?? message },
      "permanent",
    );
    this.result = result;
  }
}

/** A dialog opened that the run's dialog policy does not know. Permanent for the record. */
export class UnknownDialogError extends P21Error {
  override readonly name: string = "UnknownDialogError";
  readonly title: string | undefined;
  readonly text: string | undefined;

  constructor(
    description: string,
    dialog: { title: string | undefined; text: string | undefined },
    details: P21ErrorDetails = {},
  ) {
    const shown = [dialog.title, dialog.text].filter((part) => part !== undefined).join(": ");
    super(
      "P21_UNKNOWN_DIALOG",
      `${description}: unknown dialog "${shown === "" ? "(no title)" : shown}"`,
      { ...details, serverMessage: details.serverMessage ?? dialog.text },
      "permanent",
    );
    this.title = dialog.title;
    this.text = dialog.text;
  }
}

/**
 * A read-back disagreed with what was written. Ambiguous: the engine reconciles through the
 * operation before it decides to re-send.
 */
export class VerificationError extends P21Error {
  override readonly name: string = "VerificationError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_VERIFY_FAILED", message, details, "ambiguous");
  }
}

/** Stable codes of {@link EngineError}. */
export type EngineErrorCode =
  /** The engine's options are invalid (unknown key, out-of-range number). */
  | "P21_ENGINE_OPTIONS"
  /** No worker could open a session within its budget; unsettled items stay in the journal. */
  | "P21_SESSIONS_UNAVAILABLE"
  /** In-flight items could not be reconciled; they stay in flight and nothing is re-sent. */
  | "P21_RECONCILE_FAILED"
  /** An operation threw something that is not a P21Error. */
  | "P21_OPERATION_FAILED";

/** An error of the batch engine itself. */
export class EngineError extends P21Error {
  override readonly name: string = "EngineError";
  declare readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, details: P21ErrorDetails = {}) {
    super(code, message, details, "permanent");
  }
}
