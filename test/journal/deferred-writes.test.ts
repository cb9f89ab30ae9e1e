import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { Journal, JournalError } from "../../src/journal/index.js";
import type { NewRun } from "../../src/journal/index.js";
import { FakeClock } from "./helpers/fake-clock.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";

const newRun: NewRun = {
  kind: "price-pages.create",
  options: {},
  inputDigest: "0".repeat(64),
  baseUrl: "https://p21.example.com",
};

function journalFile(): string {
  return join(temporaryDirectory(), "journal.db");
}

describe("deferred settlements and events (durable: false)", () => {
  it("answers the settled record at once and writes it with the next write, in one commit", () => {
    const path = journalFile();
    const clock = new FakeClock();
    const journal = Journal.open(path, { now: clock.now });
    const run = journal.createRun(newRun);
    const [first, second] = journal.addItems(run.id, "create", [
      { naturalKey: "a", input: {} },
      { naturalKey: "b", input: {} },
    ]);
    journal.markInFlight(first!.id, { batch: 1, session: 1 });
    clock.advance(40);

    const settled = journal.settle(
      first!.id,
      { state: "succeeded", result: { uid: 7 } },
      { durable: false },
    );
    journal.appendEvent(run.id, { type: "retry", itemId: first!.id }, { durable: false });

    expect(settled.state).toBe("succeeded");
    expect(settled.durationMs).toBe(40);
    const observer = Journal.open(path, { readonly: true });
    expect(observer.item(first!.id)?.state).toBe("in_flight");
    expect(observer.events(run.id, { types: ["retry"] })).toHaveLength(0);

    journal.markInFlight(second!.id, { batch: 1, session: 1 });

    expect(observer.item(first!.id)).toEqual(settled);
    expect(observer.events(run.id, { types: ["retry"] })).toHaveLength(1);
    observer.close();
    journal.close();
  });

  it("refuses an impossible settlement at once, and queues nothing for it", () => {
    const journal = Journal.open(":memory:");
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", [{ naturalKey: "a", input: {} }]);
    journal.settle(item!.id, { state: "failed", errorCode: "X" });

    expect(() => journal.settle(item!.id, { state: "succeeded" }, { durable: false })).toThrow(
      JournalError,
    );
    journal.flush();
    expect(journal.item(item!.id)?.state).toBe("failed");
    journal.close();
  });

  it("checks a deferred settlement against the ones still queued: a different second outcome is refused at once", () => {
    const journal = Journal.open(":memory:");
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", [{ naturalKey: "a", input: {} }]);
    journal.markInFlight(item!.id, { batch: 1, session: 1 });
    const first = journal.settle(item!.id, { state: "succeeded", result: 1 }, { durable: false });

    expect(journal.settle(item!.id, { state: "succeeded", result: 1 }, { durable: false })).toEqual(
      first,
    );
    expect(() =>
      journal.settle(item!.id, { state: "failed", errorCode: "X" }, { durable: false }),
    ).toThrow(expect.objectContaining({ code: "P21_JOURNAL_STATE" }));
    expect(journal.item(item!.id)).toEqual(first);
    journal.close();
  });

  it("checks a deferred write without the write lock: another writer holding it does not make it wait or fail", () => {
    const path = journalFile();
    const journal = Journal.open(path, { busyTimeoutMs: 0 });
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", [{ naturalKey: "a", input: {} }]);
    journal.markInFlight(item!.id, { batch: 1, session: 1 });
    const other = Journal.open(path);

    const settled = other.transaction(() => {
      journal.appendEvent(run.id, { type: "retry", itemId: item!.id }, { durable: false });

      return journal.settle(item!.id, { state: "succeeded" }, { durable: false });
    });

    expect(settled.state).toBe("succeeded");
    journal.flush();
    expect(other.item(item!.id)?.state).toBe("succeeded");
    expect(other.events(run.id, { types: ["retry"] })).toHaveLength(1);
    other.close();
    journal.close();
  });

  it("shows deferred writes to this journal's own reads and writes them on close", () => {
    const path = journalFile();
    const journal = Journal.open(path);
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", [{ naturalKey: "a", input: {} }]);
    journal.markInFlight(item!.id, { batch: 1, session: 1 });
    journal.settle(item!.id, { state: "succeeded" }, { durable: false });

    expect(journal.counts(run.id).succeeded).toBe(1);

    journal.settle(item!.id, { state: "succeeded" }, { durable: false });
    journal.close();
    const reopened = Journal.open(path);
    expect(reopened.item(item!.id)?.state).toBe("succeeded");
    reopened.close();
  });

  it("loses only deferred writes when the process dies before they are written: the item stays in flight", () => {
    const path = journalFile();
    const journal = Journal.open(path);
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", [{ naturalKey: "a", input: {} }]);
    journal.markInFlight(item!.id, { batch: 1, session: 1 });
    journal.settle(item!.id, { state: "succeeded" }, { durable: false });

    // A second connection sees the file as a process killed now would leave it.
    const afterCrash = Journal.open(path, { readonly: true });
    expect(afterCrash.item(item!.id)?.state).toBe("in_flight");
    afterCrash.close();
    journal.close();
  });

  it("checks a deferred settlement against the item as every other write left it", () => {
    const journal = Journal.open(":memory:");
    const run = journal.createRun(newRun);
    const [settledFirst, returned, rolledBack] = journal.addItems(run.id, "create", [
      { naturalKey: "a", input: {} },
      { naturalKey: "b", input: {} },
      { naturalKey: "c", input: {} },
    ]);
    const place = { batch: 1, session: 1 };
    journal.markInFlight(settledFirst!.id, place);
    journal.settle(settledFirst!.id, { state: "failed", errorCode: "X" });
    journal.markInFlight(returned!.id, place);
    journal.returnToPending(returned!.id, "not found on the server");
    expect(() =>
      journal.transaction(() => {
        journal.markInFlight(rolledBack!.id, place);
        throw new Error("roll back");
      }),
    ).toThrow("roll back");

    expect(() =>
      journal.settle(settledFirst!.id, { state: "succeeded" }, { durable: false }),
    ).toThrow(JournalError);
    expect(journal.settle(returned!.id, { state: "skipped" }, { durable: false }).state).toBe(
      "skipped",
    );
    expect(
      journal.settle(rolledBack!.id, { state: "skipped" }, { durable: false }).durationMs,
    ).toBe(undefined);
    journal.close();
  });

  it("writes them when the journal is disposed, as when it is closed", () => {
    const path = journalFile();
    const journal = Journal.open(path);
    const run = journal.createRun(newRun);
    const [item] = journal.addItems(run.id, "create", [{ naturalKey: "a", input: {} }]);
    journal.markInFlight(item!.id, { batch: 1, session: 1 });
    journal.settle(item!.id, { state: "succeeded", result: { uid: 7 } }, { durable: false });
    journal[Symbol.dispose]();
    expect(() => journal.item(item!.id)).toThrow(
      expect.objectContaining({ code: "P21_JOURNAL_CLOSED" }),
    );

    const reopened = Journal.open(path, { readonly: true });
    expect(reopened.item(item!.id)).toMatchObject({ state: "succeeded", result: { uid: 7 } });
    reopened.close();
  });
});

