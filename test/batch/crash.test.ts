import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconciledEventType } from "../../src/batch/index.js";
import { Journal } from "../../src/journal/index.js";
import type { Harness } from "./support/harness.js";
import {
  createRunWithPages,
  phase,
  serverPageCounts,
  startHarness,
  testPages,
} from "./support/harness.js";

const childPath = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
const recordCount = 90;
const kills = 12;

/** Where a child is killed: at its n-th committed save (before it hears the answer), or at its n-th request. */
type KillMoment = { at: "committed" | "request"; count: number };

/**
 * What `npx tsx test/batch/crash-child.ts …` runs, without the npx and tsx wrapper processes:
 * SIGKILL must hit the process that runs the engine, and a wrapper cannot relay it.
 */
function startChild(harness: Harness, runId: string): ChildProcess {
  const args = [childPath, harness.simulator.url, harness.journalPath, runId, "6"];

  return spawn(process.execPath, ["--import", "tsx", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }

    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

describe("crash and resume", () => {
  let harness: Harness;
  let runId: string;

  beforeAll(async () => {
    harness = await startHarness({ poolSize: 64 });
    runId = createRunWithPages(
      harness.journal,
      harness.simulator.url,
      testPages(recordCount, "Crash"),
    );
    harness.journal.close();
  });

  afterAll(async () => {
    await harness.close();
  });

  it("killed with SIGKILL at 12 seeded moments, the server ends with every record exactly once", async () => {
    const moments = fc.sample(
      fc.oneof(
        {
          weight: 2,
          arbitrary: fc.record({
            at: fc.constant("committed" as const),
            count: fc.integer({ min: 1, max: 4 }),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            at: fc.constant("request" as const),
            count: fc.integer({ min: 1, max: 60 }),
          }),
        },
      ),
      { numRuns: kills, seed: 4_242 },
    ) as KillMoment[];
    const simulator = harness.simulator;
    let killedAfterCommit = 0;
    let killed = 0;

    let onCommitted = () => undefined as void;
    let onRequest = (_route: string) => undefined as void;
    simulator.on("committed", () => onCommitted());
    simulator.on("request", (info) => onRequest(info.route));

    for (const moment of moments) {
      const child = startChild(harness, runId);
      let seen = 0;
      const kill = () => {
        seen += 1;
        if (seen !== moment.count || child.exitCode !== null) return;

        child.kill("SIGKILL");
        if (moment.at === "committed") killedAfterCommit += 1;
      };
      onCommitted = () => {
        if (moment.at === "committed") kill();
      };
      onRequest = (route) => {
        if (moment.at === "request" && route.includes("/interactive/")) kill();
      };

      const result = await exited(child);
      onCommitted = () => undefined;
      onRequest = () => undefined;
      expect(result.signal === "SIGKILL" || result.code === 0).toBe(true);
      if (result.signal === "SIGKILL") killed += 1;
    }

    expect(killed).toBeGreaterThanOrEqual(10);
    expect(killedAfterCommit).toBeGreaterThanOrEqual(5);

    const final = startChild(harness, runId);
    let output = "";
    final.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    expect((await exited(final)).code).toBe(0);
    expect(JSON.parse(output)).toMatchObject({ succeeded: recordCount, unsettled: 0 });

    const counts = serverPageCounts(simulator, "Crash");
    expect(counts.size).toBe(recordCount);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);

    const journal = Journal.open(harness.journalPath);
    try {
      expect(journal.counts(runId, phase)).toMatchObject({ succeeded: recordCount, in_flight: 0 });
      const reconciled = journal.events(runId, { types: [reconciledEventType] });
      expect(reconciled.length).toBeGreaterThanOrEqual(killedAfterCommit);
    } finally {
      journal.close();
    }
  }, 120_000);
});
