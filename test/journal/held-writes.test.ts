import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { Journal } from "../../src/journal/index.js";
import type { ItemRecord, NewRun } from "../../src/journal/index.js";
import { FakeClock } from "./helpers/fake-clock.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";

const newRun: NewRun = {
  kind: "price-pages.create",
  options: {},
  inputDigest: "0".repeat(64),
  baseUrl: "https://p21.example.com",
};
const place = { batch: 1, session: 1 };

/** Two connections to one file (as two processes would have), and one pending item. */
function twoWriters() {
  const path = join(temporaryDirectory(), "journal.db");
  const clock = new FakeClock();
  const journal = Journal.open(path, { now: clock.now });
  const other = Journal.open(path, { now: clock.now });
  const run = journal.createRun(newRun);
  const [item] = journal.addItems(run.id, "create", [
    { naturalKey: "a", input: { supplierId: 10 } },
  ]);
  const close = () => {
    other.close();
    journal.close();
  };

  return { journal, other, clock, item: item as ItemRecord, close };
}

describe("writes from the record the caller holds", () => {
  it("marks from the held record and answers what the file holds, sharing its input", () => {
    const { journal, other, item, close } = twoWriters();

    const marked = journal.markInFlight(item.id, place, { expected: item });

    expect(marked).toEqual(other.item(item.id));
    expect(marked).toMatchObject({ state: "in_flight", attempts: 1, batch: 1, session: 1 });
    expect(marked.input).toBe(item.input);
    close();
  });

  it("reads the row when another writer changed the item since: the mark counts its attempt", () => {
    const { journal, other, item, close } = twoWriters();
    other.markInFlight(item.id, place);

    const marked = journal.markInFlight(item.id, { batch: 2, session: 2 }, { expected: item });

    expect(marked).toMatchObject({ attempts: 2, batch: 2 });
    expect(other.item(item.id)).toEqual(marked);
    close();
  });

  it("refuses a mark from a held record the file has settled since", () => {
    const { journal, other, item, close } = twoWriters();
    other.settle(item.id, { state: "skipped" });

    expect(() => journal.markInFlight(item.id, place, { expected: item })).toThrow(
      expect.objectContaining({ code: "P21_JOURNAL_STATE" }),
    );
    expect(other.item(item.id)).toMatchObject({ state: "skipped", attempts: 0 });
    close();
  });

  it("marks a held record the file has taken back to pending since, as the file stands", () => {
    const { journal, other, item, close } = twoWriters();
    other.markInFlight(item.id, place);
    const failed = other.settle(item.id, { state: "failed", errorCode: "X" });
    other.resetFailed(item.runId);

    expect(journal.markInFlight(item.id, place, { expected: failed })).toMatchObject({
      state: "in_flight",
      attempts: 2,
    });
    close();
  });

  it("ignores a held record of another item", () => {
    const { journal, item, close } = twoWriters();
    const [second] = journal.addItems(item.runId, "create", [{ naturalKey: "b", input: {} }]);

    const marked = journal.markInFlight(second!.id, place, { expected: item });

    expect(marked).toMatchObject({ id: second!.id, naturalKey: "b", attempts: 1 });
    close();
  });

  it("marks over an attempt another writer started in the same millisecond", () => {
    const { journal, other, item, close } = twoWriters();
    const held = journal.markInFlight(item.id, place, { expected: item });
    other.markInFlight(item.id, place);

    expect(journal.markInFlight(item.id, place, { expected: held }).attempts).toBe(3);
    expect(other.item(item.id)?.attempts).toBe(3);
    close();
  });

  it("writes a deferred settlement over the attempt another writer started since, timed from it", () => {
    const { journal, other, clock, item, close } = twoWriters();
    journal.markInFlight(item.id, place, { expected: item });
    clock.advance(100);
    other.markInFlight(item.id, { batch: 2, session: 2 });
    clock.advance(300);
    const answered = journal.settle(
      item.id,
      { state: "succeeded", result: { uid: 7 } },
      { durable: false },
    );

    journal.flush();

    expect(answered.durationMs).toBe(400);

    expect(other.item(item.id)).toMatchObject({
      state: "succeeded",
      attempts: 2,
      batch: 2,
      result: { uid: 7 },
      durationMs: 300,
    });
    close();
  });

  it("refuses a deferred settlement of an item another writer has settled since", () => {
    const { journal, other, item, close } = twoWriters();
    journal.markInFlight(item.id, place, { expected: item });
    journal.settle(item.id, { state: "succeeded" }, { durable: false });
    other.settle(item.id, { state: "failed", errorCode: "X" });

    expect(() => journal.flush()).toThrow(expect.objectContaining({ code: "P21_JOURNAL_STATE" }));
    expect(other.item(item.id)).toMatchObject({ state: "failed", errorCode: "X" });
    close();
  });
});