describe("deferred writes when the write that carries them does not commit", () => {
  const place = { batch: 1, session: 1 };

  /** A journal file, a run and two items, the first in flight. */
  function journalWithItems() {
    const path = journalFile();
    const journal = Journal.open(path);
    const run = journal.createRun(newRun);
    const [first, second] = journal.addItems(run.id, "create", [
      { naturalKey: "a", input: {} },
      { naturalKey: "b", input: {} },
    ]);
    journal.markInFlight(first!.id, place);

    return { path, journal, run, first: first!, second: second! };
  }

  it("keeps the settlements deferred before a refused write, and writes them with the next", () => {
    const { path, journal, first, second } = journalWithItems();
    journal.settle(second.id, { state: "skipped" });
    const settled = journal.settle(first.id, { state: "succeeded" }, { durable: false });

    expect(() => journal.markInFlight(second.id, place)).toThrow(
      expect.objectContaining({ code: "P21_JOURNAL_STATE", operation: "markInFlight" }),
    );
    journal.flush();

    const observer = Journal.open(path, { readonly: true });
    expect(observer.item(first.id)).toEqual(settled);
    observer.close();
    journal.close();
  });

  it("keeps the settlements deferred before a transaction that rolls back", () => {
    const { path, journal, first, second } = journalWithItems();
    const settled = journal.settle(first.id, { state: "succeeded" }, { durable: false });

    expect(() =>
      journal.transaction(() => {
        journal.markInFlight(second.id, place);
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    journal.flush();

    const observer = Journal.open(path, { readonly: true });
    expect(observer.item(first.id)).toEqual(settled);
    expect(observer.item(second.id)?.state).toBe("pending");
    observer.close();
    journal.close();
  });

  it("rolls back the settlements and events deferred inside a transaction that rolls back", () => {
    const { path, journal, run, first } = journalWithItems();
    const [third] = journal.addItems(run.id, "create", [{ naturalKey: "c", input: {} }]);

    expect(() =>
      journal.transaction(() => {
        journal.markInFlight(third!.id, place);
        journal.settle(third!.id, { state: "succeeded" }, { durable: false });
        journal.settle(first.id, { state: "failed", errorCode: "X" }, { durable: false });
        journal.appendEvent(run.id, { type: "abandoned" }, { durable: false });
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    journal.flush();

    const observer = Journal.open(path, { readonly: true });
    expect(observer.item(third!.id)).toMatchObject({ state: "pending", attempts: 0 });
    expect(observer.item(first.id)?.state).toBe("in_flight");
    expect(observer.events(run.id, { types: ["abandoned"] })).toEqual([]);
    expect(journal.settle(first.id, { state: "succeeded" }, { durable: false }).state).toBe(
      "succeeded",
    );
    observer.close();
    journal.close();
  });

  it("drops only a deferred settlement another writer made impossible: the others are written with the next write, or on close", () => {
    const { path, journal, run, first, second } = journalWithItems();
    const other = Journal.open(path);
    journal.markInFlight(second.id, place);
    journal.settle(first.id, { state: "succeeded" }, { durable: false });
    const settled = journal.settle(second.id, { state: "succeeded" }, { durable: false });
    journal.appendEvent(run.id, { type: "kept" }, { durable: false });
    other.settle(first.id, { state: "failed", errorCode: "X" });

    expect(() => journal.flush()).toThrow(
      expect.objectContaining({ code: "P21_JOURNAL_STATE", operation: "settle", itemId: first.id }),
    );
    journal.flush();
    expect(other.item(second.id)).toEqual(settled);
    expect(other.events(run.id, { types: ["kept"] })).toHaveLength(1);

    const [third, fourth] = journal.addItems(run.id, "create", [
      { naturalKey: "c", input: {} },
      { naturalKey: "d", input: {} },
    ]);
    journal.settle(third!.id, { state: "skipped" }, { durable: false });
    journal.settle(fourth!.id, { state: "skipped" }, { durable: false });
    other.settle(third!.id, { state: "failed", errorCode: "X" });

    expect(() => journal.close()).toThrow(
      expect.objectContaining({ code: "P21_JOURNAL_STATE", itemId: third!.id }),
    );
    expect(other.item(fourth!.id)?.state).toBe("skipped");
    other.close();
  });

  it("keeps the writes deferred after one refused when a mark inside a transaction carries them", () => {
    const { path, journal, run, first, second } = journalWithItems();
    const other = Journal.open(path);
    const [third] = journal.addItems(run.id, "create", [{ naturalKey: "c", input: {} }]);
    journal.markInFlight(second.id, place);
    other.settle(first.id, { state: "failed", errorCode: "X" });

    const settled = journal.transaction(() => {
      // Checked against this journal's own mark, which another writer has since settled.
      journal.settle(first.id, { state: "succeeded" }, { durable: false });
      const answered = journal.settle(second.id, { state: "succeeded" }, { durable: false });
      expect(() => journal.markInFlight(third!.id, place)).toThrow(
        expect.objectContaining({ code: "P21_JOURNAL_STATE", itemId: first.id }),
      );

      return answered;
    });
    journal.flush();

    expect(other.item(second.id)).toEqual(settled);
    expect(other.item(first.id)?.state).toBe("failed");
    expect(other.item(third!.id)?.state).toBe("pending");
    other.close();
    journal.close();
  });

  it("refuses at once an event deferred for a run whose creation rolled back", () => {
    const { journal } = journalWithItems();
    let runId = "";
    expect(() =>
      journal.transaction(() => {
        runId = journal.createRun(newRun).id;
        journal.appendEvent(runId, { type: "created" }, { durable: false });
        throw new Error("roll back");
      }),
    ).toThrow("roll back");

    expect(() => journal.appendEvent(runId, { type: "late" }, { durable: false })).toThrow(
      expect.objectContaining({ code: "P21_JOURNAL_UNKNOWN_RUN" }),
    );
    journal.flush();
    journal.close();
  });
});
