import { join } from "node:path";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { Journal, itemStates } from "../../src/journal/index.js";
import type { ItemRecord, ItemState } from "../../src/journal/index.js";
import { ItemModel, operationArbitrary } from "./helpers/item-model.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";

const settled = new Set<ItemState>(["succeeded", "failed", "skipped"]);

function createRun(journal: Journal): string {
  return journal.createRun({
    kind: "property",
    options: {},
    inputDigest: "digest",
    baseUrl: "http://127.0.0.1",
  }).id;
}

function expectMatchesModel(journal: Journal, model: ItemModel): void {
  const records = journal.items(model.runId);

  expect(records.map((record) => [record.id, record.state, record.attempts]).sort()).toEqual(
    model.items.map((item) => [item.id, item.state, item.attempts]).sort(),
  );
}

describe("journal properties", () => {
  it("keeps the state machine's invariants under any sequence of operations", () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 60 }), (operations) => {
        const journal = Journal.open(":memory:");
        const model = new ItemModel(journal, createRun(journal));
        let before = new Map<number, ItemRecord>();

        for (const operation of operations) {
          model.apply(operation);
          const records = journal.items(model.runId);
          const counts = journal.counts(model.runId);

          expect(itemStates.reduce((sum, state) => sum + counts[state], 0)).toBe(records.length);
          for (const state of itemStates) {
            expect(counts[state]).toBe(records.filter((record) => record.state === state).length);
          }

          for (const record of records) {
            const previous = before.get(record.id);
            if (previous === undefined) continue;

            expect(record.attempts).toBeGreaterThanOrEqual(previous.attempts);
            const wasReset = operation.kind === "reset" && previous.state === "failed";
            if (settled.has(previous.state) && !wasReset) expect(record).toEqual(previous);
          }

          expect(before.size).toBeLessThanOrEqual(records.length);
          before = new Map(records.map((record) => [record.id, record]));
        }

        expectMatchesModel(journal, model);
        journal.close();
      }),
      { numRuns: 150 },
    );
  });

  it("resumes a run cut off at any point with every item as it was last committed", () => {
    fc.assert(
      fc.property(
        fc.array(operationArbitrary, { maxLength: 30 }),
        fc.boolean(),
        (operations, closedCleanly) => {
          const path = join(temporaryDirectory(), "journal.db");
          const journal = Journal.open(path);
          const model = new ItemModel(journal, createRun(journal));
          journal.setRunState(model.runId, "running");
          for (const operation of operations) model.apply(operation);

          // A clean close checkpoints the WAL; an abandoned connection leaves it to be read.
          if (closedCleanly) journal.close();

          const resumed = Journal.open(path);
          try {
            expect(resumed.latestUnfinishedRun()?.id).toBe(model.runId);
            expectMatchesModel(resumed, model);
            const toReconcile = resumed.items(model.runId, { states: ["in_flight"] });
            expect(toReconcile.map((record) => record.id).sort()).toEqual(
              model.items
                .filter((item) => item.state === "in_flight")
                .map((item) => item.id)
                .sort(),
            );
            expect(resumed.events(model.runId, { types: ["abandoned"] })).toEqual([]);
          } finally {
            resumed.close();
            journal.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
