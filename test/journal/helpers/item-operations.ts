import fc from "fast-check";

import type { SettledItemState } from "../../../src/journal/index.js";

/**
 * The record a mark passes as `expected`: the one its connection last answered for the item,
 * one answered for the item at any time before (by either connection), another item's, or none.
 */
export type Expectation = "answered" | "stale" | "other" | "none";

/** `pick` chooses an item modulo their count; `age` chooses among earlier records. */
export interface MarkOperation {
  kind: "mark";
  pick: number;
  expected: Expectation;
  age: number;
  batch: number;
  session: number;
}

export interface SettleOperation {
  kind: "settle";
  pick: number;
  state: SettledItemState;
  variant: number;
  durable: boolean;
}

/** One thing a connection does to the run's items. */
export type Operation =
  | { kind: "add"; phase: string; count: number; duplicate: boolean }
  | MarkOperation
  | SettleOperation
  | { kind: "return"; pick: number }
  | { kind: "reset" }
  | { kind: "read"; pick: number }
  | { kind: "flush" }
  | { kind: "reopen" }
  | {
      kind: "transaction";
      steps: (MarkOperation | SettleOperation)[];
      event: "none" | "durable" | "deferred";
      rollBack: boolean;
    };

/** One operation of one of the journal's connections, after the clock moved. */
export interface Step {
  connection: number;
  advanceMs: number;
  operation: Operation;
}

const pick = fc.nat({ max: 30 });

const markArbitrary: fc.Arbitrary<MarkOperation> = fc.record({
  kind: fc.constant("mark" as const),
  pick,
  expected: fc.constantFrom<Expectation>("answered", "answered", "stale", "other", "none"),
  age: fc.nat({ max: 9 }),
  batch: fc.nat({ max: 5 }),
  session: fc.nat({ max: 3 }),
});

const settleArbitrary: fc.Arbitrary<SettleOperation> = fc.record({
  kind: fc.constant("settle" as const),
  pick,
  state: fc.constantFrom<SettledItemState>("succeeded", "failed", "skipped"),
  variant: fc.nat({ max: 1 }),
  durable: fc.boolean(),
});

/** Operations of a run's items; `reopen` closes a connection and opens it again. */
export function operationArbitrary(options: { reopen: boolean }): fc.Arbitrary<Operation> {
  const operations: fc.WeightedArbitrary<Operation>[] = [
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("add" as const),
        phase: fc.constantFrom("expire", "create", "link"),
        count: fc.integer({ min: 1, max: 3 }),
        duplicate: fc.boolean(),
      }),
    },
    { weight: 5, arbitrary: markArbitrary },
    { weight: 5, arbitrary: settleArbitrary },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("return" as const), pick }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("reset" as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("read" as const), pick }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("flush" as const) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("transaction" as const),
        steps: fc.array(fc.oneof(markArbitrary, settleArbitrary), { minLength: 1, maxLength: 4 }),
        event: fc.constantFrom("none" as const, "durable" as const, "deferred" as const),
        rollBack: fc.boolean(),
      }),
    },
  ];
  if (options.reopen) {
    operations.push({ weight: 1, arbitrary: fc.record({ kind: fc.constant("reopen" as const) }) });
  }

  return fc.oneof(...operations);
}

/**
 * Steps of `connections` connections. The clock moves by nothing (two writes in one
 * millisecond), a little, across an hour or a day (the timestamps' date arithmetic), or back a
 * minute, as a wall clock set right does.
 */
export function stepArbitrary(connections: number, options: { reopen: boolean }) {
  return fc.record<Step>({
    connection: fc.nat({ max: connections - 1 }),
    advanceMs: fc.constantFrom(0, 1, 999, 3_600_000, 86_400_000, -60_000),
    operation: operationArbitrary(options),
  });
}
