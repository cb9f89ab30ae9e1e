// A process killed once its run is recorded as finished and before its result files are
// written: `resume` writes them from the journal, with the phases and the wall time that the
// killed process would have written.
import { execFileSync } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/index.js";
import { collect, ndjson, runChild, runInProcess, spawnCli } from "./helpers.js";
import { demoFixture } from "./demo-fixture.js";
import { pagesFor } from "./resume-pages.js";

/** Resolves once the journal records `runId` as completed. */
async function whenCompleted(journalPath: string, runId: () => string | undefined) {
  for (;;) {
    const id = runId();
    if (id !== undefined) {
      const journal = Journal.open(journalPath, { readonly: true });
      const state = journal.getRun(id)?.state;
      journal.close();
      if (state === "completed") return;
    }

    await sleep(20);
  }
}

describe("result files of a run whose process was killed before it wrote them", () => {
  const fixture = demoFixture();

  it("resume writes summary.json with the phases and wall time of the killed process", async () => {
    await writeFile(join(fixture.directory, "killed-files.csv"), pagesFor(10160, "Killed files"));
    const out = join(fixture.directory, "out-killed");
    await mkdir(out);
    // One create answered with a server error, retried: the phases have a retry and a reopen.
    fixture.simulator.injectFault({
      kind: "http500",
      route: "PUT /api/ui/interactive/v2/change",
      skip: 3,
      count: 1,
    });
    const child = spawnCli(
      [
        "price-pages",
        "create",
        "killed-files.csv",
        "--books",
        "RETAIL",
        "--out",
        out,
        "--json",
        ...fixture.connection,
      ],
      { cwd: fixture.directory },
    );
    const outcome = collect(child);
    // results.csv, written first under a name with the process's id, as a named pipe nobody
    // reads: the process waits in its open() with its run recorded as completed, until it is
    // killed there.
    const written = join(out, `results.csv.${String(child.pid)}.tmp`);
    execFileSync("mkfifo", [written]);
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    const runIdOf = () =>
      ndjson(stdout.slice(0, stdout.lastIndexOf("\n") + 1))[0]?.runId as string | undefined;
    await whenCompleted(join(fixture.directory, ".p21kit", "journal.db"), runIdOf);
    child.kill("SIGKILL");
    expect((await outcome).signal).toBe("SIGKILL");
    const runId = String(runIdOf());
    const events = ndjson(stdout) as { type: string; phase: string; via?: string }[];
    const finished = events.filter((event) => event.type === "phase-finished");
    expect(finished.map((event) => event.phase)).toEqual(["create", "link"]);
    await rm(written);

    const resumed = await runChild(["resume", runId, "--json"], { cwd: fixture.directory });
    expect(resumed.stderr).toBe("");
    expect(resumed.exitCode).toBe(0);
    const line = ndjson(resumed.stdout).at(-1) as { wallMs: unknown };
    expect(line).toMatchObject({ type: "summary", runId, created: 30, linked: 30, exitCode: 0 });
    expect(typeof line.wallMs).toBe("number");

    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as {
      phases: Record<string, unknown>[];
      wallMs: unknown;
    };
    expect(summary).toMatchObject({ state: "completed", rebuiltFromJournal: true });
    expect(summary).not.toHaveProperty("unknown");
    expect(summary.wallMs).toBe(line.wallMs);
    // What the killed process's engine reported at the end of each phase, to the unit.
    expect(summary.phases).toEqual(
      finished.map((event) => {
        const fields = event as unknown as Record<string, number | boolean>;
        const reconciled = events.filter(
          (other) =>
            other.type === "record-settled" &&
            other.phase === event.phase &&
            other.via === "reconcile",
        ).length;

        return {
          phase: event.phase,
          total: 30,
          succeeded: 30,
          failed: 0,
          skipped: 0,
          unsettled: 0,
          retries: fields.retries,
          reopens: fields.reopens,
          sessionsOpened: fields.sessionsOpened,
          reconciled,
          interrupted: false,
          elapsedMs: fields.elapsedMs,
        };
      }),
    );
    expect(summary.phases[0]).toMatchObject({ retries: 1 });
    const results = await readFile(join(out, "results.csv"), "utf8");
    expect(results.trimEnd().split("\r\n")).toHaveLength(61);
  }, 60_000);

  it("a run of an earlier p21kit, which did not record its start: the files say what is unknown", async () => {
    const journalPath = join(fixture.directory, "earlier.db");
    const journal = Journal.open(journalPath);
    const run = journal.createRun({
      kind: "expire",
      options: { sessions: 1, batchSize: 5, retries: 2, out: "out-earlier" },
      inputDigest: "0".repeat(64),
      baseUrl: fixture.simulator.url,
      username: "api_user",
    });
    const [item] = journal.addItems(run.id, "expire", [
      { naturalKey: "7001", input: { price_page_uid: 7001, expiration_date: "2031-03-31" } },
    ]);
    journal.setRunState(run.id, "running");
    journal.markInFlight(item!.id, { batch: 1, session: 1 });
    journal.settle(item!.id, { state: "succeeded" });
    journal.setRunState(run.id, "completed");
    journal.close();

    const resumed = await runInProcess(["resume", run.id, "--journal", journalPath, "--json"], {
      cwd: fixture.directory,
    });
    expect(resumed.exitCode).toBe(0);
    expect(ndjson(resumed.stdout).at(-1)).toMatchObject({ expired: 1, wallMs: null });
    const summary = JSON.parse(
      await readFile(join(fixture.directory, "out-earlier", "summary.json"), "utf8"),
    ) as Record<string, unknown>;
    expect(summary).toMatchObject({ expired: 1, phases: null, wallMs: null });
    const reason = "does not say when the run's last process started";
    expect(summary.unknown).toEqual({
      phases: expect.stringContaining(reason) as unknown,
      wallMs: expect.stringContaining(reason) as unknown,
    });

    const person = await runInProcess(
      ["resume", run.id, "--journal", journalPath, "--out", "out-earlier-2"],
      { cwd: fixture.directory },
    );
    // No made-up time: the line ends with the counts.
    expect(person.stdout).toMatch(/^Run \S+: 1 expired, .*0 failed$/m);
  });
});
