import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";

import { Journal, JournalError } from "../../src/journal/index.js";
import type { NewRun } from "../../src/journal/index.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";

const newRun: NewRun = {
  kind: "price-pages.create",
  options: { sessions: 1 },
  inputDigest: "digest",
  baseUrl: "https://p21.example.com",
};

function fileBytes(path: string): Buffer {
  return existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
}

function journalBytes(path: string): Buffer {
  return Buffer.concat([fileBytes(path), fileBytes(`${path}-wal`)]);
}

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof JournalError ? error.code : `not a JournalError: ${String(error)}`;
  }

  return undefined;
}

describe("the journal file", () => {
  it("is created with its directory, private to its owner, with -wal and -shm private too", () => {
    const path = join(temporaryDirectory(), "nested", "deeper", "journal.db");
    const journal = Journal.open(path);
    const run = journal.createRun(newRun);
    journal.addItems(run.id, "create", [{ naturalKey: "k", input: 1 }]);

    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      expect(existsSync(file), file).toBe(true);
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }

    journal.close();
  });

  it("runs in WAL mode with synchronous=FULL and foreign keys on", () => {
    const path = join(temporaryDirectory(), "journal.db");
    Journal.open(path).close();
    const database = new BetterSqlite3(path, { readonly: true });

    expect(database.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(database.pragma("user_version", { simple: true })).toBe(1);
    database.close();
    const journal = Journal.open(path, { busyTimeoutMs: 1234 });
    expect(journal.storageSettings()).toEqual({
      journalMode: "wal",
      synchronous: "full",
      foreignKeys: true,
      busyTimeoutMs: 1234,
    });
    journal.close();
  });

  it("never holds a password, token or consumer key, in the main file or the WAL", () => {
    const path = join(temporaryDirectory(), "journal.db");
    const journal = Journal.open(path);
    const run = journal.createRun({
      ...newRun,
      baseUrl: "https://admin:url-password-7f3a@p21.example.com",
      options: {
        marker: "visible-marker-51c2",
        password: "hunter2-password-7f3a",
        credentials: { consumerKey: "consumer-key-7f3a", clientSecret: "client-secret-7f3a" },
        headers: [{ Authorization: "Bearer bearer-token-7f3a" }],
      },
    });
    journal.appendEvent(run.id, {
      type: "session.opened",
      data: {
        accessToken: "access-token-7f3a",
        refresh_token: "refresh-token-7f3a",
        marker: "event-marker-51c2",
      },
    });

    const [item] = journal.addItems(run.id, "create", [{ naturalKey: "k", input: 1 }]);
    journal.settle(item!.id, {
      state: "failed",
      errorCode: "P21_AUTH_FAILED",
      errorMessage:
        "refused https://admin:message-password-7f3a@p21.example.com with Bearer message-token-7f3a",
    });

    const secrets = [
      "message-password-7f3a",
      "message-token-7f3a",
      "url-password-7f3a",
      "hunter2-password-7f3a",
      "consumer-key-7f3a",
      "client-secret-7f3a",
      "bearer-token-7f3a",
      "access-token-7f3a",
      "refresh-token-7f3a",
    ];
    const whileOpen = journalBytes(path);
    expect(fileBytes(`${path}-wal`).length).toBeGreaterThan(0);
    expect(whileOpen.includes("visible-marker-51c2")).toBe(true);
    expect(whileOpen.includes("event-marker-51c2")).toBe(true);
    for (const secret of secrets) expect(whileOpen.includes(secret), secret).toBe(false);

    journal.close();
    const afterClose = journalBytes(path);
    expect(afterClose.includes("visible-marker-51c2")).toBe(true);
    for (const secret of secrets) expect(afterClose.includes(secret), secret).toBe(false);
  });

  it("keeps every committed write across reopening", () => {
    const path = join(temporaryDirectory(), "journal.db");
    const first = Journal.open(path);
    const run = first.createRun({ ...newRun, id: "run-1" });
    const [item] = first.addItems(run.id, "create", [{ naturalKey: "k", input: { row: 1 } }]);
    first.markInFlight(item!.id, { batch: 1, session: 2 });
    first.setRunState(run.id, "running");
    first.close();

    const second = Journal.open(path);
    expect(second.latestUnfinishedRun()?.id).toBe("run-1");
    expect(second.items("run-1", { states: ["in_flight"] })).toMatchObject([
      { naturalKey: "k", attempts: 1, batch: 1, session: 2, input: { row: 1 } },
    ]);
    second.close();
  });

  it("opens read-only without creating anything and refuses writes", () => {
    const directory = temporaryDirectory();
    const path = join(directory, "journal.db");

    expect(codeOf(() => Journal.open(path, { readonly: true }))).toBe("P21_JOURNAL_STORAGE");
    expect(existsSync(path)).toBe(false);

    const writer = Journal.open(path);
    writer.createRun({ ...newRun, id: "run-1" });
    const reader = Journal.open(path, { readonly: true });

    expect(reader.getRun("run-1")?.kind).toBe("price-pages.create");
    expect(codeOf(() => reader.createRun(newRun))).toBe("P21_JOURNAL_READONLY");
    expect(() => reader.createRun(newRun)).toThrow(
      `the journal ${path} could not record the new run: it is open read-only`,
    );
    expect(codeOf(() => reader.setRunState("run-1", "running"))).toBe("P21_JOURNAL_READONLY");
    expect(reader.transaction(() => reader.listRuns().length)).toBe(1);
    writer.setRunState("run-1", "running");
    expect(reader.getRun("run-1")?.state).toBe("running");
    reader.close();
    writer.close();
  });

  it("refuses a file that is not a journal, and leaves it as it was", () => {
    const directory = temporaryDirectory();
    const text = join(directory, "notes.db");
    writeFileSync(text, "these are not the pages you are looking for ".repeat(100));
    const foreign = join(directory, "other.db");
    const other = new BetterSqlite3(foreign);
    other.exec("CREATE TABLE customers (id INTEGER)");
    other.close();

    expect(codeOf(() => Journal.open(text))).toBe("P21_JOURNAL_NOT_A_JOURNAL");
    expect(codeOf(() => Journal.open(foreign))).toBe("P21_JOURNAL_NOT_A_JOURNAL");
    const check = new BetterSqlite3(foreign, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_schema").pluck().all()).toEqual(["customers"]);
    check.close();
  });

  it("refuses a journal of a newer schema version than it knows", () => {
    const path = join(temporaryDirectory(), "journal.db");
    Journal.open(path).close();
    const database = new BetterSqlite3(path);
    database.pragma("user_version = 99");
    database.close();

    expect(codeOf(() => Journal.open(path))).toBe("P21_JOURNAL_SCHEMA_TOO_NEW");
    expect(codeOf(() => Journal.open(path, { readonly: true }))).toBe("P21_JOURNAL_SCHEMA_TOO_NEW");
  });

  it("fails a write with P21_JOURNAL_BUSY when another connection holds the lock past the timeout", () => {
    const path = join(temporaryDirectory(), "journal.db");
    const journal = Journal.open(path, { busyTimeoutMs: 50 });
    const run = journal.createRun(newRun);
    const locker = new BetterSqlite3(path);
    locker.exec("BEGIN IMMEDIATE");

    try {
      const error = (() => {
        try {
          journal.addItems(run.id, "create", [{ naturalKey: "k", input: 1 }]);
        } catch (caught) {
          return caught as JournalError;
        }

        return undefined;
      })();
      expect(error?.code).toBe("P21_JOURNAL_BUSY");
      expect(error?.retry).toBe("transient");
      expect(error?.operation).toBe("addItems");
      expect(error?.message).toBe(
        "the journal is locked by another process: it could not record the run's records (database is locked)",
      );
    } finally {
      locker.exec("ROLLBACK");
      locker.close();
    }

    expect(journal.addItems(run.id, "create", [{ naturalKey: "k", input: 1 }])).toHaveLength(1);
    journal.close();
  });
});
