// A signal in the instant between the sign-in's handlers and the run's, while the command takes
// the run's lock (a synchronous wait when another process holds the locks' guard): the run is
// stopped like any other, not the process ended by the signal.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { lockExclusively } from "../../src/cli/lock-file.js";
import { demoFixture } from "./demo-fixture.js";
import { cleanEnv, cliPath, collect } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";

/**
 * Runs the command line with `args` while this test holds the guard of `journal`'s run locks,
 * and sends it SIGINT once `marker` is on its stderr (printed just before the run is handed
 * over, so that the command is in the lock's wait: up to 2 s, synchronously).
 */
async function interruptedAtLock(
  fixture: ReturnType<typeof demoFixture>,
  journal: string,
  args: readonly string[],
  marker: RegExp,
) {
  mkdirSync(`${journal}.locks`, { recursive: true });
  const guard = lockExclusively(join(`${journal}.locks`, "guard"), {
    waitMs: 0,
    mustExist: false,
  });
  const child = spawn(
    process.execPath,
    [cliPath, ...args, "--journal", journal, ...fixture.connection],
    { cwd: fixture.directory, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const outcome = collect(child);
  try {
    await vi.waitFor(() => expect(stderr).toMatch(marker), { timeout: 20_000 });
    await sleep(200);
    child.kill("SIGINT");
    await sleep(200);
  } finally {
    guard.close();
  }

  return outcome;
}

describe("a signal while the run's lock is taken", () => {
  const fixture = demoFixture();

  it("stops the run before it sends anything, and so on resume: exit 130, nothing created", async () => {
    await writePagesCsv(fixture.directory, "at-lock.csv", [
      "10070,BELTS,ACME,At lock BELTS,2053-01-01,2053-12-31,0.6",
    ]);
    const journal = join(fixture.directory, "at-lock.db");
    const pagesBefore = fixture.simulator.rows("price_page").length;

    const created = await interruptedAtLock(
      fixture,
      journal,
      ["price-pages", "create", "at-lock.csv"],
      /^Run \S+ \(create\) against/m,
    );
    expect(created.signal).toBeNull();
    expect(created.exitCode).toBe(130);
    expect(created.stderr).toMatch(/^Stopped\. Resume with: p21kit resume \S+/m);

    const resumed = await interruptedAtLock(fixture, journal, ["resume"], /^Resuming run \S+/m);
    expect(resumed.signal).toBeNull();
    expect(resumed.exitCode).toBe(130);
    expect(resumed.stderr).toMatch(/^Stopped\. Resume with: p21kit resume \S+/m);
    expect(fixture.simulator.rows("price_page")).toHaveLength(pagesBefore);
  }, 60_000);
});
