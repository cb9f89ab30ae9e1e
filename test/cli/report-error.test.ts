import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { EngineError } from "../../src/batch/index.js";
import {
  AccessDeniedError,
  AuthenticationError,
  P21NetworkError,
  PoolExhaustedError,
} from "../../src/client/index.js";
import {
  InputInvalidError,
  UsageError,
  WithLaterFailure,
  withLaterFailures,
} from "../../src/cli/errors.js";
import { CliOutput } from "../../src/cli/output/cli-output.js";
import { exitCodeFor, reportError } from "../../src/cli/report-error.js";
import { JournalError } from "../../src/journal/index.js";
import { whatFailed } from "../../src/journal/storage-errors.js";
import { bufferedIo } from "./buffered-io.js";

describe("exit codes", () => {
  it("maps failures to the documented codes", () => {
    expect(exitCodeFor(new UsageError("bad"))).toBe(2);
    expect(exitCodeFor(new InputInvalidError([]))).toBe(2);
    expect(exitCodeFor(new AuthenticationError("refused"))).toBe(3);
    expect(exitCodeFor(new P21NetworkError("down"))).toBe(3);
    expect(exitCodeFor(new CommanderError(1, "commander.unknownOption", "x"))).toBe(2);
    expect(exitCodeFor(new CommanderError(0, "commander.helpDisplayed", "x"))).toBe(0);
    expect(exitCodeFor(new Error("bug"))).toBe(1);
  });
});

describe("error reports", () => {
  it("say what to do about a journal that cannot be written, also when it comes wrapped", () => {
    const readOnly = new JournalError(
      "P21_JOURNAL_READONLY",
      "the journal could not record the new run: attempt to write a readonly database",
      {
        journalPath: "/runs/journal.db",
      },
    );
    const full = new JournalError(
      "P21_JOURNAL_STORAGE",
      "the journal could not record the run's progress: database or disk is full",
      {
        journalPath: "/runs/journal.db",
      },
    );
    const wrapped = new EngineError("P21_SESSIONS_UNAVAILABLE", "could not open a session", {
      cause: full,
    });
    const report = (error: Error) => {
      const { io, text } = bufferedIo();
      reportError(error, new CliOutput(io), false);
      return text.stderr;
    };

    expect(report(readOnly)).toContain(
      "The journal /runs/journal.db (or its directory) is read-only",
    );
    expect(report(full)).toContain("The journal /runs/journal.db could not be written");
    expect(report(wrapped)).toContain("could not be written (a full disk?)");
    expect(report(wrapped)).not.toContain("pool");
  });

  it("send a call outside the key's scope to the P21 administrator, not to the password", () => {
    const { io, text } = bufferedIo();
    const denied = new AccessDeniedError("OData query of price_book failed with HTTP 401");

    const exitCode = reportError(denied, new CliOutput(io), false);

    expect(exitCode).toBe(3);
    expect(text.stderr).toContain("ask the P21 administrator");
    expect(text.stderr).not.toContain("password");
  });

  it("send sessions refused for want of permission to the administrator, not to the pool", () => {
    const { io, text } = bufferedIo();
    const denied = new AccessDeniedError("session create failed with HTTP 401");
    const wrapped = new EngineError(
      "P21_SESSIONS_UNAVAILABLE",
      `could not open a session and a SalesPricePage window after 1 attempt(s): ${denied.message}`,
      { cause: denied },
    );

    const exitCode = reportError(wrapped, new CliOutput(io), false);

    expect(exitCode).toBe(3);
    expect(text.stderr).toContain("ask the P21 administrator");
    expect(text.stderr).not.toContain("pool is busy");
  });
});

describe("sessions that could not be opened", () => {
  const report = (cause: Error) => {
    const { io, text } = bufferedIo();
    const wrapped = new EngineError(
      "P21_SESSIONS_UNAVAILABLE",
      `could not open a session and a SalesPricePage window after 6 attempt(s): ${cause.message}`,
      { cause },
    );
    reportError(wrapped, new CliOutput(io), false);
    return text.stderr;
  };

  it("send a password refused since the run began to the password, not to the pool", () => {
    const stderr = report(new AuthenticationError("The user name or password is incorrect."));

    expect(stderr).toContain("Check the user and password");
    expect(stderr).not.toContain("pool is busy");
  });

  it("still send a full pool to the pool", () => {
    const stderr = report(new PoolExhaustedError("No API instance became available"));

    expect(stderr).toContain("The server's API pool is busy");
  });
});

describe("failures after the command's error", () => {
  const busy = (operation: string) =>
    new JournalError(
      "P21_JOURNAL_BUSY",
      `the journal is locked by another process: it could not ${whatFailed(operation)}`,
      { operation, journalPath: "/runs/journal.db" },
    );
  const report = (error: unknown) => {
    const { io, text } = bufferedIo();
    const exitCode = reportError(error, new CliOutput(io), true);
    const json = JSON.parse(text.stdout.trim()) as { message: string; later?: unknown[] };
    return { exitCode, stderr: text.stderr, json };
  };

  it("are told after it, in order, each once, with the command's own exit code", () => {
    const server = new P21NetworkError("the server did not answer");
    const files = new Error("EISDIR: results.csv");
    const error = withLaterFailures(withLaterFailures(server, [busy("close")]), [files]);

    const { exitCode, stderr, json } = report(error);
    expect(exitCode).toBe(3);
    const errors = stderr.split("\n").filter((line) => /^(unexpected )?error: /.test(line));
    expect(errors).toEqual([
      "error: the server did not answer",
      "error: the journal is locked by another process: it could not write its last steps and close",
      "unexpected error: EISDIR: results.csv",
    ]);
    expect(json.message).toBe("the server did not answer");
    expect(json.later).toHaveLength(2);
  });

  it("leave out a journal failure of a code already told, also when it came wrapped", () => {
    const wrapped = new EngineError("P21_SESSIONS_UNAVAILABLE", "could not open a session", {
      cause: busy("flush"),
    });

    expect(withLaterFailures(busy("setRunState"), [busy("close")])).toBeInstanceOf(JournalError);
    expect(withLaterFailures(wrapped, [busy("close"), busy("flush")])).toBe(wrapped);
    const other = new JournalError(
      "P21_JOURNAL_STORAGE",
      "the journal could not write its last steps and close: disk I/O error",
    );
    const kept = withLaterFailures(wrapped, [busy("close"), other]);
    expect(kept).toBeInstanceOf(WithLaterFailure);
    expect((kept as WithLaterFailure).later).toEqual([other]);
  });
});
