import { describe, expect, it } from "vitest";

import { expectJournalError } from "./helpers/expect-journal-error.js";
import { keys, newRun, openJournal } from "./helpers/in-memory-journal.js";

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
