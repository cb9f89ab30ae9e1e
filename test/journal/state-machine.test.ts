import { describe, expect, it } from "vitest";

import {
  JournalError,
  isUnfinishedRun,
  itemStates,
  runStates,
  runTransition,
  transition,
} from "../../src/journal/index.js";
import type { ItemEvent, ItemState } from "../../src/journal/index.js";

const events: ItemEvent[] = ["start", "succeed", "fail", "skip", "return", "reset"];

// Every allowed transition; anything not listed must be refused.
const allowed: Record<string, ItemState> = {
  "pending start": "in_flight",
  "pending succeed": "succeeded",
  "pending fail": "failed",
  "pending skip": "skipped",
  "in_flight start": "in_flight",
  "in_flight succeed": "succeeded",
  "in_flight fail": "failed",
  "in_flight skip": "skipped",
  "in_flight return": "pending",
  "failed reset": "pending",
};

describe("item state machine", () => {
  for (const from of itemStates) {
    for (const event of events) {
      const expected = allowed[`${from} ${event}`];
      const title =
        expected === undefined ? `${from} refuses ${event}` : `${from} + ${event} → ${expected}`;

      it(title, () => {
        const to = transition(from, event);

        if (expected === undefined) {
          expect(to).toBeInstanceOf(JournalError);
          expect((to as JournalError).code).toBe("P21_JOURNAL_STATE");
        } else {
          expect(to).toBe(expected);
        }
      });
    }
  }

  it("keeps succeeded and skipped items final under every event", () => {
    for (const from of ["succeeded", "skipped"] as const) {
      for (const event of events) expect(transition(from, event)).toBeInstanceOf(JournalError);
    }
  });

  it("returns its refusal instead of throwing it", () => {
    expect(() => transition("succeeded", "start")).not.toThrow();
  });
});

describe("run state machine", () => {
  it("lets every state stay where it is", () => {
    for (const state of runStates) expect(runTransition(state, state)).toBe(state);
  });

  it("keeps a completed run completed", () => {
    for (const to of runStates.filter((state) => state !== "completed")) {
      expect((runTransition("completed", to) as JournalError).code).toBe("P21_JOURNAL_STATE");
    }
  });

  it("lets an interrupted or failed run run again, but never back to pending", () => {
    expect(runTransition("interrupted", "running")).toBe("running");
    expect(runTransition("failed", "running")).toBe("running");
    for (const from of ["running", "interrupted", "failed"] as const) {
      expect(runTransition(from, "pending")).toBeInstanceOf(JournalError);
    }
  });

  it("counts pending, running and interrupted runs as unfinished", () => {
    expect(runStates.filter(isUnfinishedRun)).toEqual(["pending", "running", "interrupted"]);
  });
});
