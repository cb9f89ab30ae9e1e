import { describe, expect, it } from "vitest";

import { FakeClock } from "./helpers/fake-clock.js";
import { expectJournalError } from "./helpers/expect-journal-error.js";
import { keys, newRun, openJournal } from "./helpers/in-memory-journal.js";

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
