import { P21Error } from "../client/errors.js";
import { JournalError } from "../journal/errors.js";
import type { InputProblem } from "../pricing/problems.js";
import { ExitCode } from "./io.js";

/**
 * An error the command line itself raises: a bad flag value, a missing run, a missing password.
 * It carries the exit code it ends with and, when there is one, a hint of what to do next.
 */
export class CliError extends P21Error {
  override readonly name: string = "CliError";
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(
    message: string,
    options: { code: string; exitCode: ExitCode; hint?: string; cause?: unknown },
  ) {
    super(options.code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.exitCode = options.exitCode;
    this.hint = options.hint;
  }
}

/** A usage error: wrong flags or arguments. Nothing was sent. Exit 2. */
export class UsageError extends CliError {
  override readonly name: string = "UsageError";

  constructor(message: string, hint?: string) {
    super(message, { code: "P21_USAGE", exitCode: ExitCode.usage, ...(hint ? { hint } : {}) });
  }
}

/** The input did not validate. Every problem is listed; nothing was sent. Exit 2. */
export class InputInvalidError extends CliError {
  override readonly name: string = "InputInvalidError";
  readonly problems: readonly InputProblem[];

  /** Problems past the reader's limit, counted but not kept. */
  readonly omitted: number;

  /** Problems without a row to point at (a flag's value, a record of a retry), as lines. */
  readonly lines: readonly string[];

  constructor(
    problems: readonly InputProblem[],
    omitted = 0,
    options: { lines?: readonly string[]; hint?: string } = {},
  ) {
    const lines = options.lines ?? [];
    const count = problems.length + lines.length + omitted;
    super(`${count} problem${count === 1 ? "" : "s"} in the input`, {
      code: "P21_INPUT_INVALID",
      exitCode: ExitCode.usage,
      hint:
        options.hint ??
        "Fix the rows above and run the command again; nothing was sent to the server.",
    });
    this.problems = problems;
    this.omitted = omitted;
    this.lines = lines;
  }
}

/**
 * A command's error and the failures that came after it, as the command ended (the result files
 * that could not be written once the run had failed, a journal that could not be closed): the
 * error stays the command's, with its exit code; the later failures are told after it, and with
 * `--json` beside it. Made by {@link withLaterFailures}.
 */
export class WithLaterFailure extends Error {
  override readonly name: string = "WithLaterFailure";
  readonly error: unknown;
  readonly later: readonly unknown[];

  constructor(error: unknown, later: readonly unknown[]) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
    this.error = error;
    this.later = later;
  }
}

/** The journal failures among `errors` (or their causes), by code. */
export function journalCodes(errors: readonly unknown[]): Set<string> {
  const codes = new Set<string>();
  for (const error of errors) {
    for (let cause = error; cause instanceof Error; cause = cause.cause) {
      if (cause instanceof JournalError) codes.add(cause.code);
    }
  }

  return codes;
}

/**
 * `error` with `later` told after it (and after those it already carries). A later journal
 * failure of a code already told is left out: a journal another process keeps locked fails the
 * run, its summary and its close alike, and one "the journal is locked" says it.
 */
export function withLaterFailures(error: unknown, later: readonly unknown[]): unknown {
  const first = error instanceof WithLaterFailure ? error.error : error;
  const told = error instanceof WithLaterFailure ? [...error.later] : [];
  for (const failure of later) {
    const codes = journalCodes([failure]);
    const repeated =
      codes.size > 0 && [...codes].every((code) => journalCodes([first, ...told]).has(code));
    if (!repeated) told.push(failure);
  }

  return told.length === 0 ? first : new WithLaterFailure(first, told);
}
