import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { ndjson } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";

describe("a run ended by an error, as a person reads it (child processes)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  /**
   * A file `name` of one page of `group`, and a server that opens no session: the run is
   * planned, then ends on the error.
   */
  async function pageWithoutSessions(name: string, group: string): Promise<void> {
    await writePagesCsv(fixture.directory, name, [
      `10060,${group},ACME,No sessions ${group},2050-01-01,2050-12-31,0.7`,
    ]);
    fixture.simulator.injectFault({
      kind: "http500",
      route: "POST /api/ui/interactive/sessions",
      count: 1_000,
    });
  }

  it("names the result files written so far, the resume command and the error", async () => {
    await pageWithoutSessions("no-sessions.csv", "ABRAS");
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
    // Every session create answered with a 500: the server's own error, not a busy pool.
    expect(outcome.stderr).toContain("The server failed with an error of its own");
    expect(outcome.stderr).not.toContain("pool is busy");
  });

  it("result files that cannot be written do not hide the run's own error: both are told", async () => {
    await pageWithoutSessions("no-files.csv", "ADHES");
    // A directory where results.csv goes: the --out directory may be written, that file not.
    await mkdir(join(fixture.directory, "out-no-files", "results.csv"), { recursive: true });
    const args = ["price-pages", "create", "no-files.csv", "--retries", "0"];
    const outcome = await cli([...args, "--out", "out-no-files"]);

    // The server's error is the command's error and exit code; the files' failure follows.
    expect(outcome.exitCode, outcome.stderr).toBe(3);
    const errors = outcome.stderr.split("\n").filter((line) => line.startsWith("error: "));
    expect(errors).toHaveLength(2);
    expect(errors[0]).not.toContain("result files");
    expect(errors[1]).toMatch(/^error: the result files could not be written to .+ \(EISDIR\)$/);
    expect(outcome.stderr).toContain("The server failed with an error of its own");
    expect(outcome.stderr).toMatch(/^Stopped\. Resume with: p21kit resume \S+$/m);
    expect(outcome.stderr).not.toContain("Results so far");

    const json = await cli([...args, "--out", "out-no-files", "--json"]);
    expect(json.exitCode).toBe(3);
    expect(ndjson(json.stdout).at(-1)).toMatchObject({
      type: "error",
      code: "P21_SESSIONS_UNAVAILABLE",
      exitCode: 3,
      later: [{ code: "P21_RESULT_FILES", message: expect.stringContaining("EISDIR") as unknown }],
    });
  });
});
