// A run worked by one process is not worked by another: resume and retry-failed of a run held
// are refused, and the run ends alone, each record sent once.
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, ndjson, runChild, spawnCli } from "./helpers.js";
import { demoFixture } from "./demo-fixture.js";
import { afterSettled, pagesFor } from "./resume-pages.js";

describe("runs being worked", () => {
  const fixture = demoFixture({ latency: "seed", timeScale: 0.02 });

  it("a resume of a run that is still being worked is refused (exit 2); the run ends alone", async () => {
    // Long enough to outlast the commands below on a slow machine: 90 pages, a session each.
    const [first = "", ...more] = [10110, 10120, 10130].map((supplier) =>
      pagesFor(supplier, "Busy"),
    );
    const rows = more.map((text) => text.split("\r\n").slice(1).join("\r\n"));
    await writeFile(join(fixture.directory, "busy.csv"), [first, ...rows].join(""));
    const child = spawnCli(
      ["price-pages", "create", "busy.csv", "--batch-size", "1", "--json", ...fixture.connection],
      { cwd: fixture.directory },
    );
    const outcome = collect(child);
    await afterSettled(child, 2);
    const listed = await runChild(["runs", "--json"], { cwd: fixture.directory });
    const running = ndjson(listed.stdout)[0] as { id: string; state: string };
    expect(running.state).toBe("running");

    const [second, retry] = await Promise.all(
      ["resume", "retry-failed"].map((command) =>
        runChild([command, running.id, "--password", "api_password"], { cwd: fixture.directory }),
      ),
    );
    // Both answered while the run was still being worked.
    expect(child.exitCode).toBeNull();
    for (const refused of [second, retry]) {
      expect(refused?.exitCode).toBe(2);
      expect(refused?.stderr).toContain(
        `run ${running.id} is being worked by process ${child.pid}`,
      );
    }
    // Refused before it says it resumes anything.
    expect(second?.stderr).not.toContain("Resuming run");

    expect((await outcome).exitCode).toBe(0);
    const pages = fixture.simulator
      .rows("price_page")
      .filter((row) => String(row.description).startsWith("Busy "));
    expect(pages).toHaveLength(90);
    // The lock is released and its files are gone; the directory's guard stays.
    const lockFiles = await readdir(join(fixture.directory, ".p21kit", "journal.db.locks"));
    expect(lockFiles).toContain("guard");
    expect(lockFiles).not.toContain(`${running.id}.lock`);
    expect(lockFiles).not.toContain(`${running.id}.holder`);
  });

  it("a second retry of a run being retried is refused (exit 2): its failures are sent once", async () => {
    // 60 pages, to outlast the second command on a slow machine.
    const [head = "", tail = ""] = [10140, 10150].map((supplier) => pagesFor(supplier, "Refused"));
    const more = tail.split("\r\n").slice(1).join("\r\n");
    await writeFile(join(fixture.directory, "refused.csv"), head + more);
    // The first change of each page is refused: all 60 fail, none is retried.
    fixture.simulator.injectFault({
      kind: "refuse",
      route: "PUT /api/ui/interactive/v2/change",
      count: 60,
    });
    const failed = await runChild(
      ["price-pages", "create", "refused.csv", "--json", ...fixture.connection],
      {
        cwd: fixture.directory,
      },
    );
    expect(ndjson(failed.stdout).at(-1)).toMatchObject({ created: 0, failed: 60 });
    const parent = (ndjson(failed.stdout).at(-1) as { runId: string }).runId;

    const retry = ["retry-failed", parent, "--password", "api_password", "--batch-size", "1"];
    const first = spawnCli([...retry, "--json"], { cwd: fixture.directory });
    const outcome = collect(first);
    await afterSettled(first, 2);
    const second = await runChild(retry, { cwd: fixture.directory });
    expect(first.exitCode).toBeNull();
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain(`run ${parent} is being worked by process ${first.pid}`);

    expect((await outcome).exitCode).toBe(0);
    const pages = fixture.simulator
      .rows("price_page")
      .filter((row) => String(row.description).startsWith("Refused "));
    expect(pages).toHaveLength(60);
  });
});
