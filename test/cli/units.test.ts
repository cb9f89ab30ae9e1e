import { EventEmitter } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { CommanderError } from "commander";
import { describe, expect, it, vi } from "vitest";
import { EngineError } from "../../src/batch/index.js";
import type { ProgressEvent } from "../../src/batch/index.js";
import { JournalError } from "../../src/journal/index.js";
import { AuthenticationError, P21NetworkError } from "../../src/client/index.js";
import { makeSettingLookup, readEnvFile } from "../../src/cli/config/env-file.js";
import { estimateReferencePattern } from "../../src/cli/demo/production-estimate.js";
import { parseBuild, quirksForBuild } from "../../src/cli/doctor/quirks.js";
import { InputInvalidError, UsageError } from "../../src/cli/errors.js";
import type { CliIo } from "../../src/cli/io.js";
import { CliOutput, colourWanted } from "../../src/cli/output/cli-output.js";
import { fitToWidth, formatDuration, formatEta } from "../../src/cli/output/format.js";
import { createCliLogger } from "../../src/cli/output/logger.js";
import { ProgressModel } from "../../src/cli/output/progress-model.js";
import {
  JsonProgressReporter,
  PlainProgressReporter,
  TtyProgressReporter,
} from "../../src/cli/output/progress-reporter.js";
import { exitCodeFor, reportError } from "../../src/cli/report-error.js";
import { StopOnSignals } from "../../src/cli/signals.js";
import { SEED_LATENCY } from "../../src/simulator/latency.js";

function bufferedIo(options: { isTTY?: boolean; env?: Record<string, string> } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = { stdout: "", stderr: "" };
  stdout.setEncoding("utf8").on("data", (chunk: string) => (text.stdout += chunk));
  stderr.setEncoding("utf8").on("data", (chunk: string) => (text.stderr += chunk));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: options.env ?? {},
    cwd: tmpdir(),
    isTTY: options.isTTY ?? false,
  };
  return { io, text };
}

const counts = (settled: number, failed = 0) => ({
  total: 10,
  succeeded: settled - failed,
  failed,
  skipped: 0,
  remaining: 10 - settled,
});

function sampleEvents(): ProgressEvent[] {
  const base = { runId: "run-1", phase: "create" };
  return [
    {
      ...base,
      type: "phase-started",
      elapsedMs: 0,
      counts: counts(0),
      operation: "price-page.create",
      inFlight: 0,
      batches: 1,
      sessions: 1,
    },
    { ...base, type: "batch-started", elapsedMs: 5, workerIndex: 0, batch: 1, items: 10 },
    {
      ...base,
      type: "record-settled",
      elapsedMs: 500,
      workerIndex: 0,
      itemId: 1,
      naturalKey: "10010|ABRAS|x|2027-01-01",
      state: "failed",
      attempts: 1,
      errorCode: "P21_RECORD_REFUSED",
      errorMessage: "save refused: Column is disabled: company_id",
      via: "run",
      counts: counts(1, 1),
      ratePerSecond: 2,
      etaMs: 4_500,
    },
    {
      ...base,
      type: "phase-finished",
      elapsedMs: 5_000,
      counts: { total: 10, succeeded: 9, failed: 1, skipped: 0, remaining: 0 },
      interrupted: false,
      retries: 0,
      reopens: 1,
      sessionsOpened: 1,
    },
  ];
}

