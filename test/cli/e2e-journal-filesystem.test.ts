import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { cleanEnv, cliPath, collect, ndjson, runChild, type CliOutcome } from "./helpers.js";
import { mayCreateFileIn, runCliWithoutOverride } from "./without-write-access.js";

const repository = resolve(import.meta.dirname, "../..");

/**
 * Runs the built CLI in `cwd` with an empty FUSE file system mounted at `mountPoint`, in a user
 * namespace of its own (see fuse-child.ts); exit 77 when this machine cannot mount one so.
 */
async function runCliOnFuse(mountPoint: string, args: readonly string[], cwd: string) {
  const fuse = ["--import", "tsx", "test/cli/fuse-child.ts", mountPoint, cwd];
  const cli = [process.execPath, cliPath, ...args];
  const child = spawn("unshare", ["-Urm", process.execPath, ...fuse, ...cli], {
    cwd: repository,
    env: cleanEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });

  // A file system answered by a process of the test's own must never hold the suite: one that
  // stops answering (or an unmount that waits) ends the namespace, and the test fails.
  const stuck = setTimeout(() => child.kill("SIGKILL"), 20_000);
  // No unshare here: no FUSE file system either.
  const notRun: CliOutcome = { exitCode: 77, signal: null, stdout: "", stderr: "" };
  return collect(child)
    .catch(() => notRun)
    .finally(() => clearTimeout(stuck));
}

