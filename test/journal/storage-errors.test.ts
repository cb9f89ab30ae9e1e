// SQLite's errors as the journal tells them: what could not be done, in the person's words, with
// the journal method kept for programs.
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";

import { JournalError } from "../../src/journal/index.js";
import { toJournalError, whatFailed } from "../../src/journal/storage-errors.js";

/** SQLite's own error for a database that may not grow: a full disk, as SQLite reports it. */
function fullDatabaseError(): unknown {
  const database = new BetterSqlite3(":memory:");
  try {
    database.exec("CREATE TABLE filler (bytes BLOB)");
    database.pragma(`max_page_count = ${String(database.pragma("page_count", { simple: true }))}`);
    database.prepare("INSERT INTO filler VALUES (?)").run(Buffer.alloc(64 * 1024));
  } catch (error) {
    return error;
  } finally {
    database.close();
  }

  throw new Error("SQLite accepted a row past max_page_count");
}

describe("the journal's storage errors", () => {
  it("says what could not be done, never the method's name", () => {
    const full = toJournalError(fullDatabaseError(), { operation: "settle", journalPath: "j.db" });

    expect(full).toBeInstanceOf(JournalError);
    expect(full).toMatchObject({ code: "P21_JOURNAL_STORAGE", operation: "settle" });
    expect(full.message).toBe(
      "the journal could not record the run's progress: database or disk is full",
    );
    expect(full.cause).toMatchObject({ code: "SQLITE_FULL" });
  });

  it("names each step the person may meet", () => {
    expect(whatFailed("open")).toBe("be opened");
    expect(whatFailed("close")).toBe("write its last steps and close");
    expect(whatFailed("createRun")).toBe("record the new run");
    expect(whatFailed("setRunState")).toBe("record the run's state");
    expect(whatFailed("addItems")).toBe("record the run's records");
    expect(whatFailed("resetFailed")).toBe("queue the failed records again");
    for (const operation of ["flush", "transaction", "appendEvent", "markInFlight", "settle"]) {
      expect(whatFailed(operation)).toBe("record the run's progress");
    }
    expect(whatFailed("counts")).toBe("be read");
    expect(whatFailed("toString")).toBe("be read");
    expect(whatFailed(undefined)).toBe("be used");
  });
});
