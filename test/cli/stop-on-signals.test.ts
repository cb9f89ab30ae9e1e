import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { StopOnSignals } from "../../src/cli/signals.js";
import { P21AbortError } from "../../src/client/errors.js";
import { EngineError } from "../../src/batch/index.js";
import { JournalError } from "../../src/journal/index.js";

describe("signals", () => {
  it("the first signal stops gracefully, the second aborts at once", () => {
    const source = new EventEmitter();
    const seen: string[] = [];
    const stop = new StopOnSignals(source, {
      onFirstSignal: (signal) => seen.push(`first ${signal}`),
      onSecondSignal: (signal) => seen.push(`second ${signal}`),
    });
    source.emit("SIGINT");
    expect(stop.signal.aborted).toBe(true);
    expect(stop.hardSignal.aborted).toBe(false);
    source.emit("SIGTERM");
    expect(stop.hardSignal.aborted).toBe(true);
    expect(seen).toEqual(["first SIGINT", "second SIGTERM"]);
    stop[Symbol.dispose]();
    expect(source.listenerCount("SIGINT")).toBe(0);
  });

  it("after a signal, an abort is the stop's doing; a journal failure is a failure of its own", () => {
    const source = new EventEmitter();
    const stop = new StopOnSignals(source);
    const full = new JournalError("P21_JOURNAL_STORAGE", "database or disk is full");
    const aborted = new P21AbortError("aborted");
    expect(stop.endedBy(aborted)).toBe(false);

    source.emit("SIGINT");
    expect(stop.endedBy(aborted)).toBe(true);
    expect(stop.endedBy(new EngineError("P21_SESSIONS_UNAVAILABLE", "x", { cause: aborted }))).toBe(
      true,
    );
    expect(stop.endedBy(stop.signal.reason)).toBe(true);
    expect(stop.endedBy(full)).toBe(false);
    expect(stop.endedBy(new EngineError("P21_SESSIONS_UNAVAILABLE", "x", { cause: full }))).toBe(
      false,
    );
    stop[Symbol.dispose]();
  });
});
