import { describe, expect, it } from "vitest";

import { Journal, JournalError } from "../../src/journal/index.js";
import type { NewRun } from "../../src/journal/index.js";
import { FakeClock } from "./helpers/fake-clock.js";

const newRun: NewRun = {
  kind: "price-pages.create",
  options: { sessions: 2, batchSize: 25 },
  inputDigest: "0".repeat(64),
  baseUrl: "https://p21.example.com",
  username: "admin",
};

function openJournal(clock = new FakeClock()): Journal {
  const journal = Journal.open(":memory:", { now: clock.now });

  return journal;
}

function expectJournalError(work: () => unknown, code: string): JournalError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).code).toBe(code);

    return error as JournalError;
  }

  throw new Error(`expected ${code}, nothing was thrown`);
}

function keys(count: number, prefix = "key"): { naturalKey: string; input: unknown }[] {
  return Array.from({ length: count }, (_, index) => ({
    naturalKey: `${prefix}-${index}`,
    input: { row: index },
  }));
}

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

describe("items", () => {
  it("adds pending items whose sequence continues per phase", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    journal.addItems(run.id, "expire", keys(2, "old"));
    journal.addItems(run.id, "create", keys(2));
    const more = journal.addItems(run.id, "expire", [{ naturalKey: "old-9", input: null }]);

    expect(more[0]).toMatchObject({ phase: "expire", sequence: 3, state: "pending", attempts: 0 });
    expect(journal.items(run.id).map((item) => `${item.phase} ${item.sequence}`)).toEqual([
      "expire 1",
      "expire 2",
      "expire 3",
      "create 1",
      "create 2",
    ]);
    expect(journal.phases(run.id)).toEqual(["expire", "create"]);
    expect(journal.item(more[0]!.id)).toEqual(more[0]);
  });

  it("adds all items or none when a natural key repeats", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    journal.addItems(run.id, "create", keys(3));

    const error = expectJournalError(
      () =>
        journal.addItems(run.id, "create", [
          ...keys(2, "fresh"),
          { naturalKey: "key-1", input: 1 },
        ]),
      "P21_JOURNAL_DUPLICATE_KEY",
    );
    expect(error).toMatchObject({ naturalKey: "key-1", phase: "create", runId: run.id });
    expectJournalError(
      () => journal.addItems(run.id, "link", [...keys(1, "twice"), ...keys(1, "twice")]),
      "P21_JOURNAL_DUPLICATE_KEY",
    );
    expect(journal.items(run.id)).toHaveLength(3);
    expect(journal.addItems(run.id, "link", keys(1))[0]?.sequence).toBe(1);
  });

  it("refuses items for an unknown run, an empty phase or key, and an input that is not JSON", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);

    expectJournalError(
      () => journal.addItems("missing", "create", keys(1)),
      "P21_JOURNAL_UNKNOWN_RUN",
    );
    expectJournalError(() => journal.addItems(run.id, "", keys(1)), "P21_JOURNAL_INPUT");
    expectJournalError(
      () => journal.addItems(run.id, "create", [{ naturalKey: "", input: 1 }]),
      "P21_JOURNAL_INPUT",
    );
    expectJournalError(
      () => journal.addItems(run.id, "create", [{ naturalKey: "k", input: { amount: 10n } }]),
      "P21_JOURNAL_INPUT",
    );
    expect(journal.items(run.id)).toEqual([]);
  });

  it("filters by phase, states and ids, and counts every state", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const created = journal.addItems(run.id, "create", keys(4));
    const linked = journal.addItems(run.id, "link", keys(2));
    journal.markInFlight(created[0]!.id, { batch: 1, session: 1 });
    journal.settle(created[1]!.id, { state: "skipped" });
    journal.settle(linked[0]!.id, {
      state: "failed",
      errorCode: "P21_SERVER_REFUSED",
      errorMessage: "no",
    });

    const states = (filter: Parameters<Journal["items"]>[1]) =>
      journal.items(run.id, filter).map((item) => `${item.phase}/${item.naturalKey}`);
    expect(states({ phase: "link" })).toEqual(["link/key-0", "link/key-1"]);
    expect(states({ states: ["pending"] })).toEqual(["create/key-2", "create/key-3", "link/key-1"]);
    expect(states({ states: ["in_flight", "failed"] })).toEqual(["create/key-0", "link/key-0"]);
    expect(states({ ids: [linked[1]!.id, created[3]!.id] })).toEqual([
      "create/key-3",
      "link/key-1",
    ]);
    expect(
      states({ phase: "create", states: ["pending"], ids: [created[2]!.id, linked[1]!.id] }),
    ).toEqual(["create/key-2"]);
    expect(states({ states: [] })).toEqual([]);
    expect(journal.counts(run.id)).toEqual({
      pending: 3,
      in_flight: 1,
      succeeded: 0,
      failed: 1,
      skipped: 1,
    });
    expect(journal.counts(run.id, "link")).toEqual({
      pending: 1,
      in_flight: 0,
      succeeded: 0,
      failed: 1,
      skipped: 0,
    });
    expect(journal.counts("missing")).toEqual({
      pending: 0,
      in_flight: 0,
      succeeded: 0,
      failed: 0,
      skipped: 0,
    });
    expectJournalError(
      () => journal.items(run.id, { states: ["lost" as never] }),
      "P21_JOURNAL_INPUT",
    );
  });

  it("lists phases in the order they were first added, even when filtered", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    journal.addItems(run.id, "zeta", keys(1, "z"));
    journal.addItems(run.id, "alpha", keys(1, "a"));
    journal.addItems(run.id, "zeta", keys(1, "later"));

    expect(journal.items(run.id, { states: ["pending"] }).map((item) => item.naturalKey)).toEqual([
      "z-0",
      "later-0",
      "a-0",
    ]);
  });
});