describe("the journal's disk, in the runs' warnings and in doctor", () => {
  const fixture = demoFixture();

  beforeAll(async () => {
    await writeFile(
      join(fixture.directory, "links.csv"),
      "price_book_id,price_page_uid\nDEALER,100049\n",
    );
  });

  const doctor = (extra: string[], cwd = fixture.directory) =>
    runChild(["doctor", ...fixture.connection, "--json", ...extra], { cwd });

  /** The journal check of a `doctor --json` outcome. */
  const journalCheck = (outcome: CliOutcome) => {
    const checks = ndjson(outcome.stdout).filter((line) => line.type === "check");
    expect(checks.at(-1)?.check).toBe("journal");
    return checks.at(-1) as { verdict: string; detail: string; action?: string };
  };

  it("reports a journal not made yet on a local disk as ok, and makes nothing", async () => {
    const fresh = join(fixture.directory, "fresh");
    mkdirSync(fresh);

    const outcome = await doctor([], fresh);

    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(journalCheck(outcome)).toMatchObject({
      verdict: "ok",
      detail: `${join(fresh, ".p21kit", "journal.db")} on a local disk, not made yet (the first run makes it)`,
    });
    expect(existsSync(join(fresh, ".p21kit"))).toBe(false);
  });

  it("prints no warning about a journal on a local disk, and doctor then finds it there", async () => {
    const link = ["price-pages", "link", "links.csv", ...fixture.connection];
    const run = await runChild(link, { cwd: fixture.directory });

    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/^warn /m);
    expect(run.stderr).not.toContain("file system");

    const outcome = await doctor([]);
    expect(journalCheck(outcome)).toMatchObject({
      verdict: "ok",
      detail: `${join(fixture.directory, ".p21kit", "journal.db")} on a local disk`,
    });
  });

  it("warns of a --journal in a directory that may not be written, and still exits 0", async () => {
    const readOnly = join(fixture.directory, "read-only");
    mkdirSync(readOnly, { mode: 0o555 });
    expect(await mayCreateFileIn(readOnly)).toBe(false);

    const args = ["doctor", ...fixture.connection, "--journal", "read-only/j.db"];
    const outcome = await runCliWithoutOverride([...args, "--json"], fixture.directory);

    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(journalCheck(outcome)).toMatchObject({
      verdict: "warn",
      detail: `${readOnly} is not a directory this user may write: a run would stop before it sends anything`,
      action: "give --journal a file in a directory this user may write",
    });

    const human = await runCliWithoutOverride(args, fixture.directory);
    expect(human.stdout).toMatch(/^warn\s+journal\s+.*read-only is not a directory/m);
    expect(human.stdout).toMatch(/^ready, with \d+ warnings?$/m);
  });

  it("warns of a journal that is there but may not be written", async () => {
    const journal = join(fixture.directory, "read-only.db");
    await writeFile(journal, "", { mode: 0o444 });

    const outcome = await runCliWithoutOverride(
      ["doctor", ...fixture.connection, "--journal", "read-only.db", "--json"],
      fixture.directory,
    );

    expect(journalCheck(outcome)).toMatchObject({
      verdict: "warn",
      detail: `${journal} may not be written: a run would stop before it sends anything`,
      action: "fix its permissions, or give --journal a file this user may write",
    });
  });

  // Known limit: this file system holds no journal, so the warning of `resume` and
  // `retry-failed` (which open one that is there) is not run here; theirs is the same function.
  describe("on a FUSE file system, which may be a network one", () => {
    let mountPoint: string;
    let mountable = false;
    const unmountable = "no FUSE file system can be mounted in a user namespace here";

    beforeAll(async () => {
      mountPoint = join(fixture.directory, "share");
      mkdirSync(mountPoint);
      const probe = await runCliOnFuse(mountPoint, ["--version"], fixture.directory);
      mountable = probe.exitCode === 0;
    });

    const interactiveRoutes = () =>
      Object.keys(fixture.simulator.stats().requests).filter((route) =>
        route.includes("/interactive/"),
      );

    it("warns before anything is sent, and leaves the run to go on", async ({ skip }) => {
      if (!mountable) skip(unmountable);
      fixture.simulator.resetStats();
      const journal = join(mountPoint, "journal.db");

      const run = await runCliOnFuse(
        mountPoint,
        ["price-pages", "link", "links.csv", "--journal", journal, ...fixture.connection],
        fixture.directory,
      );

      const warning = `warn the journal ${journal} is on a FUSE file system, which may be a network one: SQLite's WAL and the run lock are not reliable there, and two machines could send a run's records twice; keep --journal on a local disk`;
      expect(run.stderr.split("\n")).toContain(warning);
      // The warning refuses nothing: this file system refuses the journal's file itself.
      expect(run.stderr).toContain(`the journal cannot be made at ${journal} (EACCES)`);
      expect(run.stderr.indexOf(warning)).toBeLessThan(run.stderr.indexOf("cannot be made"));
      expect(run.exitCode, run.stderr).toBe(2);
      expect(interactiveRoutes()).toEqual([]);
    });

    it("keeps the warning off stdout with --json", async ({ skip }) => {
      if (!mountable) skip(unmountable);
      const journal = join(mountPoint, "journal.db");

      const run = await runCliOnFuse(
        mountPoint,
        ["price-pages", "link", "links.csv", "--journal", journal, "--json", ...fixture.connection],
        fixture.directory,
      );

      expect(run.stderr).toMatch(/^warn the journal .* is on a FUSE file system/m);
      expect(run.stdout).not.toContain("FUSE");
      expect(() => ndjson(run.stdout)).not.toThrow();
    });

    it("makes doctor warn of the journal there, with the reason", async ({ skip }) => {
      if (!mountable) skip(unmountable);
      const journal = join(mountPoint, "p21", "journal.db");

      const outcome = await runCliOnFuse(
        mountPoint,
        ["doctor", ...fixture.connection, "--journal", journal, "--json"],
        fixture.directory,
      );

      expect(outcome.exitCode, outcome.stderr).toBe(0);
      expect(journalCheck(outcome)).toMatchObject({
        verdict: "warn",
        detail: `${journal} is on a FUSE file system, which may be a network one: SQLite's WAL and the run lock are not reliable there, and two machines could send a run's records twice`,
        action: "keep --journal on a local disk",
      });
    });
  });
});