describe("configuration", () => {
  it("takes the environment before the .env file, and ignores empty values", async () => {
    const directory = await mkdtemp(join(tmpdir(), "p21kit-env-"));
    try {
      await writeFile(
        join(directory, ".env"),
        "# comment\nP21_BASE_URL=https://from-file\nP21_USERNAME='file_user'\nP21_PASSWORD=\n",
      );
      const setting = makeSettingLookup(
        { P21_USERNAME: "env_user", P21_BASE_URL: "" },
        readEnvFile(directory),
      );
      expect(setting("P21_BASE_URL")).toBe("https://from-file");
      expect(setting("P21_USERNAME")).toBe("env_user");
      expect(setting("P21_PASSWORD")).toBeUndefined();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("reads no .env when there is none", () => {
    expect(readEnvFile(join(tmpdir(), "p21kit-no-such-directory"))).toEqual({});
  });
});

describe("output", () => {
  it("never prints a registered secret, in text, JSON or logs", () => {
    const { io, text } = bufferedIo();
    const output = new CliOutput(io);
    output.addSecret('s3cr"et-pass');
    const logger = createCliLogger(output, "trace");
    logger.debug({ body: { password: 's3cr"et-pass' } }, 'sending s3cr"et-pass');
    output.json({ echoed: 's3cr"et-pass' });
    output.line('plain s3cr"et-pass');
    expect(text.stdout + text.stderr).not.toContain("s3cr");
    expect(text.stdout + text.stderr).toContain("[redacted]");
  });

  it("never prints the credentials of a URL, in text, JSON or logs", () => {
    const { io, text } = bufferedIo();
    const output = new CliOutput(io);
    const logger = createCliLogger(output, "trace");
    logger.warn({ url: "https://api_user:pw1@p21.example.com" }, "against http://u:pw2@host:8021");
    output.json({ baseUrl: "https://api_user:pw3@p21.example.com/" });
    output.line("Checking https://api_user:pw4@p21.example.com (read-only)");
    output.errorLine("Run X (create) against http://api_user:pw5@127.0.0.1:8021");
    const all = text.stdout + text.stderr;
    for (const secret of ["pw1", "pw2", "pw3", "pw4", "pw5"]) expect(all).not.toContain(secret);
    expect(all).toContain("Checking https://p21.example.com (read-only)");
    expect(all).toContain("against http://127.0.0.1:8021");
  });

  it("honours NO_COLOR and uses colour only on a terminal", () => {
    expect(colourWanted({ env: {}, isTTY: true })).toBe(true);
    expect(colourWanted({ env: { NO_COLOR: "1" }, isTTY: true })).toBe(false);
    expect(colourWanted({ env: {}, isTTY: false })).toBe(false);
  });

  it("drops log lines below the chosen level", () => {
    const { io, text } = bufferedIo();
    const logger = createCliLogger(new CliOutput(io), "warn");
    logger.info("hidden");
    logger.warn("shown");
    expect(text.stderr).toContain("shown");
    expect(text.stderr).not.toContain("hidden");
  });

  it("gives a warning its message and its error's below debug, every field at debug", () => {
    const entry = [
      { sessionId: "s-1", attempts: 3, error: new Error("connect ECONNREFUSED") },
      "p21 session end failed",
    ] as const;
    const brief = bufferedIo();
    createCliLogger(new CliOutput(brief.io), "warn").warn(...entry);
    expect(brief.text.stderr).toBe("warn p21 session end failed: connect ECONNREFUSED\n");

    const full = bufferedIo();
    createCliLogger(new CliOutput(full.io), "debug").warn(...entry);
    expect(full.text.stderr).toContain('"sessionId":"s-1","attempts":3');
  });

  it("formats durations and ETAs", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(12_340)).toBe("12.3 s");
    expect(formatDuration(245_000)).toBe("4 min 05 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 min");
    expect(formatEta(10, 2)).toBe("5.0 s");
    expect(formatEta(10, undefined)).toBe("?");
  });
});

describe("progress reporters", () => {
  it("plain: a line at the start and end of a phase, and each failure as it happens", () => {
    const { io, text } = bufferedIo();
    const reporter = new PlainProgressReporter(new CliOutput(io), 60_000);
    for (const event of sampleEvents()) reporter.onEvent(event);
    reporter.close();
    const lines = text.stderr.trim().split("\n");
    expect(lines[0]).toBe("create: 10 records in 1 batch on 1 session");
    expect(lines[1]).toContain("failed  create 10010|ABRAS|x|2027-01-01: save refused");
    expect(lines[2]).toBe("create: done in 5.0 s: 9 succeeded, 1 failed, 0 skipped");
    expect(text.stdout).toBe("");
  });

  it("plain: a resumed phase starts with what is left of how many", () => {
    const { io, text } = bufferedIo();
    const reporter = new PlainProgressReporter(new CliOutput(io), 60_000);
    const [started] = sampleEvents();
    reporter.onEvent({ ...(started as ProgressEvent), counts: counts(4) } as ProgressEvent);
    reporter.close();
    expect(text.stderr).toBe("create: 6 of 10 records left in 1 batch on 1 session\n");
  });

  it("plain: prints the first 20 warnings and counts the rest", () => {
    const { io, text } = bufferedIo();
    const reporter = new PlainProgressReporter(new CliOutput(io), 60_000);
    const base = { runId: "run-1", phase: "expire", elapsedMs: 1_000 };
    for (let index = 0; index < 25; index += 1) {
      reporter.onEvent({
        ...base,
        type: "warning",
        code: "read-back-failed",
        message: `read-back ${index} failed`,
      });
    }
    reporter.close();
    const lines = text.stderr.trim().split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[19]).toBe("warning read-back 19 failed");
    expect(lines[20]).toBe("… and 5 more warnings");
  });

  it("plain: says why the number of sessions changed, in words", () => {
    const { io, text } = bufferedIo();
    const reporter = new PlainProgressReporter(new CliOutput(io), 60_000);
    const base = { runId: "run-1", phase: "expire", elapsedMs: 61_000 };
    reporter.onEvent({ ...base, type: "workers-changed", from: 5, to: 2, reason: "pool-refused" });
    reporter.onEvent({ ...base, type: "workers-changed", from: 2, to: 3, reason: "increase" });
    reporter.close();
    expect(text.stderr.trim().split("\n")).toEqual([
      "sessions 5 → 2: the server's pool of API instances refused a session (other clients hold " +
        "them, or sessions of a crashed run or of an expired token, until the server reaps them)",
      "sessions 2 → 3: the pool has room again",
    ]);
  });

  it("terminal: bars per session with counts, rate and ETA, erased when the phase ends", async () => {
    const { io, text } = bufferedIo({ isTTY: true });
    const reporter = new TtyProgressReporter(new CliOutput(io, { colour: false }));
    const events = sampleEvents();
    for (const event of events.slice(0, 3)) reporter.onEvent(event);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(text.stderr).toContain("1/10 settled, 1 failed, 0 skipped, 2.0/s, ETA 4.5 s");
    expect(text.stderr).toContain("session 1");
    expect(text.stderr).toContain("batch 1 1/10");
    reporter.onEvent(events[3] as ProgressEvent);
    reporter.close();
    expect(text.stderr).toContain("\u001b[");
    expect(text.stderr.trim().split("\n").at(-1)).toContain("done in 5.0 s");
  });

  it("json: every event as one NDJSON line on stdout", () => {
    const { io, text } = bufferedIo();
    const reporter = new JsonProgressReporter(new CliOutput(io));
    for (const event of sampleEvents()) reporter.onEvent(event);
    const lines = text.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string });
    expect(lines.map((line) => line.type)).toEqual([
      "phase-started",
      "batch-started",
      "record-settled",
      "phase-finished",
    ]);
    expect(text.stderr).toBe("");
  });
});

