import { CommanderError } from "commander";
import { P21Error } from "../client/errors.js";
import { JournalError } from "../journal/index.js";
import { formatProblem } from "../pricing/problems.js";
import type { RunServer } from "./context.js";
import { CliError, InputInvalidError, WithLaterFailure } from "./errors.js";
import { ExitCode } from "./io.js";
import type { CliOutput } from "./output/cli-output.js";
import { doctorCommandLine } from "./run-hints.js";

const connectionCodes = new Set([
  "P21_AUTH_FAILED",
  "P21_ACCESS_DENIED",
  "P21_TOKEN_EXPIRED",
  "P21_NETWORK",
  "P21_TIMEOUT",
  "P21_POOL_EXHAUSTED",
  "P21_SESSIONS_UNAVAILABLE",
  "P21_PROTOCOL",
  "P21_HTTP",
  "P21_SERVER_ERROR",
  "P21_SESSION_EXISTS",
  "P21_SESSION_EXPIRED",
]);

const usageCodes = new Set([
  "P21_INVALID_OPTIONS",
  "P21_ENGINE_OPTIONS",
  "P21_JOURNAL_UNKNOWN_RUN",
  "P21_JOURNAL_NOT_A_JOURNAL",
  "P21_JOURNAL_SCHEMA_TOO_NEW",
  "P21_JOURNAL_INPUT",
  "P21_WORKFLOW_SPEC",
]);

/** Causes of sessions that could not be opened that say more than "could not open a session". */
const sessionFailureCauses = new Set(["P21_AUTH_FAILED", "P21_SERVER_ERROR", "P21_POOL_EXHAUSTED"]);

const tlsCauseCodes = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = current.cause;
  }

  return codes;
}

/** What to do about a journal that could not be written, read or locked. */
function journalHint(error: JournalError): string | undefined {
  const journal =
    error.journalPath === undefined ? "The journal" : `The journal ${error.journalPath}`;
  switch (error.code) {
    case "P21_JOURNAL_READONLY":
      return `${journal} (or its directory) is read-only, and p21kit writes it as a run goes: fix its permissions, or give another --journal.`;
    case "P21_JOURNAL_STORAGE":
      return `${journal} could not be written (a full disk?). What it holds is consistent: free space, then \`p21kit resume\`.`;
    case "P21_JOURNAL_WAL_UNREADABLE":
      return "To read it, copy the journal with its -wal file to a directory you may write and give the copy as --journal, or run this as a user who may write the journal's directory and files.";
    case "P21_JOURNAL_BUSY":
      // Not "give another --journal": a run it stopped lives in this one.
      return `${journal} is locked by another process (a SQLite tool with unsaved changes, for one): close it or wait, then run the command again; what it holds is consistent, and a run it stopped resumes with \`p21kit resume\`.`;
    default:
      return undefined;
  }
}

/**
 * What to check when the server cannot be reached: `--base-url`, or for a run carried on (its
 * server recorded in the journal, a different `--base-url` refused) that run's server.
 */
function unreachableHint(runServer: RunServer | undefined): string {
  if (runServer === undefined) {
    return "Check --base-url and that the server is reachable from here; `p21kit doctor` checks each step.";
  }

  return `Check that the run's server ${runServer.baseUrl} is reachable from here (a run goes on against the server it was made against); \`${doctorCommandLine(runServer.baseUrl, runServer.username)}\` checks each step.`;
}

/**
 * What to check when the credentials are refused: the user and password, or for a run carried on
 * (its user recorded in the journal, `--username` not asked) that user's password.
 */
function refusedCredentialsHint(runServer: RunServer | undefined): string {
  if (runServer?.username === undefined) {
    return "Check the user and password (--username/--password, P21_USERNAME/P21_PASSWORD, .env) or the consumer key.";
  }

  return `Check the password of ${runServer.username}, the run's user (P21_PASSWORD, .env or --password), or the consumer key: a run goes on as the user it was made by.`;
}

/** What the user can do about a failure, in their words. */
function hintFor(error: P21Error, runServer: RunServer | undefined): string | undefined {
  // A journal failure may come wrapped (an engine error caused by it): it is the one to fix.
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause instanceof Error; depth += 1) {
    if (cause instanceof JournalError) return journalHint(cause);
    cause = cause.cause;
  }

  const codes = causeCodes(error);
  if (codes.includes("ERR_SSL_WRONG_VERSION_NUMBER")) {
    return "The server does not answer HTTPS there: try the base URL with http://, or its HTTPS port.";
  }

  if (codes.some((code) => tlsCauseCodes.has(code))) {
    return "The server's TLS certificate is not trusted: pass --ca FILE with its CA (or --insecure on a test server).";
  }

  // A failure whose cause is the connection (sessions that could not be opened because the
  // server went away) is about the connection, whatever it says on top; one whose cause is a
  // refused call (a user without the Interactive API) is about that permission. Sessions that
  // could not be opened for another reason the server gave (the password refused since the run
  // began, a server error) are about that reason, not about the pool.
  const causes = codes.slice(1);
  const networkCause = causes.some((code) => code === "P21_NETWORK" || code === "P21_TIMEOUT");
  const deniedCause = causes.includes("P21_ACCESS_DENIED");
  const sessionsCause =
    error.code === "P21_SESSIONS_UNAVAILABLE"
      ? causes.find((code) => sessionFailureCauses.has(code))
      : undefined;
  const deciding = networkCause
    ? "P21_NETWORK"
    : deniedCause
      ? "P21_ACCESS_DENIED"
      : (sessionsCause ?? error.code);
  switch (deciding) {
    case "P21_AUTH_FAILED":
      return refusedCredentialsHint(runServer);
    case "P21_ACCESS_DENIED":
      return "The server refused this call to the user or the consumer key: ask the P21 administrator to add it to the key's scope (its OData tables) or to the user's permissions, then run again (a token keeps the scope it was issued with).";
    case "P21_NETWORK":
    case "P21_TIMEOUT":
      return unreachableHint(runServer);
    case "P21_POOL_EXHAUSTED":
    case "P21_SESSIONS_UNAVAILABLE":
      return "The server's API pool is busy: try again later or with fewer --sessions.";
    case "P21_HTTP":
    case "P21_PROTOCOL":
      return "The address answers, but not like a P21 server: check --base-url (the base URL, not the UI server).";
    case "P21_SERVER_ERROR":
      return "The server failed with an error of its own. If it answers every request so, check --base-url (the base URL, not the UI server) and run `p21kit doctor`; otherwise try again later.";
    default:
      return undefined;
  }
}

