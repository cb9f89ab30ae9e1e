import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  demoReplaceArguments,
  replaceProblems,
  writeDemoReplace,
} from "../../bench/workflow-sanity.js";
import type { RunSummaryLine } from "../../src/cli/execute-run.js";
import type { WorkflowSummary } from "../../src/pricing/index.js";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { connectionTo, ndjson, runChild, temporaryDirectory } from "./helpers.js";

describe("a replace under random server faults (child processes against the simulator)", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let simulator: SimulatorHandle;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    // One request in about fourteen fails: a 500, a reset or a stall (half of them after a
    // write was applied) or a corrupted window. A stall is held 200 ms and then dropped: the
    // command's client waits the recommended 60 s before it gives up on its own.
    simulator = await startSimulator({
      data: "demo",
      faults: "http500=0.03,reset=0.02,stall=0.01,corrupt=0.015",
      faultSeed: 20261203,
      stallMs: 200,
    });
  });

  afterAll(async () => {
    await simulator.close();
    await directory.remove();
  });

  it("ends, after retry-failed, with every page expired, created and linked exactly once", async () => {
    const input = await writeDemoReplace(directory.path, simulator.rows("price_page"), 60);
    const { oldPageUids } = input.expectation;
    const connection = [
      ...connectionTo(simulator.url),
      "--journal",
      join(directory.path, "journal.db"),
      "--json",
      "--batch-size",
      "10",
    ];
    const replace = [...demoReplaceArguments(input, 3), ...connection];
    const cli = async (args: string[]) => {
      const outcome = await runChild(args, { cwd: directory.path });
      return {
        exitCode: outcome.exitCode,
        summary: ndjson(outcome.stdout).at(-1) as unknown as RunSummaryLine,
      };
    };

    const totals = { expired: 0, created: 0, linked: 0 };
    const count = (summary: RunSummaryLine) => {
      totals.expired += summary.expired;
      totals.created += summary.created;
      totals.linked += summary.linked;
    };
    let outcome = await cli(replace);
    count(outcome.summary);
    for (let round = 1; round <= 3 && outcome.exitCode !== 0; round += 1) {
      expect(outcome.exitCode).toBe(1);
      if (round === 3) simulator.setFaults({});
      outcome = await cli(["retry-failed", ...connection]);
      count(outcome.summary);
    }

    expect(outcome.exitCode).toBe(0);
    expect(
      Object.values(simulator.stats().faultsInjected).reduce((a, b) => a + b, 0),
    ).toBeGreaterThan(20);
    expect(simulator.stats().faultsInjected.stall ?? 0).toBeGreaterThan(2);
    const problems = replaceProblems(
      { pricePages: simulator.rows("price_page"), bookLinks: simulator.rows("price_book_x_page") },
      input.expectation,
      { ...totals, skipped: 0, failed: 0, phases: [] } as unknown as WorkflowSummary,
    );
    expect(problems).toEqual([]);

    // The runs' own accounting: each record succeeded once, in whichever run it did.
    expect(totals).toEqual({ expired: oldPageUids.length, created: 60, linked: 60 });
    simulator.setFaults({});
    const again = await cli(replace);
    expect(again.exitCode).toBe(0);
    expect(again.summary).toMatchObject({ expired: 0, created: 0, linked: 0, failed: 0 });
  });
});
