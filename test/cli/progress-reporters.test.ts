import { describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../src/batch/index.js";
import { CliOutput } from "../../src/cli/output/cli-output.js";
import { PlainProgressReporter } from "../../src/cli/output/progress-reporter.js";
import {
  JsonProgressReporter,
  TtyProgressReporter,
} from "../../src/cli/output/progress-reporter.js";
import { bufferedIo } from "./buffered-io.js";
import { counts, sampleEvents } from "./progress-events.js";

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
    expect(lines[19]).toBe("warn read-back 19 failed");
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
