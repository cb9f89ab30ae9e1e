import { access } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { writePagesCsv } from "./pages-csv.js";

describe("a run ended by an error, as a person reads it (child processes)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  it("names the result files written so far, the resume command and the error", async () => {
    await writePagesCsv(fixture.directory, "no-sessions.csv", [
      "10060,ABRAS,ACME,No sessions ABRAS,2050-01-01,2050-12-31,0.7",
    ]);
    // No session can be opened: the run is planned, then ends on the error.
    fixture.simulator.injectFault({
      kind: "http500",
      route: "POST /api/ui/interactive/sessions",
      count: 1_000,
    });
    const outcome = await cli([
      "price-pages",
      "create",
      "no-sessions.csv",
      "--retries",
      "0",
      "--out",
      "out-no-sessions",
    ]);

    expect(outcome.exitCode).toBe(3);
    const results = /^Results so far: (.+results\.csv)$/m.exec(outcome.stderr)?.[1];
    expect(results).toBeDefined();
    await access(String(results));
    expect(outcome.stderr).toMatch(/^Stopped\. Resume with: p21kit resume \S+$/m);
    expect(outcome.stderr).toMatch(/^error: /m);
  });
});