describe("progress model", () => {
  it("counts a saved record in its session's batch once, before and after its settlement", () => {
    const model = new ProgressModel();
    const base = { runId: "run-1", phase: "expire", workerIndex: 0, naturalKey: "k" };
    const saved = (itemId: number): ProgressEvent => ({
      ...base,
      type: "record-saved",
      elapsedMs: itemId,
      itemId,
      attempts: 1,
    });
    const settled = (itemId: number): ProgressEvent => ({
      ...base,
      type: "record-settled",
      elapsedMs: 100 + itemId,
      itemId,
      state: "succeeded",
      attempts: 1,
      via: "run",
      counts: counts(itemId),
      ratePerSecond: 1,
      etaMs: undefined,
    });
    model.apply({ ...base, type: "batch-started", elapsedMs: 0, batch: 1, items: 3 });

    model.apply(saved(1));
    model.apply(saved(2));
    expect(model.workers.get(0)).toMatchObject({ batchSettled: 2, settled: 0 });

    // The read-back: 1 settles, 2 is saved again (sent once more), 3 settles without a save.
    model.apply(settled(1));
    model.apply(saved(2));
    model.apply(settled(2));
    model.apply(settled(3));
    expect(model.workers.get(0)).toMatchObject({ batchSettled: 3, settled: 3 });
  });

  it("counts saved records awaiting their read-back until they settle or their batch ends", () => {
    const model = new ProgressModel();
    const base = { runId: "run-1", phase: "expire", naturalKey: "k" };
    const saved = (workerIndex: number, itemId: number): ProgressEvent => ({
      ...base,
      type: "record-saved",
      workerIndex,
      elapsedMs: itemId,
      itemId,
      attempts: 1,
    });
    for (const workerIndex of [0, 1]) {
      model.apply({
        ...base,
        type: "batch-started",
        workerIndex,
        elapsedMs: 0,
        batch: 1,
        items: 3,
      });
    }
    model.apply(saved(0, 1));
    model.apply(saved(0, 2));
    model.apply(saved(1, 4));
    model.apply(saved(1, 4));
    expect(model.savedAwaitingReadBack()).toBe(3);

    model.apply({
      ...base,
      type: "record-settled",
      workerIndex: 0,
      elapsedMs: 50,
      itemId: 1,
      state: "succeeded",
      attempts: 1,
      via: "run",
      counts: counts(1),
      ratePerSecond: 1,
      etaMs: undefined,
    });
    expect(model.savedAwaitingReadBack()).toBe(2);

    // Session 2's batch ends with record 4 unsettled (no answer to its read-back): not done.
    model.apply({
      runId: "run-1",
      phase: "expire",
      type: "batch-finished",
      workerIndex: 1,
      elapsedMs: 60,
      batch: 1,
      succeeded: 0,
      failed: 0,
      unsettled: 1,
    });
    expect(model.savedAwaitingReadBack()).toBe(1);
  });
});

