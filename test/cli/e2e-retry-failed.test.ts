import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordPendingRun } from "./recorded-run.js";
import { demoFixture } from "./demo-fixture.js";
import { ndjson, runChild } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";

describe("retry-failed end to end (child processes against the simulator)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  it("retry-failed runs only the failed records, as a new run", async () => {
    await writePagesCsv(fixture.directory, "flaky.csv", [
      "10050,ABRAS,ACME,Eastgate ABRAS flaky,2050-01-01,2050-12-31,0.7",
      "10050,ADHES,ACME,Eastgate ADHES flaky,2050-01-01,2050-12-31,0.7",
    ]);
    fixture.simulator.injectFault({
      kind: "http500",
      route: "PUT /api/ui/interactive/v2/data",
      count: 2,
    });
    const first = await cli(["price-pages", "create", "flaky.csv", "--retries", "0", "--json"]);
    expect(first.exitCode).toBe(1);
    const firstSummary = ndjson(first.stdout).at(-1) as { runId: string; failed: number };
    expect(firstSummary.failed).toBeGreaterThan(0);

    fixture.simulator.resetStats();
    const retry = await cli(["retry-failed", firstSummary.runId, "--json"]);
    expect(retry.exitCode).toBe(0);
    const retrySummary = ndjson(retry.stdout).at(-1) as { runId: string; created: number };
    expect(retrySummary.runId).not.toBe(firstSummary.runId);

    const pages = fixture.simulator
      .rows("price_page")
      .filter((row) => String(row.description).endsWith(" flaky"));
    expect(pages).toHaveLength(2);

    const show = await runChild(["runs", "show", retrySummary.runId, "--json"], {
      cwd: fixture.directory,
    });
    expect(show.exitCode).toBe(0);
    expect(ndjson(show.stdout)[0]).toMatchObject({ parentRunId: firstSummary.runId });
  });

  it("resume refuses a finished run and points to retry-failed, which alone takes the latest run with failures", async () => {
    await writePagesCsv(fixture.directory, "unlucky.csv", [
      "10080,ABRAS,ACME,Foxley ABRAS unlucky,2051-01-01,2051-12-31,0.7",
      "10080,ADHES,ACME,Foxley ADHES unlucky,2051-01-01,2051-12-31,0.7",
    ]);
    fixture.simulator.injectFault({
      kind: "http500",
      route: "PUT /api/ui/interactive/v2/data",
      count: 2,
    });
    const failed = await cli(["price-pages", "create", "unlucky.csv", "--retries", "0"]);
    expect(failed.exitCode).toBe(1);
    const failedId = /^Run (\S+):/m.exec(failed.stdout)?.[1] ?? "";
    expect(failedId).not.toBe("");

    const resumeFailed = await cli(["resume", failedId]);
    expect(resumeFailed.exitCode).toBe(2);
    expect(resumeFailed.stderr).toContain(`run ${failedId} is finished (completed)`);
    expect(resumeFailed.stderr).toContain(
      `Retry its failed records: p21kit retry-failed ${failedId}`,
    );

    // A run that succeeds comes after it; with no run given, retry-failed still takes the
    // latest run with failures.
    await writePagesCsv(fixture.directory, "lucky.csv", [
      "10080,BEARNG,ACME,Foxley BEARNG lucky,2051-01-01,2051-12-31,0.7",
    ]);
    expect((await cli(["price-pages", "create", "lucky.csv"])).exitCode).toBe(0);
    const retried = await cli(["retry-failed"]);
    expect(retried.exitCode).toBe(0);
    expect(retried.stderr).toContain(`Retrying the failed records of run ${failedId}`);
    const ours = fixture.simulator
      .rows("price_page")
      .filter((row) => String(row.description).endsWith(" unlucky"));
    expect(ours).toHaveLength(2);
    const retryId = /^Run (\S+):/m.exec(retried.stdout)?.[1] ?? "";
    expect(retryId).not.toBe("");

    const nothingToRetry = await cli(["retry-failed", retryId]);
    expect(nothingToRetry.exitCode).toBe(2);
    expect(nothingToRetry.stderr).toContain(`run ${retryId} has no failed records`);
    const resumeDone = await cli(["resume", retryId]);
    expect(resumeDone.exitCode).toBe(2);
    expect(resumeDone.stderr).toContain("nothing to resume");
    expect(resumeDone.stderr).not.toContain("Retry its failed records");
  });

  it("retry-failed of an unfinished run without failures says it has none, and to resume it", async () => {
    const journalPath = join(fixture.directory, "unfinished.db");
    const runId = recordPendingRun(journalPath, fixture.simulator.url);

    const retry = await cli(["retry-failed", "--journal", journalPath]);

    expect(retry.exitCode).toBe(2);
    expect(retry.stderr).toContain(
      `run ${runId} is unfinished (pending) and has no failed records`,
    );
    expect(retry.stderr).not.toContain("retrying its failures");
    expect(retry.stderr).toContain(
      `Resume it with: p21kit resume ${runId} --journal ${journalPath}`,
    );
  });

  it("retry-failed without a run takes the latest failures not yet retried", async () => {
    await writePagesCsv(fixture.directory, "retried.csv", [
      "10050,CUTTL,ACME,Echo CUTTL retried,2061-01-01,2061-12-31,0.7",
    ]);
    // A journal of its own: the runs of the other tests have failures of their own.
    const own = (args: string[]) => cli([...args, "--journal", "retried.db"]);
    fixture.simulator.injectFault({ kind: "refuse", route: "PUT /api/ui/interactive/v2/change" });
    const first = await own(["price-pages", "create", "retried.csv", "--out", "out-retried"]);
    expect(first.exitCode).toBe(1);

    const retried = await own(["retry-failed"]);
    expect(retried.exitCode).toBe(0);
    const runsBefore = ndjson((await own(["runs", "--json"])).stdout).length;

    // The failures of the first run were retried: nothing is left to retry.
    const again = await own(["retry-failed"]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain("has no failed records");
    expect(ndjson((await own(["runs", "--json"])).stdout)).toHaveLength(runsBefore);
  });

  it("a replace whose expiration failed creates nothing for that pair; retry-failed finishes it", async () => {
    const old = fixture.simulator
      .rows("price_page")
      .find((row) => row.supplier_id === 10130 && row.row_status_flag === 704);
    if (old === undefined) throw new Error("the demo data has an active page of 10130");
    const oldUid = Number(old.price_page_uid);
    const group = String(old.product_group_id);
    // The new page starts while the old one runs, so the old one is expired the day before.
    const day = 86_400_000;
    const oldStart = Date.parse(`${String(old.effective_date).slice(0, 10)}T00:00:00Z`);
    const start = new Date(oldStart + 2 * day).toISOString().slice(0, 10);
    const dayBefore = new Date(oldStart + day).toISOString().slice(0, 10);
    await writePagesCsv(fixture.directory, "replace-unlucky.csv", [
      `10130,${group},ACME,Ivy ${group} replace unlucky,${start},2099-12-31,0.6`,
    ]);
    const replace = ["price-pages", "replace", "replace-unlucky.csv", "--books", "RETAIL"];
    const ours = () =>
      fixture.simulator
        .rows("price_page")
        .filter((row) => row.description === `Ivy ${group} replace unlucky`);
    // The expire phase saves first: its one save fails, and with no retries the expiration
    // fails, so the new page of that pair is held back.
    fixture.simulator.injectFault({
      kind: "http500",
      route: "PUT /api/ui/interactive/v2/data",
      count: 1,
    });
    const first = await cli([...replace, "--retries", "0", "--json"]);
    expect(first.exitCode).toBe(1);
    expect(ndjson(first.stdout).at(-1)).toMatchObject({ expired: 0, created: 0, failed: 2 });
    expect(ours()).toEqual([]);

    const retried = await cli(["retry-failed", "--json"]);
    expect(retried.exitCode).toBe(0);
    expect(ndjson(retried.stdout).at(-1)).toMatchObject({
      expired: 1,
      created: 1,
      linked: 1,
      failed: 0,
    });
    const expired = fixture.simulator
      .rows("price_page")
      .find((row) => row.price_page_uid === oldUid);
    expect(String(expired?.expiration_date).slice(0, 10)).toBe(dayBefore);
    expect(ours()).toHaveLength(1);

    const again = await cli([...replace, "--json"]);
    expect(again.exitCode).toBe(0);
    expect(ndjson(again.stdout).at(-1)).toMatchObject({ expired: 0, created: 0, linked: 0 });
    expect(ours()).toHaveLength(1);
  });
});
