// A journal another process locks in the middle of a run: the run fails on its next write, and
// it can neither record itself as interrupted nor be read for its result files. The failure is
// told once, and the run resumes once the journal is free, each page created once.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, vi } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { collect, spawnCli, type CliOutcome } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";

const groups = ["ABRAS", "ADHES", "BEARNG", "BELTS"];

function errorLines(text: string): string[] {
  return text.split("\n").filter((line) => line.startsWith("error: "));
}

describe("a journal locked by another process during a run (child processes)", () => {
  // Slow enough that the run is still going when the test has taken the journal's write lock.
  const fixture = demoFixture({ latency: "seed", timeScale: 0.05 });
  const pagesOnServer = () => fixture.simulator.rows("price_page").length;

  /**
   * Runs a create of 20 pages tagged `tag`, from `firstYear` on (the pages of a group must not
   * overlap those of another test); once its first page is on the server, holds the
   * journal's write lock until the run has ended and `whileLocked` is done, then lets it go.
   * With `interrupt`, the run is sent SIGINT as soon as the lock is held.
   */
  async function createWithJournalLocked(
    tag: string,
    firstYear: number,
    options: { interrupt?: boolean; whileLocked?: (journal: string) => Promise<void> } = {},
  ) {
    const years = [0, 1, 2, 3, 4].map((offset) => firstYear + offset);
    const rows = groups.flatMap((group) =>
      years.map(
        (year) => `10090,${group},ACME,${tag} ${group} ${year},${year}-01-01,${year}-12-31,0.6`,
      ),
    );
    await writePagesCsv(fixture.directory, `${tag}.csv`, rows);
    const journal = join(fixture.directory, `${tag}.db`);
    const out = join(fixture.directory, `out-${tag}`);
    const before = pagesOnServer();

    const args = ["price-pages", "create", `${tag}.csv`, "--journal", journal, "--out", out];
    const child = spawnCli([...args, ...fixture.connection], { cwd: fixture.directory });
    const outcome = collect(child);
    await vi.waitFor(() => expect(pagesOnServer()).toBeGreaterThan(before), {
      timeout: 30_000,
      interval: 5,
    });
    const holder = new Database(journal);
    holder.exec("BEGIN IMMEDIATE");
    let ended: CliOutcome;
    try {
      if (options.interrupt === true) child.kill("SIGINT");
      ended = await outcome;
      await options.whileLocked?.(journal);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }

    const runId = /Resume with: p21kit resume (\S+)/.exec(ended.stderr)?.[1];
    return { ended, journal, out, runId, rows, created: () => pagesOnServer() - before };
  }

  it("fails the run with the journal's error, told once, and resumes later", async () => {
    let refused: CliOutcome | undefined;
    let createdWhileLocked = 0;
    const locked = await createWithJournalLocked("busy", 2060, {
      // A resume while the lock is still held cannot open the journal: it says so, sends nothing.
      whileLocked: async (journal) => {
        createdWhileLocked = pagesOnServer();
        refused = await fixture.cli(["resume", "--journal", journal]);
        createdWhileLocked = pagesOnServer() - createdWhileLocked;
      },
    });
    const { ended: failed, journal, out, rows } = locked;

    // The journal's failure, once: not the close's (or the summary's) instead of it, nor again.
    expect(failed.signal).toBeNull();
    expect(failed.exitCode, failed.stderr).toBe(1);
    expect(errorLines(failed.stderr), failed.stderr).toEqual([
      expect.stringMatching(/the journal is locked/),
    ]);
    expect(failed.stderr).toContain(`The journal ${journal} is locked by another process`);
    expect(failed.stderr).toContain("a run it stopped resumes with `p21kit resume`");
    expect(failed.stderr).toMatch(/^Stopped\. Resume with: p21kit resume \S+/m);
    expect(failed.stderr).toContain("No result files: the journal cannot be read now");
    // Told as soon as it is known: the steps after it wait on the lock with nothing printed.
    const notice =
      "the journal is locked by another process: the run stops, each of its last journal steps waiting up to 5.0 s for it";
    expect(failed.stderr.split("\n")).toContain(notice);
    expect(failed.stderr.indexOf(notice)).toBeLessThan(failed.stderr.indexOf("error: "));
    expect(existsSync(join(out, "results.csv"))).toBe(false);

    expect(refused?.exitCode, refused?.stderr).toBe(1);
    expect(errorLines(String(refused?.stderr)), refused?.stderr).toEqual([
      expect.stringMatching(/the journal is locked/),
    ]);
    expect(createdWhileLocked).toBe(0);

    // Resumed once the journal is free: every page on the server once, and the files written.
    const resumed = await fixture.cli(["resume", String(locked.runId), "--journal", journal]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(locked.created()).toBe(rows.length);
    const results = (await readFile(join(out, "results.csv"), "utf8")).trimEnd().split("\r\n");
    expect(results).toHaveLength(1 + rows.length);
    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as object;
    expect(summary).toMatchObject({ created: rows.length, failed: 0, exitCode: 0 });
  }, 90_000);

  it("a stop whose journal then fails is that failure (exit 1, not 130), and resumes", async () => {
    const locked = await createWithJournalLocked("stopped", 2070, { interrupt: true });
    const { ended: stopped, journal, rows } = locked;

    expect(stopped.signal).toBeNull();
    expect(stopped.stderr).toContain("SIGINT: finishing the records in hand");
    expect(stopped.exitCode, stopped.stderr).toBe(1);
    expect(errorLines(stopped.stderr), stopped.stderr).toEqual([
      expect.stringMatching(/the journal is locked/),
    ]);
    expect(stopped.stderr).toMatch(/^Stopped\. Resume with: p21kit resume \S+/m);
    expect(locked.created()).toBeLessThan(rows.length);

    const resumed = await fixture.cli(["resume", String(locked.runId), "--journal", journal]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(locked.created()).toBe(rows.length);
  }, 90_000);
});
