import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunLock } from "../../src/cli/run-lock.js";
import { temporaryDirectory } from "./helpers.js";

describe("the run lock", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let journal: string;
  const lockFile = () => `${journal}.run-run-1.lock`;

  beforeEach(async () => {
    directory = await temporaryDirectory();
    journal = join(directory.path, "journal.db");
  });

  afterEach(() => directory.remove());

  it("is a file holding this process, made whole, and gone once released", () => {
    const lock = RunLock.take(journal, "run-1");

    expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid: process.pid });
    expect(readdirSync(directory.path)).toEqual(["journal.db.run-run-1.lock"]);
    lock.release();
    lock.release();
    expect(readdirSync(directory.path)).toEqual([]);
  });

  it("refuses a run a live process holds, naming it", () => {
    using held = RunLock.take(journal, "run-1");

    expect(() => RunLock.take(journal, "run-1")).toThrow(
      expect.objectContaining({
        code: "P21_RUN_LOCKED",
        message: expect.stringContaining(`being worked by process ${process.pid}`) as string,
      }),
    );
    expect(held).toBeInstanceOf(RunLock);
    expect(readdirSync(directory.path)).toEqual(["journal.db.run-run-1.lock"]);
  });

  it("takes over the lock of a process that is gone, and one that cannot be read", () => {
    const gone = spawnSync(process.execPath, ["-e", "process.pid"]).pid;
    for (const left of [JSON.stringify({ pid: gone, host: hostname(), since: "x" }), "{not json"]) {
      writeFileSync(lockFile(), left);

      const lock = RunLock.take(journal, "run-1");

      expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid: process.pid });
      lock.release();
    }
  });
});
