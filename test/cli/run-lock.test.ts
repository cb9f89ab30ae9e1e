import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunLock } from "../../src/cli/run-lock.js";
import { temporaryDirectory } from "./helpers.js";

const childScript = "test/cli/run-lock-child.ts";

interface Ended {
  readonly stdout: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function startChild(args: readonly string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", childScript, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => (stdout += chunk));
  const ended = new Promise<Ended>((resolve) =>
    child.on("close", (code, signal) => resolve({ stdout, code, signal })),
  );
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (stdout.includes(text)) resolve();
        else if (child.exitCode !== null) reject(new Error(`the child ended: ${stdout}`));
        else setTimeout(check, 10);
      };
      check();
    });
  return { child, ended, printed };
}

describe("the run lock", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let journal: string;
  const lockFile = () => `${journal}.run-run-1.lock`;

  beforeEach(async () => {
    directory = await temporaryDirectory();
    journal = join(directory.path, "journal.db");
  });

  afterEach(() => directory.remove());

  it("is a file beside the journal with its holder named beside it, both gone once released", () => {
    const lock = RunLock.take(journal, "run-1");

    expect(JSON.parse(readFileSync(`${lockFile()}.holder`, "utf8"))).toMatchObject({
      pid: process.pid,
    });
    expect(readdirSync(directory.path).sort()).toEqual([
      "journal.db.run-run-1.lock",
      "journal.db.run-run-1.lock.holder",
    ]);
    lock.release();
    lock.release();
    expect(readdirSync(directory.path)).toEqual([]);

    using again = RunLock.take(journal, "run-1");
    expect(again).toBeInstanceOf(RunLock);
  });

  it("refuses a run this process holds, naming it, and keeps holding it", async () => {
    using held = RunLock.take(journal, "run-1");

    for (let round = 0; round < 2; round += 1) {
      expect(() => RunLock.take(journal, "run-1")).toThrow(
        expect.objectContaining({
          code: "P21_RUN_LOCKED",
          message: expect.stringContaining(`being worked by process ${process.pid}`) as string,
        }),
      );
    }
    expect(held).toBeInstanceOf(RunLock);
    // Still held for other processes too: closing the refused attempt's file kept the lock.
    const other = startChild(["contend", journal, "run-1", directory.path, "1"]);
    expect(await other.ended).toMatchObject({ stdout: "", code: 0 });
    using second = RunLock.take(journal, "run-2");
    expect(second).toBeInstanceOf(RunLock);
  });

  it("refuses a run another process holds, and takes it as soon as that process is killed", async () => {
    const holder = startChild(["hold", journal, "run-1"]);
    await holder.printed("held");

    expect(() => RunLock.take(journal, "run-1")).toThrow(
      expect.objectContaining({
        code: "P21_RUN_LOCKED",
        message: expect.stringContaining(`being worked by process ${holder.child.pid}`) as string,
      }),
    );

    holder.child.kill("SIGKILL");
    expect((await holder.ended).signal).toBe("SIGKILL");
    // What the killed process left (the lock file, its holder's name) decides nothing.
    expect(readdirSync(directory.path).sort()).toEqual([
      "journal.db.run-run-1.lock",
      "journal.db.run-run-1.lock.holder",
    ]);

    using lock = RunLock.take(journal, "run-1");
    expect(JSON.parse(readFileSync(`${lockFile()}.holder`, "utf8"))).toMatchObject({
      pid: process.pid,
    });
    expect(lock).toBeInstanceOf(RunLock);
  });

  it("names no process when the holder's name cannot be read", async () => {
    const holder = startChild(["hold", journal, "run-1"]);
    await holder.printed("held");
    writeFileSync(`${lockFile()}.holder`, "{not json");

    expect(() => RunLock.take(journal, "run-1")).toThrow(
      expect.objectContaining({ message: "run run-1 is being worked by another process" }),
    );
    holder.child.kill("SIGKILL");
    await holder.ended;
  });

  it("is held by one process at a time among many taking, releasing and being killed at once", async () => {
    const rounds = 1000;
    let took = 0;
    let killed = 0;
    for (let wave = 0; wave < 4; wave += 1) {
      const children = Array.from({ length: 4 }, () =>
        startChild(["contend", journal, "run-1", directory.path, String(rounds)]),
      );
      for (const { ended } of children) {
        const { stdout, code, signal } = await ended;
        expect(stdout).not.toContain("overlap");
        expect(signal === "SIGKILL" || code === 0).toBe(true);
        if (signal === "SIGKILL") killed += 1;
        took += stdout.split("took").length - 1;
      }
    }

    // Holders were killed holding it, and others took it after them.
    expect(killed).toBeGreaterThan(6);
    expect(took).toBeGreaterThan(killed);
  }, 60_000);

  it("refuses a lock file it cannot take (one an earlier version left), saying what to do", () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: 1, host: "elsewhere", since: "x" }));

    expect(() => RunLock.take(journal, "run-1")).toThrow(
      expect.objectContaining({
        code: "P21_RUN_LOCKED",
        message: `${lockFile()} is not a run lock that this version can take`,
        hint: expect.stringContaining(
          "If no p21kit is working run run-1, delete that file",
        ) as string,
      }),
    );
  });
});
