import { describe, expect, it } from "vitest";

import { expectJournalError } from "./helpers/expect-journal-error.js";
import { keys, newRun, openJournal } from "./helpers/in-memory-journal.js";

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
