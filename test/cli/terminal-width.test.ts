import { stripVTControlCharacters } from "node:util";
import { describe, expect, it, vi } from "vitest";
import type { ProgressEvent } from "../../src/batch/index.js";
import { CliOutput } from "../../src/cli/output/cli-output.js";
import { fitToWidth } from "../../src/cli/output/format.js";
import { TtyProgressReporter } from "../../src/cli/output/progress-reporter.js";
import { bufferedIo } from "./buffered-io.js";
import { sampleEvents } from "./progress-events.js";

describe("terminal width", () => {
  const strip = stripVTControlCharacters;

  it("cuts a line to the width with an ellipsis, keeps its styles and resets them", () => {
    expect(fitToWidth("short", 10)).toBe("short");
    expect(fitToWidth("exactly10!", 10)).toBe("exactly10!");
    expect(fitToWidth("eleven char", 10)).toBe("eleven ch\u2026");
    const styled = "\u001b[1mbold\u001b[22m and \u001b[31mred text\u001b[39m";
    expect(fitToWidth(styled, 20)).toBe(styled);
    const cut = fitToWidth(styled, 12);
    expect(cut).toBe("\u001b[1mbold\u001b[22m and \u001b[31mre\u2026\u001b[0m");
    expect(strip(cut)).toHaveLength(12);
    expect(fitToWidth("abc", 1)).toBe("\u2026");
  });

  it("draws the bars within the terminal's width, and follows a resize", async () => {
    const { io, text } = bufferedIo({ isTTY: true });
    let columns: number | undefined = 50;
    const reporter = new TtyProgressReporter(new CliOutput(io, { colour: true }), () => columns);
    const events = sampleEvents();
    try {
      for (const event of events.slice(0, 3)) reporter.onEvent(event);
      await vi.waitFor(() => expect(text.stderr).toContain("session 1"));
      const narrow = text.stderr;
      const rows = narrow.split("\n").filter((row) => row !== "");
      const drawn = rows.filter((row) => !strip(row).startsWith("failed"));
      expect(drawn.length).toBeGreaterThanOrEqual(2);
      for (const row of drawn) expect(strip(row).length).toBeLessThanOrEqual(49);
      expect(narrow).toContain("\u2026");

      columns = undefined; // a terminal that does not say: 100 columns
      reporter.onEvent({ ...(events[1] as ProgressEvent), elapsedMs: 600 });
      await vi.waitFor(() => expect(strip(text.stderr.slice(narrow.length))).toContain("ETA"));
      const wide = text.stderr.slice(narrow.length);
      // The redraw first moves up over exactly the rows drawn before, then draws in full.
      expect(wide.startsWith(`\u001b[${drawn.length}A\u001b[0J`)).toBe(true);
      expect(strip(wide)).toContain("ETA 4.5 s");
    } finally {
      reporter.close();
    }
  });
});
