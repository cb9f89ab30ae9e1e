import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** The files `npm pack` puts in the tarball, as paths inside the package. */
async function packedFiles(): Promise<Set<string>> {
  const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
  const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];

  return new Set((pack?.files ?? []).map((file) => file.path));
}

describe("the package", () => {
  it("ships the sources its source maps name, so stack traces and debuggers find them", async () => {
    const files = await packedFiles();
    const maps = [...files].filter((path) => path.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(0);

    const missing = new Set<string>();
    for (const map of maps) {
      const { sources } = JSON.parse(await readFile(map, "utf8")) as { sources: string[] };
      for (const source of sources) {
        const path = normalize(join(dirname(map), source));
        if (!files.has(path)) missing.add(path);
      }
    }

    expect([...missing]).toEqual([]);
  });

  it("ships no tests, benchmarks or journals", async () => {
    const files = [...(await packedFiles())];

    expect(files.filter((path) => /^(test|bench|scripts)\/|\.test\.|\.db$/.test(path))).toEqual([]);
  });
});
