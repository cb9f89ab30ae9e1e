import { describe, expect, it } from "vitest";

import { expectJournalError } from "./helpers/expect-journal-error.js";
import { newRun, openJournal } from "./helpers/in-memory-journal.js";

describe("lifecycle", () => {
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