/** An unknown option as the parser names it, without the value it came with. */
function optionWithoutValue(flag: string): string {
  if (flag.startsWith("--")) {
    const equals = flag.indexOf("=");
    return equals < 0 ? flag : `${flag.slice(0, equals)}=…`;
  }

  // `-pVALUE`: a short option with its value attached.
  return flag.length > 2 ? `${flag.slice(0, 2)}…` : flag;
}

/**
 * A parser message without the value an unknown option was given (`--pasword=…`, `-p…` to a
 * command without `-p`): that value is often a password, and no secret is registered yet when
 * the command line does not parse.
 */
export function withoutOptionValues(text: string): string {
  return text.replace(
    /(unknown option ')([\s\S]*?)'(?=\n|$)/g,
    (_match, lead: string, flag: string) => `${lead}${optionWithoutValue(flag)}'`,
  );
}

/** The exit code a thrown error ends the command with. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof WithLaterFailure) return exitCodeFor(error.error);
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? ExitCode.success : ExitCode.usage;
  }

  if (error instanceof CliError) return error.exitCode;
  if (error instanceof P21Error) {
    if (error.code === "P21_ABORTED") return ExitCode.interrupted;
    if (usageCodes.has(error.code)) return ExitCode.usage;
    if (connectionCodes.has(error.code)) return ExitCode.connection;
    if (error.code.startsWith("P21_JOURNAL")) return ExitCode.failedRecords;
    return ExitCode.connection;
  }

  return ExitCode.failedRecords;
}

/** Prints a failure for a person on stderr; returns what a program is told of it. */
function printFailure(
  error: unknown,
  output: CliOutput,
  runServer: RunServer | undefined,
): { code: string; message: string } {
  const { styles } = output;
  if (error instanceof InputInvalidError) {
    for (const line of error.lines) output.errorLine(line);
    for (const problem of error.problems) output.errorLine(formatProblem(problem));
    if (error.omitted > 0) output.errorLine(`… and ${error.omitted} more problems`);
  }

  const message = error instanceof Error ? error.message : String(error);
  const label =
    error instanceof P21Error || error instanceof CliError ? "error" : "unexpected error";
  output.errorLine(`${styles.red(`${label}:`)} ${message}`);

  const hint =
    error instanceof CliError
      ? error.hint
      : error instanceof P21Error
        ? hintFor(error, runServer)
        : undefined;
  if (hint !== undefined) output.errorLine(styles.dim(hint));
  if (!(error instanceof P21Error) && error instanceof Error && error.stack !== undefined) {
    output.errorLine(styles.dim(error.stack));
  }

  return { code: error instanceof P21Error ? error.code : "P21_UNEXPECTED", message };
}

/** The `--json` error object of a failure {@link printFailure} printed. */
function errorObject(error: unknown, printed: { code: string; message: string }, exitCode: number) {
  return {
    type: "error",
    ...printed,
    exitCode,
    ...(error instanceof InputInvalidError
      ? {
          problems: error.problems.map((problem) => ({ ...problem })),
          ...(error.lines.length > 0 ? { otherProblems: error.lines } : {}),
        }
      : {}),
  };
}

/**
 * Prints a failure for a person (stderr) and, with `--json`, as an object for a program
 * (stdout); returns the exit code. `runServer`: the server of the run the command carries on.
 */
export function reportError(
  error: unknown,
  output: CliOutput,
  json: boolean,
  runServer?: RunServer,
): number {
  const exitCode = exitCodeFor(error);
  if (error instanceof CommanderError) {
    // The parser printed its message; a program reading --json gets it as an object too. Help
    // and the version are not errors.
    const informational = error.exitCode === 0;
    if (json && !informational) {
      const message = withoutOptionValues(error.message.replace(/^error: /, ""));
      output.json({ type: "error", code: "P21_USAGE", message, exitCode });
    }

    return exitCode;
  }

  if (error instanceof WithLaterFailure) {
    const first = printFailure(error.error, output, runServer);
    const later = error.later.map((failure) => printFailure(failure, output, runServer));
    if (json) output.json({ ...errorObject(error.error, first, exitCode), later });

    return exitCode;
  }

  const printed = printFailure(error, output, runServer);
  if (json) output.json(errorObject(error, printed, exitCode));

  return exitCode;
}
