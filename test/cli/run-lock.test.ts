import { spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunLock } from "../../src/cli/run-lock.js";
import { temporaryDirectory } from "./helpers.js";
import { withoutOverride } from "./without-write-access.js";

const childScript = "test/cli/run-lock-child.ts";

interface Ended {
  readonly stdout: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Children still running when a test ends (one that failed early): killed, not left behind. */
const started = new Set<ChildProcess>();

afterEach(() => {
  for (const child of started) child.kill("SIGKILL");
  started.clear();
});

/** A child taking locks; `heldToModes`: held to file modes even as root (see withoutOverride). */
function startChild(args: readonly string[], options: { heldToModes?: boolean } = {}) {
  const command = [process.execPath, "--import", "tsx", childScript, ...args];
  const [program = "", ...programArgs] = options.heldToModes ? withoutOverride(command) : command;
  const child = spawn(program, programArgs, { stdio: ["ignore", "pipe", "inherit"] });
  started.add(child);
  child.on("exit", () => started.delete(child));
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
  const locks = () => `${journal}.locks`;
  const holderFile = () => join(locks(), "run-1.holder");

  beforeEach(async () => {
    directory = await temporaryDirectory();
    journal = join(directory.path, "journal.db");
  });

  afterEach(() => directory.remove());

  it("is a file beside the journal with its holder named beside it, both removed on release", () => {
    expect(RunLock.isHeld(journal, "run-1")).toBe(false);
    const lock = RunLock.take(journal, "run-1");

    expect(RunLock.isHeld(journal, "run-1")).toBe(true);
    expect(JSON.parse(readFileSync(holderFile(), "utf8"))).toMatchObject({ pid: process.pid });
    expect(readdirSync(locks()).sort()).toEqual(["guard", "run-1.holder", "run-1.lock"]);
    lock.release();
    lock.release();
    // Only the guard stays, one per journal: a run leaves no file behind.
    expect(readdirSync(locks())).toEqual(["guard"]);
    expect(RunLock.isHeld(journal, "run-1")).toBe(false);

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
    // The take of run-2 looked for stale locks: it tried run-1's, and left it held.
    const again = startChild(["contend", journal, "run-1", directory.path, "1"]);
    expect(await again.ended).toMatchObject({ stdout: "", code: 0 });
    expect(readdirSync(locks()).sort()).toEqual([
      "guard",
      "run-1.holder",
      "run-1.lock",
      "run-2.holder",
      "run-2.lock",
    ]);
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

    expect(RunLock.isHeld(journal, "run-1")).toBe(true);
    expect(() => RunLock.refuseIfHeld(journal, "run-1")).toThrow(
      expect.objectContaining({ code: "P21_RUN_LOCKED" }),
    );

    holder.child.kill("SIGKILL");
    expect((await holder.ended).signal).toBe("SIGKILL");
    // What the killed process left (its holder's name) decides nothing.
    expect(readdirSync(locks()).sort()).toEqual(["guard", "run-1.holder", "run-1.lock"]);
    expect(RunLock.isHeld(journal, "run-1")).toBe(false);
    RunLock.refuseIfHeld(journal, "run-1");

    const lock = RunLock.take(journal, "run-1");
    expect(JSON.parse(readFileSync(holderFile(), "utf8"))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(readdirSync(locks())).toEqual(["guard"]);
  });

  it("removes, when another run is taken, the locks killed processes left, not those held", async () => {
    const killed = startChild(["hold", journal, "run-1"]);
    const living = startChild(["hold", journal, "run-2"]);
    await Promise.all([killed.printed("held"), living.printed("held")]);
    killed.child.kill("SIGKILL");
    await killed.ended;

    const lock = RunLock.take(journal, "run-3");
    expect(readdirSync(locks()).sort()).toEqual([
      "guard",
      "run-2.holder",
      "run-2.lock",
      "run-3.holder",
      "run-3.lock",
    ]);
    expect(RunLock.isHeld(journal, "run-2")).toBe(true);
    expect(() => RunLock.take(journal, "run-2")).toThrow(
      expect.objectContaining({
        message: expect.stringContaining(`being worked by process ${living.child.pid}`) as string,
      }),
    );
    lock.release();

    living.child.kill("SIGKILL");
    await living.ended;
    RunLock.take(journal, "run-4").release();
    expect(readdirSync(locks())).toEqual(["guard"]);
  });

  it("removes at most 100 stale locks in one take, and leaves a file that is not a lock", () => {
    // The empty files a version that kept its lock files left, one per run, none held.
    mkdirSync(locks());
    for (let run = 0; run < 150; run += 1) writeFileSync(join(locks(), `old-${run}.lock`), "");
    writeFileSync(join(locks(), "odd.lock"), "not a lock");

    RunLock.take(journal, "run-1").release();
    expect(readdirSync(locks())).toHaveLength(1 + 50 + 1);
    RunLock.take(journal, "run-1").release();
    expect(readdirSync(locks()).sort()).toEqual(["guard", "odd.lock"]);
  });

  it("names no process when the holder's name cannot be read", async () => {
    const holder = startChild(["hold", journal, "run-1"]);
    await holder.printed("held");
    writeFileSync(holderFile(), "{not json");

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
      // Two runs: each take also removes the other's lock when a killed holder left it.
      const children = Array.from({ length: 4 }, () =>
        startChild(["contend", journal, "run-1,run-2", directory.path, String(rounds)]),
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
    // What the last killed holders left goes with the next take.
    RunLock.take(journal, "run-3").release();
    expect(readdirSync(locks())).toEqual(["guard"]);
  }, 60_000);

  it("is one lock for a journal named through a symbolic link", () => {
    writeFileSync(journal, "");
    const linked = join(directory.path, "linked.db");
    symlinkSync(journal, linked);
    using held = RunLock.take(journal, "run-1");

    expect(RunLock.isHeld(linked, "run-1")).toBe(true);
    expect(() => RunLock.take(linked, "run-1")).toThrow(
      expect.objectContaining({ code: "P21_RUN_LOCKED" }),
    );
    expect(held).toBeInstanceOf(RunLock);
  });

  it("refuses a lock file that is not one, saying what to do", () => {
    const lockFile = join(locks(), "run-1.lock");
    mkdirSync(locks());
    writeFileSync(lockFile, JSON.stringify({ pid: 1, host: "elsewhere", since: "x" }));

    expect(() => RunLock.take(journal, "run-1")).toThrow(
      expect.objectContaining({
        code: "P21_RUN_LOCKED",
        message: `${lockFile} is not a run lock: SQLite cannot open it as one`,
        hint: "If no p21kit is working run run-1, delete that file.",
      }),
    );
  });

  it("refuses a lock file it may not write instead of holding nothing", async () => {
    // Left by another user, say. SQLite would open it read-only, and lock nothing with it.
    const lockFile = join(locks(), "run-1.lock");
    mkdirSync(locks());
    writeFileSync(lockFile, "");
    chmodSync(lockFile, 0o444);

    const child = startChild(["hold", journal, "run-1"], { heldToModes: true });
    const holding = child.printed("held").then(
      () => ({ stdout: "held\n", code: null }),
      () => child.ended,
    );
    const { stdout, code } = await Promise.race([child.ended, holding]);

    expect({ stdout, code }).toEqual({ stdout: "refused P21_USAGE\n", code: 2 });
  });
});
