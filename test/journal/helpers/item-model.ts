import fc from "fast-check";

import { JournalError } from "../../../src/journal/index.js";
import type { ItemRecord, ItemState, Journal } from "../../../src/journal/index.js";

/** One operation a run can perform on its items; `pick` chooses an item modulo their count. */
export type Operation =
  | { kind: "add"; phase: string; count: number; duplicate: boolean }
  | { kind: "start"; pick: number; batch: number; session: number }
  | { kind: "settle"; pick: number; state: "succeeded" | "failed" | "skipped"; variant: number }
  | { kind: "return"; pick: number }
  | { kind: "reset" }
  | { kind: "abandonedTransaction"; pick: number };

export const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant("add" as const),
    phase: fc.constantFrom("expire", "create", "link"),
    count: fc.integer({ min: 1, max: 3 }),
    duplicate: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("start" as const),
    pick: fc.nat(),
    batch: fc.nat({ max: 5 }),
    session: fc.nat({ max: 3 }),
  }),
  fc.record({
    kind: fc.constant("settle" as const),
    pick: fc.nat(),
    state: fc.constantFrom("succeeded" as const, "failed" as const, "skipped" as const),
    variant: fc.nat({ max: 1 }),
  }),
  fc.record({ kind: fc.constant("return" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("reset" as const) }),
  fc.record({ kind: fc.constant("abandonedTransaction" as const), pick: fc.nat() }),
);

/** What the test expects of one item, kept independently of the journal. */
export interface ModelItem {
  id: number;
  phase: string;
  naturalKey: string;
  state: ItemState;
  attempts: number;
  outcome: string | undefined;
}

const settled = new Set<ItemState>(["succeeded", "failed", "skipped"]);

/** Runs operations against a journal and an independent model of what they must do. */
export class ItemModel {
  readonly items: ModelItem[] = [];
  #nextKey = 0;

  constructor(
    readonly journal: Journal,
    readonly runId: string,
  ) {}

  apply(operation: Operation): void {
    if (operation.kind === "add") return this.#add(operation);
    if (operation.kind === "reset") return this.#reset();

    const item = this.items[operation.pick % Math.max(1, this.items.length)];
    if (item === undefined) return;

    if (operation.kind === "start") {
      const allowed = item.state === "pending" || item.state === "in_flight";
      this.#expectOutcome(allowed, () =>
        this.journal.markInFlight(item.id, { batch: operation.batch, session: operation.session }),
      );
      if (allowed) {
        item.state = "in_flight";
        item.attempts += 1;
      }
    } else if (operation.kind === "settle") {
      const outcome = `${operation.state}:${operation.variant}`;
      const identicalRepeat = settled.has(item.state) && item.outcome === outcome;
      const allowed = !settled.has(item.state) || identicalRepeat;
      this.#expectOutcome(allowed, () =>
        this.journal.settle(item.id, {
          state: operation.state,
          result: { variant: operation.variant },
          errorMessage: operation.state === "failed" ? `failure ${operation.variant}` : undefined,
        }),
      );
      if (allowed) {
        item.state = operation.state;
        item.outcome = outcome;
      }
    } else if (operation.kind === "return") {
      const allowed = item.state === "in_flight";
      this.#expectOutcome(allowed, () => this.journal.returnToPending(item.id, "not found"));
      if (allowed) item.state = "pending";
    } else {
      this.#abandon(item);
    }
  }

  #add(operation: Extract<Operation, { kind: "add" }>): void {
    const existing = this.items.find((item) => item.phase === operation.phase);
    const fresh = Array.from({ length: operation.count }, () => `key-${(this.#nextKey += 1)}`);
    const keys =
      operation.duplicate && existing !== undefined ? [...fresh, existing.naturalKey] : fresh;
    const duplicate = keys.length > fresh.length;
    let added: ItemRecord[] = [];
    this.#expectOutcome(
      !duplicate,
      () => {
        added = this.journal.addItems(
          this.runId,
          operation.phase,
          keys.map((naturalKey) => ({ naturalKey, input: { naturalKey } })),
        );
      },
      "P21_JOURNAL_DUPLICATE_KEY",
    );
    for (const record of added) {
      this.items.push({
        id: record.id,
        phase: record.phase,
        naturalKey: record.naturalKey,
        state: "pending",
        attempts: 0,
        outcome: undefined,
      });
    }
  }

  #reset(): void {
    const failed = this.items.filter((item) => item.state === "failed");
    if (this.journal.resetFailed(this.runId) !== failed.length)
      throw new Error("reset count differs");

    for (const item of failed) {
      item.state = "pending";
      item.outcome = undefined;
    }
  }

  // A transaction that writes and then throws must leave nothing behind.
  #abandon(item: ModelItem): void {
    try {
      this.journal.transaction(() => {
        this.journal.appendEvent(this.runId, { type: "abandoned", itemId: item.id });
        if (!settled.has(item.state)) this.journal.settle(item.id, { state: "skipped" });

        throw new Error("abandoned on purpose");
      });
    } catch (error) {
      if (!(error instanceof Error) || error.message !== "abandoned on purpose") throw error;
    }
  }

  #expectOutcome(allowed: boolean, work: () => unknown, refusal = "P21_JOURNAL_STATE"): void {
    try {
      work();
    } catch (error) {
      if (!allowed && error instanceof JournalError && error.code === refusal) return;

      throw error;
    }

    if (!allowed) throw new Error(`expected ${refusal}, the journal accepted the operation`);
  }
}
