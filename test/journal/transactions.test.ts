import { describe, expect, it } from "vitest";

import { keys, newRun, openJournal } from "./helpers/in-memory-journal.js";

describe("transactions", () => {
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
});
