import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/index.js";
import { ndjson, runChild, temporaryDirectory } from "./helpers.js";
import { mayCreateFileIn, runCliWithoutOverride } from "./without-write-access.js";

let directory: { path: string; remove: () => Promise<void> };
const lockedDirectories: string[] = [];

beforeEach(async () => {
  directory = await temporaryDirectory();
});

afterEach(async () => {
  for (const locked of lockedDirectories.splice(0)) chmodSync(locked, 0o755);
  await directory.remove();
});

/** A journal with one finished demo run in `out`, closed, so without -wal or -shm files. */
async function journalOfDemoRun(out: string): Promise<string> {
  const demo = await runChild(["demo", "--pages", "5", "--quiet", "--out", out], {
    cwd: directory.path,
  });
  expect(demo.exitCode, demo.stderr).toBe(0);

  return join(out, "journal.db");
}

/** Makes the journal and its directory read-only, and checks that they are, to the CLI. */
async function lock(journal: string): Promise<void> {
  const parent = join(journal, "..");
  for (const file of [journal, `${journal}-wal`]) if (existsSync(file)) chmodSync(file, 0o444);
  chmodSync(parent, 0o555);
  lockedDirectories.push(parent);

  expect(await mayCreateFileIn(parent)).toBe(false);
}

describe("a journal that may only be read", () => {
  it("lists and shows its runs when it has no -wal or -shm file, and creates none", async () => {
    const journal = await journalOfDemoRun(join(directory.path, "out"));
    expect(existsSync(`${journal}-wal`) || existsSync(`${journal}-shm`)).toBe(false);
    const before = readFileSync(journal);
    await lock(journal);

    const list = await runCliWithoutOverride(["runs", "--journal", journal], directory.path);
    expect(list.stderr).toBe("");
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(/^\S+\s+replace\s+completed\s/m);

    const shown = await runCliWithoutOverride(
      ["runs", "show", "--json", "--journal", journal],
      directory.path,
    );
    expect(shown.exitCode, shown.stderr).toBe(0);
    const [run] = ndjson(shown.stdout);
    expect(run).toMatchObject({
      type: "run",
      state: "completed",
      counts: { total: 15, succeeded: 15, failed: 0, unsettled: 0 },
    });

    expect(existsSync(`${journal}-wal`) || existsSync(`${journal}-shm`)).toBe(false);
    expect(readFileSync(journal).equals(before)).toBe(true);
  }, 60_000);

  it("is refused, with what to do, when its -wal holds writes the file does not have yet", async () => {
    const journal = await journalOfDemoRun(join(directory.path, "out"));
    const reader = Journal.open(journal, { readonly: true });
    const runId = reader.listRuns()[0]?.id ?? "";
    reader.close();
    const copied = join(directory.path, "copied");
    mkdirSync(copied);
    const copy = join(copied, "journal.db");

    // A copy of the journal and its -wal taken while a writer has it open, as a backup may be.
    const writer = Journal.open(journal);
    try {
      writer.appendEvent(runId, { type: "late.write" });
      expect(readFileSync(`${journal}-wal`).length).toBeGreaterThan(0);
      copyFileSync(journal, copy);
      copyFileSync(`${journal}-wal`, `${copy}-wal`);
    } finally {
      writer.close();
    }

    await lock(copy);

    const refused = await runCliWithoutOverride(["runs", "--journal", copy], directory.path);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain(`${copy}-wal`);
    expect(refused.stderr).toContain("copy the journal with its -wal file");
    expect(refused.stderr).not.toMatch(/readonly database|unable to open database file/);

    const refusedJson = await runCliWithoutOverride(
      ["runs", "--json", "--journal", copy],
      directory.path,
    );
    expect(ndjson(refusedJson.stdout)).toMatchObject([
      { type: "error", code: "P21_JOURNAL_WAL_UNREADABLE" },
    ]);

    // What the hint says works, and shows the write that the -wal held.
    const readable = join(directory.path, "readable");
    mkdirSync(readable);
    copyFileSync(copy, join(readable, "journal.db"));
    copyFileSync(`${copy}-wal`, join(readable, "journal.db-wal"));
    const shown = await runCliWithoutOverride(
      ["runs", "show", "--json", "--journal", join(readable, "journal.db")],
      directory.path,
    );
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(ndjson(shown.stdout)[0]).toMatchObject({ events: { "late.write": 1 } });
  }, 60_000);
});
