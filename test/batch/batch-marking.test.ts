import { afterEach, describe, expect, it } from "vitest";
import { BatchEngine } from "../../src/batch/index.js";
import { Journal, JournalError } from "../../src/journal/index.js";
import type { ItemState } from "../../src/journal/index.js";
import type { Harness } from "./support/harness.js";
import { createRunWithPages, phase, startHarness, testPages } from "./support/harness.js";
import { testPageOperation } from "./support/page-operation.js";

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("in-flight marks per batch", () => {
  it("marks a batch's later records in flight, durably, before its first record sends anything", async () => {
    harness = await startHarness();
    const current = harness;
    const runId = createRunWithPages(current.journal, current.simulator.url, testPages(6, "Mark"));
    const seenBySecondReader: ItemState[][] = [];
    const observer = Journal.open(current.journalPath, { readonly: true });
    current.simulator.on("request", (request) => {
      if (
        request.route === "PUT /api/ui/interactive/v2/change" &&
        seenBySecondReader.length === 0
      ) {
        seenBySecondReader.push(observer.items(runId, { phase }).map((item) => item.state));
      }
    });
    const engine = new BatchEngine({
      journal: current.journal,
      createClient: current.createClient,
      batchSize: 6,
    });

    const summary = await engine.runPhase(runId, phase, testPageOperation);

    expect(summary).toMatchObject({ succeeded: 6, failed: 0, unsettled: 0 });
    expect(seenBySecondReader[0]).toEqual(Array(6).fill("in_flight"));
    expect(observer.items(runId, { phase }).map((item) => item.attempts)).toEqual(Array(6).fill(1));
    observer.close();
  });

  it("returns the records a stopped batch never reached to pending", async () => {
    harness = await startHarness();
    const current = harness;
    const runId = createRunWithPages(current.journal, current.simulator.url, testPages(6, "Stop"));
    const stop = new AbortController();
    const engine = new BatchEngine({
      journal: current.journal,
      createClient: current.createClient,
      batchSize: 6,
      signal: stop.signal,
      onProgress: (event) => {
        if (event.type === "record-settled") stop.abort();
      },
    });

    const summary = await engine.runPhase(runId, phase, testPageOperation);

    expect(summary.interrupted).toBe(true);
    const states = current.journal.items(runId, { phase }).map((item) => item.state);
    expect(states.filter((state) => state === "succeeded")).toHaveLength(1);
    expect(states.filter((state) => state === "pending")).toHaveLength(5);
    expect(states).not.toContain("in_flight");
  });

  it("when the commit of a batch's marks fails (a full disk), reports that failure and keeps the items pending", async () => {
    harness = await startHarness();
    const current = harness;
    const runId = createRunWithPages(current.journal, current.simulator.url, testPages(6, "Full"));
    // The real journal, whose first transaction that marks records in flight is rolled back by
    // a storage failure, as SQLite rolls back a commit the disk refuses.
    let failNextMark = true;
    const journal = new Proxy(current.journal, {
      get(target, key) {
        if (key !== "transaction") {
          // The journal's methods use its private fields: called on the journal itself.
          const value = Reflect.get(target, key, target) as unknown;
          return typeof value === "function" ? (value as () => unknown).bind(target) : value;
        }
        return <T>(work: () => T): T =>
          target.transaction(() => {
            const result = work();
            const marking =
              Array.isArray(result) &&
              (result[0] as { state?: string } | undefined)?.state === "in_flight";
            if (marking && failNextMark) {
              failNextMark = false;
              throw new JournalError(
                "P21_JOURNAL_STORAGE",
                "the journal could not record the run's progress: database or disk is full",
              );
            }
            return result;
          });
      },
    });
    const engine = (from: Journal) =>
      new BatchEngine({ journal: from, createClient: current.createClient, batchSize: 6 });

    const failure = await engine(journal)
      .runPhase(runId, phase, testPageOperation)
      .catch((error: unknown) => error);

    let cause: unknown = failure;
    const codes: unknown[] = [];
    while (cause instanceof Error) {
      codes.push((cause as { code?: unknown }).code);
      cause = cause.cause;
    }
    expect(codes).toContain("P21_JOURNAL_STORAGE");
    expect(current.journal.items(runId, { phase }).map((item) => item.state)).toEqual(
      Array(6).fill("pending"),
    );

    // Space again: the same journal finishes the run, each record once.
    const summary = await engine(current.journal).runPhase(runId, phase, testPageOperation);
    expect(summary).toMatchObject({ succeeded: 6, failed: 0, unsettled: 0 });
  });
});