describe("attempts", () => {
  it("marks an item in flight with its place, counting attempts, then settles it with a duration", () => {
    const clock = new FakeClock();
    const journal = openJournal(clock);
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", keys(1));

    journal.markInFlight(item!.id, { batch: 1, session: 1 });
    clock.advance(5000);
    const again = journal.markInFlight(item!.id, { batch: 2, session: 3 });
    expect(again).toMatchObject({
      state: "in_flight",
      attempts: 2,
      batch: 2,
      session: 3,
      startedAt: "2026-03-01T08:00:05.000Z",
    });

    clock.advance(1250);
    const settled = journal.settle(item!.id, {
      state: "succeeded",
      result: { price_page_uid: 42 },
    });
    expect(settled).toMatchObject({
      state: "succeeded",
      attempts: 2,
      result: { price_page_uid: 42 },
      errorCode: undefined,
      settledAt: "2026-03-01T08:00:06.250Z",
      durationMs: 1250,
    });
  });

  it("treats a settled item as final, except for an identical repeat", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", keys(1));
    journal.markInFlight(item!.id, { batch: 1, session: 1 });
    const settled = journal.settle(item!.id, {
      state: "failed",
      errorCode: "P21_SERVER_REFUSED",
      errorMessage: "Column is disabled",
    });

    expect(
      journal.settle(item!.id, {
        state: "failed",
        errorCode: "P21_SERVER_REFUSED",
        errorMessage: "Column is disabled",
      }),
    ).toEqual(settled);
    expectJournalError(
      () => journal.settle(item!.id, { state: "failed", errorMessage: "other" }),
      "P21_JOURNAL_STATE",
    );
    expectJournalError(() => journal.settle(item!.id, { state: "succeeded" }), "P21_JOURNAL_STATE");
    expectJournalError(
      () => journal.markInFlight(item!.id, { batch: 1, session: 1 }),
      "P21_JOURNAL_STATE",
    );
    expectJournalError(() => journal.returnToPending(item!.id, "why"), "P21_JOURNAL_STATE");
    expect(journal.item(item!.id)).toEqual(settled);
  });

  it("settles a pending item without an attempt (skipped, or found on the server)", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", keys(1));

    expect(journal.settle(item!.id, { state: "skipped" })).toMatchObject({
      state: "skipped",
      attempts: 0,
      durationMs: undefined,
    });
  });

  it("compares results by value when deciding a repeat is identical", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", keys(1));
    journal.settle(item!.id, { state: "succeeded", result: { uid: 1, page: "A" } });

    expect(
      journal.settle(item!.id, { state: "succeeded", result: { page: "A", uid: 1 } }).state,
    ).toBe("succeeded");
    expectJournalError(
      () => journal.settle(item!.id, { state: "succeeded", result: { uid: 2, page: "A" } }),
      "P21_JOURNAL_STATE",
    );
  });

  it("returns an in-flight item to pending, keeping attempts and logging the reason", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", keys(1));
    journal.markInFlight(item!.id, { batch: 1, session: 1 });

    expect(journal.returnToPending(item!.id, "not found on the server")).toMatchObject({
      state: "pending",
      attempts: 1,
    });
    expect(journal.events(run.id)).toMatchObject([
      {
        type: "item.returned_to_pending",
        itemId: item!.id,
        phase: "create",
        data: { reason: "not found on the server" },
      },
    ]);
    expectJournalError(() => journal.returnToPending(item!.id, "again"), "P21_JOURNAL_STATE");
  });

  it("resets failed items of one run only, clearing their outcome", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const other = journal.createRun(newRun);
    const items = journal.addItems(run.id, "create", keys(3));
    const [otherItem] = journal.addItems(other.id, "create", keys(1));
    journal.markInFlight(items[0]!.id, { batch: 1, session: 1 });
    journal.settle(items[0]!.id, {
      state: "failed",
      errorCode: "E",
      errorMessage: "m",
      result: { partial: true },
    });
    journal.settle(items[1]!.id, { state: "succeeded" });
    journal.settle(otherItem!.id, { state: "failed" });

    expect(journal.resetFailed(run.id)).toBe(1);
    expect(journal.item(items[0]!.id)).toMatchObject({
      state: "pending",
      attempts: 1,
      result: undefined,
      errorCode: undefined,
      errorMessage: undefined,
      settledAt: undefined,
    });
    expect(journal.item(items[1]!.id)?.state).toBe("succeeded");
    expect(journal.item(otherItem!.id)?.state).toBe("failed");
    expect(journal.events(run.id, { types: ["items.reset_failed"] })[0]?.data).toEqual({
      count: 1,
    });
    expect(journal.resetFailed(run.id)).toBe(0);
  });

  it("refuses unknown items and bad places", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", keys(1));

    expectJournalError(
      () => journal.markInFlight(999, { batch: 1, session: 1 }),
      "P21_JOURNAL_UNKNOWN_ITEM",
    );
    expectJournalError(
      () => journal.settle(999, { state: "succeeded" }),
      "P21_JOURNAL_UNKNOWN_ITEM",
    );
    expectJournalError(
      () => journal.markInFlight(item!.id, { batch: -1, session: 1 }),
      "P21_JOURNAL_INPUT",
    );
    expectJournalError(
      () => journal.settle(item!.id, { state: "pending" as never }),
      "P21_JOURNAL_INPUT",
    );
    expect(journal.item(item!.id)?.state).toBe("pending");
  });
});

