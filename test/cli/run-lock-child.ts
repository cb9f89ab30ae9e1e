// A process that takes a run lock, for the run lock's tests.
//   hold JOURNAL RUN: takes the lock, prints "held", and waits to be killed; or prints
//   "refused CODE" and exits 2.
//   hold-earlier FILE: locks FILE as the earlier versions' SQLite run lock did, prints "held",
//   and waits to be killed.
//   contend JOURNAL RUNS DIRECTORY ROUNDS: tries ROUNDS times, each time for one of RUNS (a
//   comma-separated list) picked at random; each time it holds a run's lock it enters
//   DIRECTORY/inside-RUN (made exclusively: a second holder finds it and exits 3), leaves,
//   prints "took", and releases, or one time in twenty kills itself still holding it.
import { unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lockExclusively } from "../../src/cli/lock-file.js";
import { RunLock } from "../../src/cli/run-lock.js";

const [mode, journal, runIds, directory, rounds] = process.argv.slice(2);
if (journal === undefined) throw new Error("usage: MODE JOURNAL RUN …");

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

if (mode === "hold" || mode === "hold-earlier") {
  let held: unknown;
  try {
    held =
      mode === "hold"
        ? RunLock.take(journal, String(runIds))
        : lockExclusively(journal, { waitMs: 0, mustExist: false });
  } catch (error) {
    process.stdout.write(`refused ${String((error as { code?: string }).code)}\n`);
    process.exit(2);
  }
  process.stdout.write("held\n");
  // Kept reachable: a connection that is garbage-collected is closed, and its lock with it.
  setInterval(() => held, 60_000);
} else {
  const runs = String(runIds).split(",");
  for (let round = 0; round < Number(rounds); round += 1) {
    const runId = runs[Math.floor(Math.random() * runs.length)] ?? "";
    let lock: RunLock;
    try {
      lock = RunLock.take(journal, runId);
    } catch (error) {
      if ((error as { code?: string }).code !== "P21_RUN_LOCKED") throw error;
      continue;
    }

    const inside = join(String(directory), `inside-${runId}`);
    try {
      writeFileSync(inside, String(process.pid), { flag: "wx" });
    } catch {
      process.stdout.write("overlap\n");
      process.exit(3);
    }
    spin(Math.random() * 0.5);
    unlinkSync(inside);
    process.stdout.write("took\n");
    if (Math.random() < 0.05) process.kill(process.pid, "SIGKILL");
    lock.release();
  }
}
