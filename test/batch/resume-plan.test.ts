import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitIntoBatches } from "../../src/batch/batches.js";
import type { ReconcileAnswer } from "../../src/batch/resume-plan.js";
import { applyReconciliation, planResume } from "../../src/batch/resume-plan.js";
import type { ItemState } from "../../src/journal/index.js";

const states: ItemState[] = ["pending", "in_flight", "succeeded", "failed", "skipped"];
const answers: ReconcileAnswer[] = ["present", "absent", "unknown"];

const itemsArbitrary = fc
  .array(fc.record({ state: fc.constantFrom(...states), answer: fc.constantFrom(...answers) }), {
    maxLength: 80,
  })
  .chain((rows) =>
    fc.shuffledSubarray(
      rows.map((row, index) => ({ id: 1_000 + index, sequence: index + 1, ...row })),
      { minLength: rows.length, maxLength: rows.length },
    ),
  );

describe("resume planning", () => {
  it("reconciles every in-flight item, runs every pending one, never touches a settled one (property)", () => {
    fc.assert(
      fc.property(itemsArbitrary, (items) => {
        const plan = planResume(items);
        const byId = new Map(items.map((item) => [item.id, item]));

        expect(plan.reconcile.length + plan.run.length + plan.settled.length).toBe(items.length);
        expect(new Set([...plan.reconcile, ...plan.run, ...plan.settled]).size).toBe(items.length);
        for (const id of plan.reconcile) expect(byId.get(id)?.state).toBe("in_flight");
        for (const id of plan.run) expect(byId.get(id)?.state).toBe("pending");
        for (const id of plan.settled) {
          expect(["succeeded", "failed", "skipped"]).toContain(byId.get(id)?.state);
        }

        const sequences = plan.run.map((id) => byId.get(id)?.sequence ?? 0);
        expect(sequences).toEqual([...sequences].sort((left, right) => left - right));
      }),
    );
  });

  it("after reconciliation re-sends only what the server does not hold, and nothing unknown (property)", () => {
    fc.assert(
      fc.property(itemsArbitrary, (items) => {
        const plan = planResume(items);
        const answerOf = new Map(items.map((item) => [item.id, item.answer]));
        const outcome = applyReconciliation(items, plan, answerOf);
        const byId = new Map(items.map((item) => [item.id, item]));

        for (const id of outcome.run) {
          const item = byId.get(id);
          expect(
            item?.state === "pending" || (item?.state === "in_flight" && item.answer === "absent"),
          ).toBe(true);
        }
        for (const id of outcome.succeeded) expect(byId.get(id)?.answer).toBe("present");
        for (const id of outcome.unresolved) expect(byId.get(id)?.answer).toBe("unknown");

        const inFlight = items.filter((item) => item.state === "in_flight").length;
        const fromInFlight =
          outcome.succeeded.length +
          outcome.unresolved.length +
          outcome.run.filter((id) => byId.get(id)?.state === "in_flight").length;
        expect(fromInFlight).toBe(inFlight);

        const sequences = outcome.run.map((id) => byId.get(id)?.sequence ?? 0);
        expect(sequences).toEqual([...sequences].sort((left, right) => left - right));
      }),
    );
  });

  it("treats a missing answer as unknown (never re-sent)", () => {
    const items = [{ id: 1, sequence: 1, state: "in_flight" as const }];
    const outcome = applyReconciliation(items, planResume(items), new Map());
    expect(outcome).toEqual({ run: [], succeeded: [], unresolved: [1] });
  });
});

describe("splitIntoBatches", () => {
  const unitOptions = { retries: 2, backoffBaseMs: 250, backoffMaxMs: 5_000 };

  it("cuts record items into batches of at most batchSize, in sequence, numbered from the first (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 50 }),
        (count, batchSize, firstBatchNumber) => {
          const items = Array.from({ length: count }, (_, index) => ({
            id: index + 10,
            sequence: count - index,
          }));
          const batches = splitIntoBatches(
            "create",
            items,
            batchSize,
            unitOptions,
            firstBatchNumber,
          );

          expect(batches.length).toBe(Math.ceil(count / batchSize));
          batches.forEach((batch, index) => {
            expect(batch.batch).toBe(firstBatchNumber + index);
            expect(batch.itemIds.length).toBeLessThanOrEqual(batchSize);
            expect(batch.itemIds.length).toBeGreaterThan(0);
          });
          const flat = batches.flatMap((batch) => batch.itemIds);
          expect(flat).toEqual(
            [...items].sort((a, b) => a.sequence - b.sequence).map((item) => item.id),
          );
          expect(JSON.parse(JSON.stringify(batches))).toEqual(batches);
        },
      ),
    );
  });

  it("with several workers, makes a multiple of the workers in batches as even as they can be", () => {
    const items = Array.from({ length: 700 }, (_, index) => ({ id: index + 1, sequence: index }));

    const batches = splitIntoBatches("create", items, 25, unitOptions, 1, 5);

    expect(batches).toHaveLength(30);
    const sizes = batches.map((batch) => batch.itemIds.length);
    expect(Math.max(...sizes)).toBe(24);
    expect(Math.min(...sizes)).toBe(23);
    expect(batches.flatMap((batch) => batch.itemIds)).toEqual(items.map((item) => item.id));
  });

  it("rounds groups up together and never makes an empty batch", () => {
    const items = [
      ...Array.from({ length: 30 }, (_, index) => ({ id: index, sequence: index, groupKey: "A" })),
      { id: 100, sequence: 100, groupKey: "B" },
    ];

    const batches = splitIntoBatches("link", items, 25, unitOptions, 1, 4);

    expect(batches.map((batch) => [batch.options.groupKey, batch.itemIds.length])).toEqual([
      ["A", 10],
      ["A", 10],
      ["A", 10],
      ["B", 1],
    ]);
  });

  it("keeps each batch within one group for group operations", () => {
    const items = [
      { id: 1, sequence: 1, groupKey: "BOOK1" },
      { id: 2, sequence: 2, groupKey: "BOOK2" },
      { id: 3, sequence: 3, groupKey: "BOOK1" },
      { id: 4, sequence: 4, groupKey: "BOOK1" },
      { id: 5, sequence: 5, groupKey: "BOOK2" },
    ];
    const batches = splitIntoBatches("link", items, 2, unitOptions);

    expect(batches.map((batch) => [batch.options.groupKey, batch.itemIds])).toEqual([
      ["BOOK1", [1, 3]],
      ["BOOK1", [4]],
      ["BOOK2", [2, 5]],
    ]);
  });
});
