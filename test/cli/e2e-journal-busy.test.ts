// A journal another process locks in the middle of a run: the run fails on its next write, and
// it can neither record itself as interrupted nor be read for its result files. The failure is
// told once, and the run resumes once the journal is free, each page created once.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, vi } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { collect, spawnCli } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";

const groups = ["ABRAS", "ADHES", "BEARNG", "BELTS"];
const years = [2060, 2061, 2062, 2063, 2064];

describe("a journal locked by another process during a run (child processes)", () => {
  // Slow enough that the run is still going when the test has taken the journal's write lock.
  const fixture = demoFixture({ latency: "seed", timeScale: 0.05 });

  it("fails the run with the journal's error, told once, and resumes later", async () => {
    const rows = groups.flatMap((group) =>
      years.map(
        (year) => `10090,${group},ACME,Busy ${group} ${year},${year}-01-01,${year}-12-31,0.6`,
      ),
    );
    await writePagesCsv(fixture.directory, "busy.csv", rows);
    const journal = join(fixture.directory, "busy.db");
    const out = join(fixture.directory, "out-busy");
    const pagesBefore = fixture.simulator.rows("price_page").length;

    const args = ["price-pages", "create", "busy.csv", "--journal", journal, "--out", out];
    const outcome = collect(spawnCli([...args, ...fixture.connection], { cwd: fixture.directory }));

    // Once the first page is on the server, this test holds the journal's write lock to the end.
    await vi.waitFor(
      () => expect(fixture.simulator.rows("price_page").length).toBeGreaterThan(pagesBefore),
      { timeout: 30_000, interval: 5 },
    );
    const holder = new Database(journal);
    holder.exec("BEGIN IMMEDIATE");
    let failed: Awaited<typeof outcome>;
    let refused: Awaited<typeof outcome>;
    let createdWhileLocked: number;
    try {
      failed = await outcome;
      // A resume while the lock is still held cannot open the journal: it says so, sends nothing.
      refused = await fixture.cli(["resume", "--journal", journal]);
      createdWhileLocked = fixture.simulator.rows("price_page").length - pagesBefore;
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }

    // The journal's failure, once: not the close's (or the summary's) instead of it, nor again.
    expect(failed.signal).toBeNull();
    expect(failed.exitCode, failed.stderr).toBe(1);
    const errorLines = (text: string) =>
      text.split("\n").filter((line) => line.startsWith("error: "));
    expect(errorLines(failed.stderr), failed.stderr).toEqual([
      expect.stringMatching(/the journal is locked/),
    ]);
    expect(failed.stderr).toContain(`The journal ${journal} is locked by another process`);
    expect(failed.stderr).toMatch(/^Stopped\. Resume with: p21kit resume \S+/m);
    expect(failed.stderr).toContain("No result files: the journal cannot be read now");
    expect(existsSync(join(out, "results.csv"))).toBe(false);

    expect(refused.exitCode, refused.stderr).toBe(1);
    expect(errorLines(refused.stderr), refused.stderr).toEqual([
      expect.stringMatching(/the journal is locked/),
    ]);
    expect(fixture.simulator.rows("price_page").length - pagesBefore).toBe(createdWhileLocked);

    // Resumed once the journal is free: every page on the server once, and the files written.
    const runId = /Resume with: p21kit resume (\S+)/.exec(failed.stderr)?.[1];
    const resumed = await fixture.cli(["resume", String(runId), "--journal", journal]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(fixture.simulator.rows("price_page").length - pagesBefore).toBe(rows.length);
    const results = (await readFile(join(out, "results.csv"), "utf8")).trimEnd().split("\r\n");
    expect(results).toHaveLength(1 + rows.length);
    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as object;
    expect(summary).toMatchObject({ created: rows.length, failed: 0, exitCode: 0 });
  }, 90_000);
});
