import { join } from "node:path";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { Journal, itemStates } from "../../src/journal/index.js";
import type { ItemRecord, ItemState } from "../../src/journal/index.js";
import { FakeClock } from "./helpers/fake-clock.js";
import { ItemModel } from "./helpers/item-model.js";
import { stepArbitrary } from "./helpers/item-operations.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";

const settled = new Set<ItemState>(["succeeded", "failed", "skipped"]);

// Near a leap day, so that the clock's hour and day steps cross into another month.
const clockStart = "2028-02-28T22:00:00.000Z";

function createRun(journal: Journal): string {
  return journal.createRun({
    kind: "property",
    options: {},
    inputDigest: "digest",
    baseUrl: "http://127.0.0.1",
  }).id;
}

function byId(records: readonly ItemRecord[]): ItemRecord[] {
  return [...records].sort((left, right) => left.id - right.id);
}

/** The file holds what the model says, as a connection that never wrote reads it. */
function expectFileMatches(model: ItemModel, observer: Journal): void {
  expect(byId(observer.items(model.runId))).toEqual(model.records());
  expect(observer.events(model.runId, { types: ["abandoned"] })).toEqual([]);
}

describe("journal properties", () => {
  it("keeps the state machine's invariants under any sequence of operations", () => {
    fc.assert(
      fc.property(
        fc.array(stepArbitrary(1, { reopen: false }), { maxLength: 60, size: "max" }),
        (steps) => {
          const clock = new FakeClock(clockStart);
          const journal = Journal.open(":memory:", { now: clock.now });
          const model = new ItemModel({ journals: [journal], runId: createRun(journal), clock });
          let before = new Map<number, ItemRecord>();

          for (const step of steps) {
            model.apply(step);
            // Reading through the journal writes what it deferred; the model is told so.
            model.apply({ connection: 0, advanceMs: 0, operation: { kind: "flush" } });
            const records = journal.items(model.runId);
            const counts = journal.counts(model.runId);

            expect(byId(records)).toEqual(model.records());
            expect(itemStates.reduce((sum, state) => sum + counts[state], 0)).toBe(records.length);
            for (const state of itemStates) {
              expect(counts[state]).toBe(records.filter((record) => record.state === state).length);
            }

            for (const record of records) {
              const previous = before.get(record.id);
              if (previous === undefined) continue;

              expect(record.attempts).toBeGreaterThanOrEqual(previous.attempts);
              const wasReset = step.operation.kind === "reset" && previous.state === "failed";
              if (settled.has(previous.state) && !wasReset) expect(record).toEqual(previous);
            }

            expect(before.size).toBeLessThanOrEqual(records.length);
            before = new Map(records.map((record) => [record.id, record]));
          }

          journal.close();
        },
      ),
      { numRuns: 100 },
    );
  });

  it("answers and writes what the model predicts for two connections interleaving marks, deferred settlements and transactions", () => {
    fc.assert(
      fc.property(
        fc.array(stepArbitrary(2, { reopen: true }), { minLength: 20, maxLength: 60, size: "max" }),
        (steps) => {
          const path = join(temporaryDirectory(), "journal.db");
          const clock = new FakeClock(clockStart);
          const open = () => Journal.open(path, { now: clock.now });
          const first = open();
          const model = new ItemModel({
            journals: [first, open()],
            runId: createRun(first),
            clock,
            reopen: open,
          });
          const observer = Journal.open(path, { readonly: true });
          try {
            for (const step of steps) {
              model.apply(step);
              expectFileMatches(model, observer);
              // A connection with nothing deferred reads the file as it is, without writing.
              for (const [connection, journal] of model.journals.entries()) {
                if (model.queued(connection) > 0) continue;

                expect(byId(journal.items(model.runId))).toEqual(model.records());
              }
            }

            model.closeAll();
            expectFileMatches(model, observer);
            expect(observer.events(model.runId, { types: ["kept"] })).toHaveLength(
              model.keptEvents,
            );
          } finally {
            observer.close();
            for (const journal of model.journals) journal.close();
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it("resumes a run cut off at any point with every item as it was last committed", () => {
    fc.assert(
      fc.property(
        fc.array(stepArbitrary(1, { reopen: true }), { maxLength: 30, size: "max" }),
        fc.boolean(),
        (steps, closedCleanly) => {
          const path = join(temporaryDirectory(), "journal.db");
          const clock = new FakeClock(clockStart);
          const open = () => Journal.open(path, { now: clock.now });
          const journal = open();
          const runId = createRun(journal);
          journal.setRunState(runId, "running");
          const model = new ItemModel({ journals: [journal], runId, clock, reopen: open });
          for (const step of steps) model.apply(step);

          // A clean close writes what was deferred and checkpoints the WAL; an abandoned
          // connection leaves its deferred settlements unwritten and the WAL to be read.
          if (closedCleanly) model.closeAll();

          const resumed = Journal.open(path);
          try {
            expect(resumed.latestUnfinishedRun()?.id).toBe(runId);
            expect(byId(resumed.items(runId))).toEqual(model.records());
            const toReconcile = resumed.items(runId, { states: ["in_flight"] });
            expect(toReconcile.map((record) => record.id).sort()).toEqual(
              model
                .records()
                .filter((record) => record.state === "in_flight")
                .map((record) => record.id)
                .sort(),
            );
            expect(resumed.events(runId, { types: ["abandoned"] })).toEqual([]);
          } finally {
            resumed.close();
            for (const writer of model.journals) writer.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