describe("terminal width", () => {
  const strip = stripVTControlCharacters;

  it("cuts a line to the width with an ellipsis, keeps its styles and resets them", () => {
    expect(fitToWidth("short", 10)).toBe("short");
    expect(fitToWidth("exactly10!", 10)).toBe("exactly10!");
    expect(fitToWidth("eleven char", 10)).toBe("eleven ch\u2026");
    const styled = "\u001b[1mbold\u001b[22m and \u001b[31mred text\u001b[39m";
    expect(fitToWidth(styled, 20)).toBe(styled);
    const cut = fitToWidth(styled, 12);
    expect(cut).toBe("\u001b[1mbold\u001b[22m and \u001b[31mre\u2026\u001b[0m");
    expect(strip(cut)).toHaveLength(12);
    expect(fitToWidth("abc", 1)).toBe("\u2026");
  });

  it("draws the bars within the terminal's width, and follows a resize", async () => {
    const { io, text } = bufferedIo({ isTTY: true });
    let columns: number | undefined = 50;
    const reporter = new TtyProgressReporter(new CliOutput(io, { colour: true }), () => columns);
    const events = sampleEvents();
    try {
      for (const event of events.slice(0, 3)) reporter.onEvent(event);
      await vi.waitFor(() => expect(text.stderr).toContain("session 1"));
      const narrow = text.stderr;
      const rows = narrow.split("\n").filter((row) => row !== "");
      const drawn = rows.filter((row) => !strip(row).startsWith("failed"));
      expect(drawn.length).toBeGreaterThanOrEqual(2);
      for (const row of drawn) expect(strip(row).length).toBeLessThanOrEqual(49);
      expect(narrow).toContain("\u2026");

      columns = undefined; // a terminal that does not say: 100 columns
      reporter.onEvent({ ...(events[1] as ProgressEvent), elapsedMs: 600 });
      await vi.waitFor(() => expect(strip(text.stderr.slice(narrow.length))).toContain("ETA"));
      const wide = text.stderr.slice(narrow.length);
      // The redraw first moves up over exactly the rows drawn before, then draws in full.
      expect(wide.startsWith(`\u001b[${drawn.length}A\u001b[0J`)).toBe(true);
      expect(strip(wide)).toContain("ETA 4.5 s");
    } finally {
      reporter.close();
    }
  });
});

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
    const readOnly = new JournalError("P21_JOURNAL_READONLY", "createRun failed: readonly", {
      journalPath: "/runs/journal.db",
    });
    const full = new JournalError("P21_JOURNAL_STORAGE", "flush failed: disk is full", {
      journalPath: "/runs/journal.db",
    });
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
});

