// A signal that comes once a run is over (its result files written), before its summary is
// printed and the process exits: it is handled, and the command ends with the run's code.
import { execFileSync, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { closeSync, constants, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { RunLock } from "../../src/cli/run-lock.js";
import { runCli } from "../../src/cli/run.js";
import { cleanEnv, cliPath, collect } from "./helpers.js";
import { demoFixture } from "./demo-fixture.js";
import { writePagesCsv } from "./pages-csv.js";

/** Whether summary.json in `directory` is whole. */
function summaryWritten(directory: string): boolean {
  try {
    return (
      typeof (JSON.parse(readFileSync(join(directory, "summary.json"), "utf8")) as object) ===
      "object"
    );
  } catch {
    return false;
  }
}

describe("a signal once the run is over", () => {
  const fixture = demoFixture();

  it("as the summary is printed, a SIGINT has a handler; the summary is whole, the exit the run's", async () => {
    await writePagesCsv(fixture.directory, "after-run.csv", [
      "10070,ABRAS,ACME,After run ABRAS,2052-01-01,2052-12-31,0.6",
    ]);
    const signals = new EventEmitter();
    let stdout = "";
    let stderr = "";
    let listenersAtSummary: number | undefined;
    const io = {
      // Written synchronously: the signal comes in the middle of the summary's printing.
      stdout: new Writable({
        write(chunk: Buffer, _encoding, done) {
          stdout += chunk.toString("utf8");
          if (listenersAtSummary === undefined && stdout.startsWith("Run ")) {
            listenersAtSummary = signals.listenerCount("SIGINT");
            signals.emit("SIGINT");
          }
          done();
        },
      }),
      stderr: new Writable({
        write(chunk: Buffer, _encoding, done) {
          stderr += chunk.toString("utf8");
          done();
        },
      }),
      stdin: new PassThrough(),
      env: { NO_COLOR: "1" },
      cwd: fixture.directory,
      isTTY: false,
      signals,
    };
    const args = ["price-pages", "create", "after-run.csv", "--out", "out-after-run"];
    const exitCode = await runCli([...args, ...fixture.connection], io);

    expect(listenersAtSummary).toBeGreaterThan(0);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^Results: .+results\.csv$/m);
    expect(stderr).toContain("SIGINT: the run is over; nothing to stop");
    // The command's end removes them: nothing is left listening in this process.
    expect(signals.listenerCount("SIGINT")).toBe(0);
  });

  it("a process whose summary waits for its stdout is not ended by a SIGINT: exit 0", async () => {
    await writePagesCsv(fixture.directory, "after-files.csv", [
      "10070,ADHES,ACME,After files ADHES,2052-01-01,2052-12-31,0.6",
    ]);
    // stdout is a named pipe filled to the brim, so that the summary cannot be written until
    // this test reads: the process is held after its run, its files written and its lock gone.
    const fifo = join(fixture.directory, "stdout.fifo");
    execFileSync("mkfifo", [fifo]);
    const pipe = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const filler = Buffer.alloc(4096, "x");
    let filled = 0;
    for (;;) {
      try {
        filled += writeSync(pipe, filler);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") break;
        throw error;
      }
    }

    const out = join(fixture.directory, "out-after-files");
    const child = spawn(
      process.execPath,
      [cliPath, "price-pages", "create", "after-files.csv", "--out", out, ...fixture.connection],
      { cwd: fixture.directory, env: cleanEnv(), stdio: ["ignore", pipe, "pipe"] },
    );
    const outcome = collect(child);
    const journal = join(fixture.directory, ".p21kit", "journal.db");
    while (!summaryWritten(out)) await sleep(10);
    const runId = (JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { runId: string })
      .runId;
    while (RunLock.isHeld(journal, runId)) await sleep(10);
    child.kill("SIGINT");

    let text = "";
    const buffer = Buffer.alloc(65_536);
    while (child.exitCode === null && child.signalCode === null) {
      try {
        text += buffer.toString("utf8", 0, readSync(pipe, buffer));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
        await sleep(10);
      }
    }
    closeSync(pipe);

    const { exitCode, signal, stderr } = await outcome;
    expect(signal).toBeNull();
    expect(exitCode).toBe(0);
    expect(text.length).toBeGreaterThanOrEqual(filled);
    expect(stderr).not.toContain("error");
  }, 60_000);
});
