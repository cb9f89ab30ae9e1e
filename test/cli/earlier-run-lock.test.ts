// The lock files of the versions before JOURNAL.locks/: JOURNAL.run-RUN.lock beside the journal,
// a file holding its process's id, then an SQLite file locked as the current ones are.
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunLock } from "../../src/cli/run-lock.js";
import { temporaryDirectory } from "./helpers.js";

/** The id of a process that has ended: a child started and killed. */
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 60000)"]);
  const pid = child.pid ?? 0;
  const ended = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGKILL");
  await ended;
  return pid;
}

/** A child locking `file` as the earlier SQLite lock did; killed by `stop`. */
async function holdEarlierLock(file: string): Promise<{ pid: number; stop: () => Promise<void> }> {
  const command = ["--import", "tsx", "test/cli/run-lock-child.ts", "hold-earlier", file];
  const child = spawn(process.execPath, command, { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("held")) resolve();
    });
    child.on("exit", () => reject(new Error("the child ended before it held the lock")));
  });
  const ended = new Promise((resolve) => child.on("exit", resolve));

  return {
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill("SIGKILL");
      await ended;
    },
  };
}

describe("a run lock of an earlier version", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let journal: string;
  let earlier: string;

  beforeEach(async () => {
    directory = await temporaryDirectory();
    journal = join(directory.path, "journal.db");
    earlier = `${journal}.run-run-1.lock`;
  });

  afterEach(() => directory.remove());

  const holding = (pid: number, host = hostname()) =>
    writeFileSync(earlier, `${JSON.stringify({ pid, host, since: "2026-12-03T22:00:00Z" })}\n`);

  it("holding a living process's id is held: refused, naming it and the file to delete", () => {
    holding(process.pid);

    expect(RunLock.isHeld(journal, "run-1")).toBe(true);
    for (const attempt of [
      () => RunLock.take(journal, "run-1"),
      () => RunLock.refuseIfHeld(journal, "run-1"),
    ]) {
      expect(attempt).toThrow(
        expect.objectContaining({
          code: "P21_RUN_LOCKED",
          message: `run run-1 is being worked by process ${process.pid} on ${hostname()} (since 2026-12-03T22:00:00Z)`,
          hint: expect.stringContaining(`if that process is gone, delete ${earlier}`) as string,
        }),
      );
    }
    // Another run of the journal is not concerned.
    RunLock.take(journal, "run-2").release();
  });

  it("holding the id of a process that has ended is stale: the run is taken, the file left", async () => {
    holding(await endedPid());

    expect(RunLock.isHeld(journal, "run-1")).toBe(false);
    RunLock.refuseIfHeld(journal, "run-1");
    RunLock.take(journal, "run-1").release();
    expect(existsSync(earlier)).toBe(true);
  });

  it("holding a process of another machine is held: that process cannot be asked", () => {
    holding(1, "elsewhere.example");

    expect(() => RunLock.take(journal, "run-1")).toThrow(
      expect.objectContaining({
        message: expect.stringContaining("on elsewhere.example") as string,
      }),
    );
  });

  it("locked by a living process through SQLite is held until that process is killed", async () => {
    writeFileSync(`${earlier}.holder`, JSON.stringify({ pid: 4321, host: "here", since: "then" }));
    const holder = await holdEarlierLock(earlier);
    try {
      expect(RunLock.isHeld(journal, "run-1")).toBe(true);
      expect(() => RunLock.take(journal, "run-1")).toThrow(
        expect.objectContaining({
          message: "run run-1 is being worked by process 4321 on here (since then)",
        }),
      );

      await holder.stop();
      expect(RunLock.isHeld(journal, "run-1")).toBe(false);
      RunLock.take(journal, "run-1").release();
    } finally {
      await holder.stop();
    }
  });

  it("that is not one of those formats decides nothing", () => {
    writeFileSync(earlier, "something else");

    expect(RunLock.isHeld(journal, "run-1")).toBe(false);
    RunLock.take(journal, "run-1").release();
  });
});
