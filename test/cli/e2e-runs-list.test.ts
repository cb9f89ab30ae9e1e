import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { ndjson, runChild } from "./helpers.js";
import { pagesCsv } from "./pages-csv.js";

describe("runs and runs show end to end (child processes against the simulator)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  // The journal the tests read: a create, the same create again (its records skipped), a
  // create the server refuses a record of, an expire, and last a link.
  beforeAll(async () => {
    const [expiredUid, linkedUid] = fixture.simulator
      .rows("price_page")
      .filter((row) => row.supplier_id === 10090 && row.row_status_flag === 704)
      .map((row) => Number(row.price_page_uid));
    const files = {
      "listed.csv": pagesCsv(["10090,ABRAS,ACME,Garnet ABRAS listed,2050-01-01,2050-12-31,0.6"]),
      "listed-refused.csv": pagesCsv([
        "10090,ADHES,ACME,Garnet ADHES listed,2050-01-01,2050-12-31,0.6",
      ]),
      "listed-expire.csv": `price_page_uid\r\n${expiredUid}\r\n`,
      "listed-links.csv": `price_book_id,price_page_uid\r\nCONTRACT,${linkedUid}\r\n`,
    };
    for (const [name, text] of Object.entries(files)) {
      await writeFile(join(fixture.directory, name), text);
    }

    const create = ["price-pages", "create", "listed.csv", "--books", "RETAIL"];
    const runs: [args: string[], exitCode: number][] = [
      [create, 0],
      [create, 0],
      [["price-pages", "create", "listed-refused.csv"], 1],
      [["price-pages", "expire", "listed-expire.csv", "--expire-date", "2030-06-30"], 0],
      [["price-pages", "link", "listed-links.csv"], 0],
    ];
    for (const [args, exitCode] of runs) {
      if (exitCode === 1) {
        fixture.simulator.injectFault({
          kind: "refuse",
          route: "PUT /api/ui/interactive/v2/change",
        });
      }

      expect((await cli(args)).exitCode).toBe(exitCode);
    }
  });

  it("runs lists every run, newest first, and runs show describes one", async () => {
    const list = await runChild(["runs"], { cwd: fixture.directory });
    expect(list.exitCode).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(
      /^RUN +KIND +STATE +CREATED +SUCCEEDED +SKIPPED +FAILED +LEFT +SERVER$/,
    );
    // Each run's counts, as runs --json gives them: skipped records are not counted succeeded.
    const runsJson = await runChild(["runs", "--json"], { cwd: fixture.directory });
    for (const run of ndjson(runsJson.stdout) as { id: string; counts: Record<string, number> }[]) {
      const line = list.stdout.split("\n").find((text) => text.startsWith(run.id)) ?? "";
      const { succeeded, skipped, failed, unsettled } = run.counts;
      expect(line.split(/ +/).slice(5, 9)).toEqual(
        [succeeded, skipped, failed, unsettled].map(String),
      );
    }
    expect(list.stdout).toContain("create");
    expect(list.stdout).toContain("expire");
    const show = await runChild(["runs", "show"], { cwd: fixture.directory });
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain("link");
    expect(await readdir(join(fixture.directory, "p21kit-runs"))).not.toHaveLength(0);
  });

  it("names a run by a unique prefix of its id, and says when a prefix is ambiguous or unknown", async () => {
    const listed = await runChild(["runs", "--json"], { cwd: fixture.directory });
    const [newest, older] = ndjson(listed.stdout).map((run) => String(run.id));
    if (newest === undefined || older === undefined) throw new Error("the tests made two runs");

    const byPrefix = await runChild(["runs", "show", newest.slice(0, -1), "--json"], {
      cwd: fixture.directory,
    });
    expect(byPrefix.exitCode).toBe(0);
    expect(ndjson(byPrefix.stdout)[0]).toMatchObject({ id: newest });

    let shared = 0;
    while (newest[shared] === older[shared]) shared += 1;
    const ambiguous = await runChild(["runs", "show", newest.slice(0, shared)], {
      cwd: fixture.directory,
    });
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toContain(`run id "${newest.slice(0, shared)}" is ambiguous: `);
    expect(ambiguous.stderr).toContain(newest);
    expect(ambiguous.stderr).toContain(older);
    expect(ambiguous.stderr).toContain("`p21kit runs` lists the runs.");

    const unknown = await runChild(["runs", "show", "no-such-run"], { cwd: fixture.directory });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no run "no-such-run"');
  });

  it("points a run missing from another journal to the runs of that journal", async () => {
    const other = join(fixture.directory, "other.db");
    const made = await cli(["price-pages", "create", "listed.csv", "--journal", other]);
    expect(made.exitCode, made.stderr).toBe(0);

    for (const command of [["runs", "show"], ["resume"], ["retry-failed"]]) {
      const missing = await runChild([...command, "no-such-run", "--journal", other], {
        cwd: fixture.directory,
        env: { P21_PASSWORD: "api_password" },
      });
      expect(missing.exitCode).toBe(2);
      expect(missing.stderr).toContain('no run "no-such-run"');
      expect(missing.stderr).toContain(`\`p21kit runs --journal ${other}\` lists the runs.`);
    }

    // The command the hint gives lists that journal's run, and that one alone.
    const listed = await runChild(["runs", "--journal", other, "--json"], {
      cwd: fixture.directory,
    });
    expect(ndjson(listed.stdout)).toHaveLength(1);
  });
});
