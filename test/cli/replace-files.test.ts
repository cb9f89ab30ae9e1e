// Result files written as a set: all new, or the old ones as they were, and nothing left over.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

import { replaceFiles } from "../../src/cli/results/replace-files.js";

describe("replaceFiles", () => {
  let directory = "";
  afterEach(() => rmSync(directory, { recursive: true, force: true }));
  const fresh = () => (directory = mkdtempSync(join(tmpdir(), "p21kit-replace-")));

  it("writes new files and replaces old ones, readable by the owner alone", async () => {
    fresh();
    const results = join(directory, "results.csv");
    writeFileSync(results, "old results, longer than the new ones\n", { mode: 0o644 });

    await replaceFiles([
      { path: results, text: "new\n" },
      { path: join(directory, "summary.json"), text: "{}\n" },
    ]);

    expect(readFileSync(results, "utf8")).toBe("new\n");
    expect(readFileSync(join(directory, "summary.json"), "utf8")).toBe("{}\n");
    expect(readdirSync(directory).sort()).toEqual(["results.csv", "summary.json"]);
    if (process.platform !== "win32") expect(statSync(results).mode & 0o777).toBe(0o600);
  });

  it("leaves every old file as it was when one of the set cannot be written", async () => {
    fresh();
    const results = join(directory, "results.csv");
    writeFileSync(results, "old results\n");
    const unwritable = join(directory, "missing-directory", "summary.json");

    await expect(
      replaceFiles([
        { path: results, text: "new results\n" },
        { path: unwritable, text: "{}\n" },
      ]),
    ).rejects.toMatchObject({ code: "ENOENT" });

    expect(readFileSync(results, "utf8")).toBe("old results\n");
    expect(readdirSync(directory)).toEqual(["results.csv"]);
  });
});
