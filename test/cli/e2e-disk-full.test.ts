// A journal whose disk fills in the middle of a run: the run fails on the journal's next write,
// says so once with what to do, and resumes once there is space again, each page created once.
// Result files whose disk is full leave an earlier run's as they were. The disk is a real tmpfs
// of 2 MB in a namespace of the test's own (see small-disk.ts).
import { existsSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { collect, ndjson } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";
import { SmallDisk } from "./small-disk.js";

const groups = ["ABRAS", "ADHES", "BEARNG", "BELTS"];
const unmountable = "no tmpfs can be mounted in a user namespace here";

function errorLines(text: string): string[] {
  return text.split("\n").filter((line) => line.startsWith("error: "));
}

describe("a disk that fills during a run (a tmpfs, child processes)", () => {
  // Slow enough that the run is still going when the test has filled the disk.
  const fixture = demoFixture({ latency: "seed", timeScale: 0.05 });
  let disk: SmallDisk | undefined;

  beforeAll(async () => {
    const mountPoint = join(fixture.directory, "disk");
    mkdirSync(mountPoint);
    disk = await SmallDisk.mount(mountPoint, "2m");
  });

  afterAll(() => disk?.release());

  /** The descriptions of the pages on the server tagged `tag`, sorted. */
  const pagesTagged = (tag: string) =>
    fixture.simulator
      .rows("price_page")
      .map((row) => String(row.description))
      .filter((description) => description.startsWith(`${tag} `))
      .sort();

  /**
   * Runs a create of `years` pages a group tagged `tag`, from `firstYear` on (the pages of a
   * group must not overlap those of another test), its journal on `small`; once its first page
   * is on the server, fills the disk, and when the run has ended, frees it again.
   */
  async function createUntilDiskFull(
    small: SmallDisk,
    tag: string,
    firstYear: number,
    years: number,
    extra: readonly string[] = [],
  ) {
    const descriptions = groups.flatMap((group) =>
      Array.from({ length: years }, (_, offset) => `${tag} ${group} ${firstYear + offset}`),
    );
    const rows = descriptions.map((description) => {
      const [, group, year] = description.split(" ");
      return `10090,${group},ACME,${description},${year}-01-01,${year}-12-31,0.6`;
    });
    await writePagesCsv(fixture.directory, `${tag}.csv`, rows);
    const journal = join(small.mountPoint, `${tag}.db`);
    const out = join(fixture.directory, `out-${tag}`);
    const filler = join(small.mountPoint, "filler");

    const args = ["price-pages", "create", `${tag}.csv`, "--journal", journal, "--out", out];
    const run = small.spawnCli([...args, ...extra, ...fixture.connection], fixture.directory);
    let runEnded = false;
    const outcome = collect(run).finally(() => (runEnded = true));
    // A run that ends before its first page (a refused input) is told by the checks after.
    await vi.waitFor(() => runEnded || expect(pagesTagged(tag)).not.toEqual([]), {
      timeout: 20_000,
      interval: 5,
    });
    await small.fill(filler);
    const ended = await outcome;
    const createdWhileFull = pagesTagged(tag).length;
    await small.remove(filler);

    return { ended, journal, out, descriptions, createdWhileFull };
  }

  it("fails the run with the disk's error, told once, and resumes once there is space", async ({
    skip,
  }) => {
    if (disk === undefined) return skip(unmountable);
    const full = await createUntilDiskFull(disk, "full", 2060, 10);
    const { ended: failed, journal, out, descriptions } = full;

    expect(failed.signal).toBeNull();
    expect(failed.exitCode, failed.stderr).toBe(1);
    expect(errorLines(failed.stderr), failed.stderr).toEqual([
      expect.stringContaining("disk is full"),
    ]);
    expect(failed.stderr).toContain(`The journal ${journal} could not be written`);
    expect(failed.stderr).toContain("free space, then `p21kit resume`");
    const runId = /^Stopped\. Resume with: p21kit resume (\S+) --journal (\S+)$/m.exec(
      failed.stderr,
    );
    expect(runId?.[2], failed.stderr).toBe(journal);
    expect(full.createdWhileFull).toBeGreaterThan(0);
    expect(full.createdWhileFull).toBeLessThan(descriptions.length);
    expect(existsSync(join(out, "results.csv"))).toBe(false);

    // With space again: every row's page on the server once, and the files written.
    const resume = ["resume", String(runId?.[1]), "--journal", journal, ...fixture.connection];
    const resumed = await collect(disk.spawnCli(resume, fixture.directory));
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(pagesTagged("full")).toEqual([...descriptions].sort());
    const results = (await readFile(join(out, "results.csv"), "utf8")).trimEnd().split("\r\n");
    expect(results).toHaveLength(1 + descriptions.length);
    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as object;
    expect(summary).toMatchObject({ created: descriptions.length, failed: 0, exitCode: 0 });
  }, 40_000);

  it("gives a program the journal's storage code with --json", async ({ skip }) => {
    if (disk === undefined) return skip(unmountable);
    const { ended: failed } = await createUntilDiskFull(disk, "json", 2070, 5, ["--json"]);

    expect(failed.exitCode, failed.stderr).toBe(1);
    const error = ndjson(failed.stdout).filter((line) => line.type === "error");
    expect(error).toEqual([
      expect.objectContaining({
        code: "P21_JOURNAL_STORAGE",
        exitCode: 1,
        message: expect.stringContaining("disk is full") as unknown,
      }),
    ]);
  }, 40_000);

  it("says to run the command again, not resume, when the run could not even be recorded", async ({
    skip,
  }) => {
    if (disk === undefined) return skip(unmountable);
    const filler = join(disk.mountPoint, "filler");
    await writePagesCsv(fixture.directory, "unrecorded.csv", [
      "10090,ABRAS,ACME,unrecorded ABRAS 2080,2080-01-01,2080-12-31,0.6",
    ]);
    const journal = join(disk.mountPoint, "unrecorded.db");
    const args = ["price-pages", "create", "unrecorded.csv", "--journal", journal];
    await disk.fill(filler);
    let failed;
    try {
      failed = await collect(disk.spawnCli([...args, ...fixture.connection], fixture.directory));
    } finally {
      await disk.remove(filler);
    }

    expect(failed.exitCode, failed.stderr).toBe(1);
    expect(errorLines(failed.stderr), failed.stderr).toEqual([
      expect.stringContaining("disk is full"),
    ]);
    expect(failed.stderr).toContain(
      "so the run was not recorded and nothing was sent to the server: free space, then run the command again.",
    );
    expect(failed.stderr).not.toContain("resume");
    expect(pagesTagged("unrecorded")).toEqual([]);
  }, 40_000);

  it("leaves an earlier run's result files whole when the new ones do not fit", async ({
    skip,
  }) => {
    if (disk === undefined) return skip(unmountable);
    const small = disk;
    const out = join(small.mountPoint, "out");
    const create = async (tag: string, year: number) => {
      await writePagesCsv(fixture.directory, `${tag}.csv`, [
        `10090,ABRAS,ACME,${tag} ABRAS ${year},${year}-01-01,${year}-12-31,0.6`,
      ]);
      const journal = join(fixture.directory, `${tag}.db`);
      const args = ["price-pages", "create", `${tag}.csv`, "--journal", journal, "--out", out];
      return collect(small.spawnCli([...args, ...fixture.connection], fixture.directory));
    };
    const first = await create("kept", 2090);
    expect(first.exitCode, first.stderr).toBe(0);
    const files = ["errors.csv", "results.csv", "summary.json"];
    const read = () => Promise.all(files.map((name) => small.read(join(out, name))));
    const kept = await read();
    expect(kept[1]).toContain("kept ABRAS 2090");

    const filler = join(small.mountPoint, "filler");
    await small.fill(filler);
    let failed;
    try {
      failed = await create("unwritten", 2091);
    } finally {
      await small.remove(filler);
    }

    // The run itself is done (its journal has space): only its files failed, and said so.
    expect(pagesTagged("unwritten")).toHaveLength(1);
    expect(failed.exitCode, failed.stderr).toBe(1);
    expect(errorLines(failed.stderr)).toEqual([
      `error: the result files could not be written to ${out} (ENOSPC)`,
    ]);
    expect(await read()).toEqual(kept);
    expect(await small.list(out)).toEqual(files);

    // With space again, the hint's resume writes this run's files over the earlier run's.
    const resume = /p21kit resume (\S+) --journal (\S+) writes its files/.exec(failed.stderr);
    expect(resume, failed.stderr).not.toBeNull();
    const rewritten = await collect(
      small.spawnCli(
        ["resume", String(resume?.[1]), "--journal", String(resume?.[2]), ...fixture.connection],
        fixture.directory,
      ),
    );
    expect(rewritten.exitCode, rewritten.stderr).toBe(0);
    expect(rewritten.stderr).toContain("writing the result files its process left unwritten");
    const [, results, summary] = await read();
    expect(results).toContain("unwritten ABRAS 2091");
    expect(results).not.toContain("kept ABRAS 2090");
    expect(JSON.parse(String(summary))).toMatchObject({ runId: resume?.[1], created: 1 });
  }, 40_000);
});
