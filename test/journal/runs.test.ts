import { describe, expect, it } from "vitest";

import { FakeClock } from "./helpers/fake-clock.js";
import { expectJournalError } from "./helpers/expect-journal-error.js";
import { newRun, openJournal } from "./helpers/in-memory-journal.js";

describe("runs", () => {
  it("creates a pending run with what it was given and timestamps from the clock", () => {
    const journal = openJournal();
    const run = journal.createRun({ ...newRun, id: "run-1" });

    expect(run).toEqual({
      id: "run-1",
      kind: "price-pages.create",
      state: "pending",
      options: { batchSize: 25, sessions: 2 },
      inputDigest: "0".repeat(64),
      baseUrl: "https://p21.example.com",
      username: "admin",
      parentRunId: undefined,
      createdAt: "2026-03-01T08:00:00.000Z",
      updatedAt: "2026-03-01T08:00:00.000Z",
      finishedAt: undefined,
    });
    expect(journal.getRun("run-1")).toEqual(run);
    expect(journal.getRun("nope")).toBeUndefined();
  });

  it("generates distinct, sortable ids", () => {
    const clock = new FakeClock();
    const journal = openJournal(clock);
    const first = journal.createRun(newRun);
    clock.advance(1000);
    const second = journal.createRun(newRun);

    expect(first.id).toMatch(/^20260301-080000-[0-9a-f]{6}$/);
    expect(second.id > first.id).toBe(true);
  });

  it("refuses a duplicate id, a bad id and an unknown parent", () => {
    const journal = openJournal();
    journal.createRun({ ...newRun, id: "run-1" });

    expectJournalError(
      () => journal.createRun({ ...newRun, id: "run-1" }),
      "P21_JOURNAL_DUPLICATE_RUN",
    );
    expectJournalError(
      () => journal.createRun({ ...newRun, id: "no spaces" }),
      "P21_JOURNAL_INPUT",
    );
    expectJournalError(() => journal.createRun({ ...newRun, kind: "" }), "P21_JOURNAL_INPUT");
    const error = expectJournalError(
      () => journal.createRun({ ...newRun, parentRunId: "missing" }),
      "P21_JOURNAL_UNKNOWN_RUN",
    );
    expect(error.runId).toBe("missing");
    expect(journal.listRuns()).toHaveLength(1);
  });

  it("links a retry run to its parent", () => {
    const journal = openJournal();
    journal.createRun({ ...newRun, id: "parent" });

    expect(journal.createRun({ ...newRun, parentRunId: "parent" }).parentRunId).toBe("parent");
  });

  it("lists runs newest first, with a limit, and finds the latest unfinished one", () => {
    const clock = new FakeClock();
    const journal = openJournal(clock);
    for (const id of ["a", "b", "c", "d"]) {
      journal.createRun({ ...newRun, id });
      clock.advance(10);
    }

    journal.setRunState("d", "running");
    journal.setRunState("d", "completed");
    journal.setRunState("c", "failed");
    journal.setRunState("b", "running");
    journal.setRunState("b", "interrupted");

    expect(journal.listRuns().map((run) => run.id)).toEqual(["d", "c", "b", "a"]);
    expect(journal.listRuns({ limit: 2 }).map((run) => run.id)).toEqual(["d", "c"]);
    expect(journal.latestUnfinishedRun()?.id).toBe("b");
    journal.setRunState("b", "completed");
    expect(journal.latestUnfinishedRun()?.id).toBe("a");
  });

  it("sets finishedAt when a run completes or fails, and clears it when a failed run runs again", () => {
    const clock = new FakeClock();
    const journal = openJournal(clock);
    journal.createRun({ ...newRun, id: "run-1" });
    clock.advance(500);
    journal.setRunState("run-1", "running");
    clock.advance(500);
    journal.setRunState("run-1", "failed");

    expect(journal.getRun("run-1")).toMatchObject({
      state: "failed",
      updatedAt: "2026-03-01T08:00:01.000Z",
      finishedAt: "2026-03-01T08:00:01.000Z",
    });
    journal.setRunState("run-1", "running");
    expect(journal.getRun("run-1")?.finishedAt).toBeUndefined();
    journal.setRunState("run-1", "completed");

    expectJournalError(() => journal.setRunState("run-1", "running"), "P21_JOURNAL_STATE");
    expectJournalError(() => journal.setRunState("missing", "running"), "P21_JOURNAL_UNKNOWN_RUN");
    expectJournalError(() => journal.setRunState("run-1", "done" as never), "P21_JOURNAL_INPUT");
  });
});
