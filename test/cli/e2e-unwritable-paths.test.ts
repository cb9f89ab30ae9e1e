import { mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { connectionTo, runInProcess, temporaryDirectory, type CliOutcome } from "./helpers.js";
import { mayCreateFileIn, runCliWithoutOverride } from "./without-write-access.js";

describe("an --out directory or a --journal that cannot be written", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let simulator: SimulatorHandle;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    simulator = await startSimulator({ data: "demo" });
    await writeFile(
      join(directory.path, "links.csv"),
      "price_book_id,price_page_uid\nDEALER,100049\n",
    );
    // A file where a directory should be: nothing can ever be written below it.
    await writeFile(join(directory.path, "blocker"), "");
  });

  beforeEach(() => simulator.resetStats());

  /** `price-pages link links.csv` with one more flag, against the simulator. */
  const linkWith = (flag: string, value: string) => [
    "price-pages",
    "link",
    "links.csv",
    flag,
    value,
    ...connectionTo(simulator.url),
  ];

  const interactiveRoutes = () =>
    Object.keys(simulator.stats().requests).filter((route) => route.includes("/interactive/"));

  /** Exit 2 with `message`, and not one Interactive request sent. */
  const expectStoppedBeforeSending = (run: CliOutcome, message: string) => {
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(message);
    expect(interactiveRoutes()).toEqual([]);
  };

  /** A directory that may not be written, checked to be so for the CLI (root included). */
  const readOnlyDirectory = async (name: string) => {
    const path = join(directory.path, name);
    mkdirSync(path, { mode: 0o555 });
    expect(await mayCreateFileIn(path)).toBe(false);
    return path;
  };

  afterAll(async () => {
    await simulator.close();
    await directory.remove();
  });

  it("stops the command with exit 2 before a run is recorded or anything is written", async () => {
    const links = simulator.rows("price_book_x_page").length;

    const run = await runInProcess(linkWith("--out", "blocker/out"), { cwd: directory.path });
    expectStoppedBeforeSending(run, "the result files cannot be written to");
    expect(run.stderr).toContain("nothing was sent to the server");
    expect(simulator.rows("price_book_x_page").length).toBe(links);

    const runs = await runInProcess(["runs"], { cwd: directory.path });
    expect(runs.stdout).toContain("No runs yet");
  });

  it("stops the command with exit 2 when the journal cannot be made, not as a full disk", async () => {
    const run = await runInProcess(linkWith("--journal", "blocker/j.db"), {
      cwd: directory.path,
    });
    expectStoppedBeforeSending(
      run,
      `the journal cannot be made at ${join(directory.path, "blocker", "j.db")} (EEXIST)`,
    );
    expect(run.stderr).toContain("nothing was sent to the server");
    expect(run.stderr).not.toContain("full disk");
  });

  it("stops it as well when --journal names a directory", async () => {
    mkdirSync(join(directory.path, "a-directory"));

    const run = await runInProcess(linkWith("--journal", "a-directory"), { cwd: directory.path });
    expectStoppedBeforeSending(
      run,
      `the journal cannot be made at ${join(directory.path, "a-directory")} (EISDIR)`,
    );
    expect(run.stderr).not.toContain("full disk");
  });

  it("stops it as well when the directory is there but may not be written", async () => {
    const readOnly = await readOnlyDirectory("read-only");

    const run = await runCliWithoutOverride(linkWith("--out", "read-only"), directory.path);
    expectStoppedBeforeSending(run, `the result files cannot be written to ${readOnly} (EACCES)`);
  });

  it("stops it before a run is recorded when the journal's run locks cannot be made", async () => {
    // A file where the directory of run locks (JOURNAL.locks) should be.
    await writeFile(join(directory.path, "locked-out.db.locks"), "");

    const run = await runInProcess(linkWith("--journal", "locked-out.db"), {
      cwd: directory.path,
    });
    expectStoppedBeforeSending(
      run,
      `the run lock cannot be made at ${join(directory.path, "locked-out.db.locks")} (EEXIST)`,
    );
    expect(run.stderr).toContain("nothing was sent to the server");
    expect(run.stderr).not.toContain("unexpected error");
    const runs = await runInProcess(["runs", "--journal", "locked-out.db"], {
      cwd: directory.path,
    });
    expect(runs.stdout).toContain("No runs yet");
  });

  it("stops it as well when the directory of run locks is there but may not be written", async () => {
    const locks = await readOnlyDirectory("shut-out.db.locks");

    const run = await runCliWithoutOverride(linkWith("--journal", "shut-out.db"), directory.path);
    expectStoppedBeforeSending(run, `the run lock cannot be made at ${locks} (EACCES)`);
  });
});
