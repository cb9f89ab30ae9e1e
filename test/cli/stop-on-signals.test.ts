import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { StopOnSignals } from "../../src/cli/signals.js";

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
});
