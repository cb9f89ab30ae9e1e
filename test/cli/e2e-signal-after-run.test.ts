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

  it("a process sent SIGINT once its run lock is released is not ended by it: exit 0", async () => {
    await writePagesCsv(fixture.directory, "after-files.csv", [
      "10070,ADHES,ACME,After files ADHES,2052-01-01,2052-12-31,0.6",
    ]);
    // stdout is a named pipe filled to the brim, so that the process's last output cannot go
    // out at once: it is still there, its files written and its lock gone, when the signal comes.
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

    // Read through an opening of its own: the child's Node may make its stdout blocking, a flag
    // of the opening that `pipe` shares, and a blocking read of an empty pipe whose writers (this
    // process among them) never all close it would hold this test for ever.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    let text = "";
    const buffer = Buffer.alloc(65_536);
    /** Reads what the pipe holds now; false when it holds nothing. */
    const readSome = (): boolean => {
      try {
        const read = readSync(reader, buffer);
        text += buffer.toString("utf8", 0, read);
        return read > 0;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
        return false;
      }
    };
    while (child.exitCode === null && child.signalCode === null) {
      readSome();
      await sleep(10);
    }
    while (readSome());
    closeSync(reader);
    closeSync(pipe);

    const { exitCode, signal, stderr } = await outcome;
    expect(signal).toBeNull();
    expect(exitCode).toBe(0);
    expect(text.length).toBeGreaterThanOrEqual(filled);
    expect(stderr).not.toContain("error");
  }, 60_000);
});
