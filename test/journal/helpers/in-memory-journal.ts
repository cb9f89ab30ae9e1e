import { Journal } from "../../../src/journal/index.js";
import type { NewRun } from "../../../src/journal/index.js";
import { FakeClock } from "./fake-clock.js";

/** A run to create: a price-page create against an example server. */
export const newRun: NewRun = {
  kind: "price-pages.create",
  options: { sessions: 2, batchSize: 25 },
  inputDigest: "0".repeat(64),
  baseUrl: "https://p21.example.com",
  username: "admin",
};

/** A journal in memory, timed by `clock`. */
export function openJournal(clock = new FakeClock()): Journal {
  const journal = Journal.open(":memory:", { now: clock.now });

  return journal;
}

/** `count` items to add, keyed `prefix-0`, `prefix-1`, … */
export function keys(count: number, prefix = "key"): { naturalKey: string; input: unknown }[] {
  return Array.from({ length: count }, (_, index) => ({
    naturalKey: `${prefix}-${index}`,
    input: { row: index },
  }));
}