describe("signals", () => {
  it("the first signal stops gracefully, the second aborts at once", () => {
    const source = new EventEmitter();
    const seen: string[] = [];
    const stop = new StopOnSignals(source, {
      onFirstSignal: (signal) => seen.push(`first ${signal}`),
      onSecondSignal: (signal) => seen.push(`second ${signal}`),
    });
    source.emit("SIGINT");
    expect(stop.signal.aborted).toBe(true);
    expect(stop.hardSignal.aborted).toBe(false);
    source.emit("SIGTERM");
    expect(stop.hardSignal.aborted).toBe(true);
    expect(seen).toEqual(["first SIGINT", "second SIGTERM"]);
    stop[Symbol.dispose]();
    expect(source.listenerCount("SIGINT")).toBe(0);
  });
});

describe("doctor's build quirks", () => {
  it("reads build numbers in both spellings", () => {
    expect(parseBuild("26.1.5910.3")).toEqual({ major: 26, minor: 1, build: 5910 });
    expect(parseBuild("2025.2.5855.0")).toEqual({ major: 25, minor: 2, build: 5855 });
    expect(parseBuild(undefined)).toBeUndefined();
  });

  it("warns about the Accept quirk only on builds before 5940", () => {
    const old = quirksForBuild("26.1.5910.3").quirks.find((quirk) => quirk.number === 1);
    const current = quirksForBuild("26.1.5950.0").quirks.find((quirk) => quirk.number === 1);
    expect(old?.verdict).toBe("warn");
    expect(current?.verdict).toBe("ok");
    expect(quirksForBuild("25.2.5776.1").quirks.map((quirk) => quirk.number)).toContain(25);
    expect(quirksForBuild("unknown").known).toBe(false);
  });
});

describe("the reference pattern estimate", () => {
  it("adds up the timing table the way the production guide runs a job", () => {
    const estimate = estimateReferencePattern(SEED_LATENCY, {
      expired: 0,
      created: 25,
      links: 25,
      formFieldsPerPage: 8,
      valuesFieldsPerPage: 2,
    });
    // auth 250; create batch 300+100+500+200 = 1100, pages 25 × (10×100 + 100 + 400 + 200);
    // link batch 400, links 25 × (500 + 200 + 100 + 100 + 400 + 200).
    expect(estimate.totalMs).toBe(250 + 1_100 + 25 * 1_700 + 400 + 25 * 1_500);
    expect(estimate.requests).toBe(2 + 4 + 25 * 13 + 2 + 25 * 7);
  });

  it("lands near the production guide's 2.5 s per page with one book", () => {
    const estimate = estimateReferencePattern(SEED_LATENCY, {
      expired: 700,
      created: 700,
      links: 700,
      formFieldsPerPage: 8,
      valuesFieldsPerPage: 2,
    });
    expect(estimate.perPageMs).toBeGreaterThan(2_500);
    expect(estimate.perPageMs).toBeLessThan(5_500);
  });
});

describe("the password prompt", () => {
  it("reads keystrokes without echoing them, Backspace included", async () => {
    const { promptHidden } = await import("../../src/cli/config/prompt.js");
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = "";
    output.setEncoding("utf8").on("data", (chunk: string) => (shown += chunk));
    const answer = promptHidden("Password: ", input, output);
    input.write("secrex");
    input.write("\u007ft\r");
    expect(await answer).toBe("secret");
    expect(shown).toBe("Password: \n");
  });
});
