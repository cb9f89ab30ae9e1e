import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSimulator } from "../../src/simulator/index.js";
import { collect, ndjson, runChild, parseCsv, spawnCli, connectionTo } from "./helpers.js";

import { demoFixture } from "./demo-fixture.js";
import { afterSettled, pagesFor } from "./resume-pages.js";

describe("interrupted runs", () => {
  const fixture = demoFixture({ latency: "seed", timeScale: 0.02 });

  /** `price-pages create FILE --json`, with a SIGINT once `count` records are settled. */
  async function createStoppedAfter(file: string, text: string, count: number) {
    await writeFile(join(fixture.directory, file), text);
    const child = spawnCli(["price-pages", "create", file, "--json", ...fixture.connection], {
      cwd: fixture.directory,
    });
    const outcome = collect(child);
    await afterSettled(child, count);
    child.kill("SIGINT");

    return outcome;
  }

  it("resume after a SIGKILL finishes the run with every page exactly once", async () => {
    await writeFile(join(fixture.directory, "killed.csv"), pagesFor(10070, "Granite killed"));
    const child = spawnCli(
      ["price-pages", "create", "killed.csv", "--books", "RETAIL", "--json", ...fixture.connection],
      { cwd: fixture.directory },
    );
    const outcome = collect(child);
    await afterSettled(child, 6);
    child.kill("SIGKILL");
    expect((await outcome).signal).toBe("SIGKILL");

    // The journal still has it running; no process holds it, so it is shown as it is.
    const runs = await runChild(["runs", "--json"], { cwd: fixture.directory });
    const run = ndjson(runs.stdout)[0] as { id: string; state: string };
    expect(run.state).toBe("interrupted");
    const listed = await runChild(["runs"], { cwd: fixture.directory });
    expect(listed.stdout).toMatch(new RegExp(`^${run.id}\\s+create\\s+interrupted\\s`, "m"));
    // What is left counts the links still to record: one per page, made or not.
    const listedRun = ndjson(runs.stdout)[0] as {
      counts: { unsettled: number };
      linksToCome: number;
    };
    expect(listedRun.linksToCome).toBe(30);
    const shown = await runChild(["runs", "show", run.id], { cwd: fixture.directory });
    expect(shown.stdout).toContain("and 30 links to add once their pages exist");
    // RUN KIND STATE CREATED (a date and a time) SUCCEEDED SKIPPED FAILED LEFT SERVER
    const left = listed.stdout.split("\n")[1]?.trim().split(/\s+/)[8];
    expect(Number(left)).toBe(listedRun.counts.unsettled + 30);

    const resumed = await runChild(["resume", "--password", "api_password", "--json"], {
      cwd: fixture.directory,
    });
    expect(resumed.stderr).toBe("");
    expect(resumed.exitCode).toBe(0);
    expect(ndjson(resumed.stdout).at(-1)).toMatchObject({
      type: "summary",
      runId: run.id,
      failed: 0,
    });

    const pages = fixture.simulator
      .rows("price_page")
      .filter((row) => String(row.description).startsWith("Granite killed"));
    const descriptions = pages.map((page) => String(page.description));
    expect(new Set(descriptions).size).toBe(descriptions.length);
    expect(descriptions).toHaveLength(30);
    const uids = new Set(pages.map((page) => page.price_page_uid));
    const links = fixture.simulator
      .rows("price_book_x_page")
      .filter((link) => uids.has(link.price_page_uid));
    expect(links).toHaveLength(30);
    const after = await runChild(["runs", "--json"], { cwd: fixture.directory });
    expect(ndjson(after.stdout)[0]).toMatchObject({ state: "completed", linksToCome: 0 });
  });

  it("resume after a SIGKILL in the middle of an expire batch settles its saves from the server", async () => {
    const uids = fixture.simulator
      .rows("price_page")
      .filter((row) => row.supplier_id === 10200 && row.row_status_flag === 704)
      .map((row) => Number(row.price_page_uid));
    expect(uids).toHaveLength(28);
    await writeFile(
      join(fixture.directory, "expire-killed.csv"),
      ["price_page_uid", ...uids].join("\r\n") + "\r\n",
    );
    const child = spawnCli(
      [
        "price-pages",
        "expire",
        "expire-killed.csv",
        "--expire-date",
        "2031-03-31",
        "--json",
        ...fixture.connection,
      ],
      { cwd: fixture.directory },
    );
    const outcome = collect(child);
    // Killed while its first batch waits for its read-back: saves made, none settled.
    await new Promise<void>((resolve) => {
      let saved = 0;
      child.stdout?.on("data", (chunk: Buffer) => {
        saved += (chunk.toString("utf8").match(/"type":"record-saved"/g) ?? []).length;
        if (saved >= 5) resolve();
      });
    });
    child.kill("SIGKILL");
    expect((await outcome).stdout).not.toContain('"type":"record-settled"');

    const resumed = await runChild(["resume", "--password", "api_password", "--json"], {
      cwd: fixture.directory,
    });
    expect(resumed.exitCode).toBe(0);
    const events = ndjson(resumed.stdout) as { type: string; inFlight?: number }[];
    expect(events.at(-1)).toMatchObject({ type: "summary", failed: 0 });
    // The killed batch's records were in flight, the saved ones among them found on the server.
    expect(events.find((event) => event.type === "phase-started")?.inFlight).toBeGreaterThanOrEqual(
      5,
    );
    const expired = fixture.simulator
      .rows("price_page")
      .filter((row) => uids.includes(Number(row.price_page_uid)));
    expect(expired.map((row) => String(row.expiration_date).slice(0, 10))).toEqual(
      Array(28).fill("2031-03-31"),
    );
  });

  it("resume of a run killed after its last record and before its result files were written writes them", async () => {
    const stopped = await createStoppedAfter(
      "unwritten.csv",
      pagesFor(10170, "Harbor unwritten"),
      4,
    );
    expect(stopped.exitCode).toBe(130);
    const { runId } = ndjson(stopped.stdout).at(-1) as { runId: string };
    const runDirectory = join(fixture.directory, "p21kit-runs", runId);
    const results = join(runDirectory, "results.csv");
    const summaryFile = join(runDirectory, "summary.json");
    const earlier = [await readFile(results, "utf8"), await readFile(summaryFile, "utf8")] as const;
    const finished = await runChild(["resume", runId, "--password", "api_password"], {
      cwd: fixture.directory,
    });
    expect(finished.exitCode).toBe(0);
    // What a process killed between recording its run as completed and writing the files of
    // that leaves: the journal says completed, the files still say what the stop left.
    await writeFile(results, earlier[0]);
    await writeFile(summaryFile, earlier[1]);

    // No password: the files come from the journal, the server is not asked.
    const resumed = await runChild(["resume", runId, "--json"], { cwd: fixture.directory });
    expect(resumed.stderr).toBe("");
    expect(resumed.exitCode).toBe(0);
    expect(ndjson(resumed.stdout).at(-1)).toMatchObject({
      type: "summary",
      runId,
      created: 30,
      failed: 0,
      interrupted: false,
      exitCode: 0,
    });
    const rows = parseCsv(await readFile(results, "utf8")).slice(1);
    expect(rows.map((row) => row[3])).toEqual(Array(30).fill("succeeded"));
    expect(JSON.parse(await readFile(summaryFile, "utf8"))).toMatchObject({
      state: "completed",
      created: 30,
      interrupted: false,
    });

    // Whole files: nothing left to resume.
    const again = await runChild(["resume", runId], { cwd: fixture.directory });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(`run ${runId} is finished (completed): nothing to resume`);
  });

  it("SIGINT stops gracefully with exit 130 and a hint; resume completes it", async () => {
    const stopped = await createStoppedAfter("stopped.csv", pagesFor(10080, "Harbor stopped"), 4);
    expect(stopped.exitCode).toBe(130);
    const summary = ndjson(stopped.stdout).at(-1) as { runId: string; interrupted: boolean };
    expect(summary).toMatchObject({ type: "summary", interrupted: true, exitCode: 130 });
    expect(stopped.stderr).toContain(`Resume with: p21kit resume ${summary.runId}`);

    // Its failures (if any) wait for its resume: a retry beside it is refused.
    const retry = await runChild(["retry-failed", summary.runId, "--password", "api_password"], {
      cwd: fixture.directory,
    });
    expect(retry.exitCode).toBe(2);
    expect(retry.stderr).toContain(`run ${summary.runId} is unfinished (interrupted)`);
    expect(retry.stderr).toContain(`Resume it with: p21kit resume ${summary.runId}`);

    // The file edited since: resume says so, and carries on with the records it read.
    const edited = pagesFor(10080, "Harbor stopped").replaceAll(",0.6\r\n", ",0.7\r\n");
    await writeFile(join(fixture.directory, "stopped.csv"), edited);
    const resumed = await runChild(["resume", summary.runId, "--password", "api_password"], {
      cwd: fixture.directory,
    });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toContain(
      "notice  stopped.csv has changed since the run started: resume carries on with its records",
    );
    const harborPages = () =>
      fixture.simulator
        .rows("price_page")
        .filter((row) => String(row.description).startsWith("Harbor stopped"));
    expect(harborPages()).toHaveLength(30);
    expect(harborPages().every((row) => row.calculation_value1 === 0.6)).toBe(true);

    // What the notice says of running the file again is what it does: its pages are skipped,
    // and keep the values the run read.
    expect(resumed.stderr).toContain(
      "the pages it creates keep those values, and running the file again does not change them",
    );
    const rerun = await runChild(
      ["price-pages", "create", "stopped.csv", "--json", ...fixture.connection],
      { cwd: fixture.directory },
    );
    expect(rerun.exitCode).toBe(0);
    expect(ndjson(rerun.stdout).at(-1)).toMatchObject({ created: 0, failed: 0 });
    expect(harborPages().every((row) => row.calculation_value1 === 0.6)).toBe(true);
  });

  it("resume after the same file ran again as a new run skips what that run made: nothing twice", async () => {
    const stopped = await createStoppedAfter("twice.csv", pagesFor(10100, "Twice"), 4);
    expect(stopped.exitCode).toBe(130);
    const first = ndjson(stopped.stdout).at(-1) as { runId: string };

    const again = await runChild(["price-pages", "create", "twice.csv", ...fixture.connection], {
      cwd: fixture.directory,
    });
    expect(again.exitCode).toBe(0);

    const resumed = await runChild(
      ["resume", first.runId, "--password", "api_password", "--json"],
      { cwd: fixture.directory },
    );
    expect(resumed.exitCode).toBe(0);
    const summary = ndjson(resumed.stdout).at(-1) as { created: number; skipped: number };
    expect(summary.created + summary.skipped).toBe(30);
    const pages = fixture.simulator
      .rows("price_page")
      .filter((row) => String(row.description).startsWith("Twice "));
    expect(pages).toHaveLength(30);
    expect(new Set(pages.map((row) => row.description)).size).toBe(30);
  });

  it("a server gone mid-run: exit 3, result files, a hint that names the journal; resume finishes", async () => {
    const statePath = join(fixture.directory, "gone-state.json");
    const gone = await startSimulator({
      data: "demo",
      latency: "seed",
      timeScale: 0.02,
      statePath,
    });
    const port = Number(new URL(gone.url).port);
    await writeFile(join(fixture.directory, "gone.csv"), pagesFor(10090, "Gone"));
    const child = spawnCli(
      [
        "price-pages",
        "create",
        "gone.csv",
        "--journal",
        "gone.db",
        "--json",
        ...connectionTo(gone.url),
      ],
      { cwd: fixture.directory },
    );
    const outcome = collect(child);
    await afterSettled(child, 4);
    await gone.close();
    const stopped = await outcome;

    expect(stopped.exitCode).toBe(3);
    const runId = /Resume with: p21kit resume (\S+) --journal gone\.db$/m.exec(stopped.stderr)?.[1];
    expect(runId).toBeDefined();
    expect(stopped.stderr).toContain("Check --base-url and that the server is reachable");
    const summary = JSON.parse(
      await readFile(join(fixture.directory, "p21kit-runs", String(runId), "summary.json"), "utf8"),
    ) as { interrupted: boolean; created: number; exitCode: number };
    expect(summary.interrupted).toBe(true);
    // summary.json tells the exit code the process ended with, not that of a Ctrl-C.
    expect(summary.exitCode).toBe(3);
    expect(summary.created).toBeGreaterThanOrEqual(4);

    const back = await startSimulator({ port, statePath, latency: "seed", timeScale: 0.02 });
    try {
      const resumed = await runChild(
        ["resume", String(runId), "--journal", "gone.db", "--password", "api_password"],
        { cwd: fixture.directory },
      );
      expect(resumed.exitCode).toBe(0);
      const pages = back
        .rows("price_page")
        .filter((row) => String(row.description).startsWith("Gone "));
      expect(pages).toHaveLength(30);
    } finally {
      await back.close();
    }
  }, 120_000);
});