describe("events", () => {
  it("appends events without their secrets, in order, filtered by type", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", keys(1));
    journal.appendEvent(run.id, {
      type: "session.opened",
      data: { session: 1, token: "eyJ.secret" },
    });
    journal.appendEvent(run.id, { type: "window.reopened", itemId: item!.id });
    journal.appendEvent(run.id, { type: "retry", phase: "link", data: [1, 2] });

    expect(journal.events(run.id)).toMatchObject([
      { id: 1, type: "session.opened", data: { session: 1 } },
      { id: 2, type: "window.reopened", itemId: item!.id, phase: "create", data: null },
      { id: 3, type: "retry", phase: "link", data: [1, 2] },
    ]);
    expect(
      journal.events(run.id, { types: ["retry", "session.opened"] }).map((event) => event.id),
    ).toEqual([1, 3]);
    expect(journal.events(run.id)[0]?.data).not.toHaveProperty("token");
  });

  it("refuses an event for an unknown run or another run's item", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const other = journal.createRun(newRun);
    const [item] = journal.addItems(other.id, "create", keys(1));

    expectJournalError(
      () => journal.appendEvent("missing", { type: "x" }),
      "P21_JOURNAL_UNKNOWN_RUN",
    );
    expectJournalError(
      () => journal.appendEvent(run.id, { type: "x", itemId: item!.id }),
      "P21_JOURNAL_INPUT",
    );
    expectJournalError(() => journal.appendEvent(run.id, { type: "" }), "P21_JOURNAL_INPUT");
    expect(journal.events(run.id)).toEqual([]);
  });
});

describe("transactions and lifecycle", () => {
  it("commits the writes of a transaction together, or none of them", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const [first, second] = journal.addItems(run.id, "create", keys(2));

    expect(() =>
      journal.transaction(() => {
        journal.settle(first!.id, { state: "succeeded" });
        journal.appendEvent(run.id, { type: "batch.ended" });
        journal.markInFlight(999, { batch: 1, session: 1 });
      }),
    ).toThrow(expect.objectContaining({ code: "P21_JOURNAL_UNKNOWN_ITEM" }));
    expect(journal.item(first!.id)?.state).toBe("pending");
    expect(journal.events(run.id)).toEqual([]);

    const value = journal.transaction(() => {
      journal.settle(first!.id, { state: "succeeded" });
      journal.settle(second!.id, { state: "skipped" });

      return "done";
    });
    expect(value).toBe("done");
    expect(journal.counts(run.id)).toMatchObject({ succeeded: 1, skipped: 1 });
  });

  it("lets the caller's own error out of a transaction unchanged", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const own = new RangeError("stop here");

    expect(() =>
      journal.transaction(() => {
        journal.appendEvent(run.id, { type: "batch.started" });
        throw own;
      }),
    ).toThrow(own);
    expect(journal.events(run.id)).toEqual([]);
  });

  it("closes idempotently and refuses use after close", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    journal.close();
    journal.close();

    for (const use of [
      () => journal.getRun(run.id),
      () => journal.items(run.id),
      () => journal.createRun(newRun),
      () => journal.transaction(() => 1),
    ]) {
      expectJournalError(use, "P21_JOURNAL_CLOSED");
    }
  });

  it("reports the current schema version", () => {
    expect(openJournal().schemaVersion).toBe(1);
  });
});

describe("errors", () => {
  it("carry their context in JSON: the file, the operation, the run and the item", () => {
    const journal = openJournal();
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", keys(1));
    journal.settle(item!.id, { state: "succeeded" });
    const error = expectJournalError(
      () => journal.settle(item!.id, { state: "failed", errorCode: "X", errorMessage: "late" }),
      "P21_JOURNAL_STATE",
    );
    expect(error.toJSON()).toMatchObject({
      code: "P21_JOURNAL_STATE",
      operation: "settle",
      journalPath: ":memory:",
      itemId: item!.id,
      runId: run.id,
      phase: "create",
      naturalKey: "key-0",
    });
    expect(Object.values(error.toJSON())).not.toContain(undefined);
  });
});
