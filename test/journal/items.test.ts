import { describe, expect, it } from "vitest";

import type { Journal } from "../../src/journal/index.js";
import { expectJournalError } from "./helpers/expect-journal-error.js";
import { keys, newRun, openJournal } from "./helpers/in-memory-journal.js";

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
