// The package's entry points as a project that installs p21kit imports them: by name, from the
// built package, in a process of their own that lists every module it loads.
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** Imports `specifier` by the package's name; resolves with its export names and the modules loaded. */
async function importInChild(specifier: string): Promise<{ names: string[]; loaded: string[] }> {
  const hook =
    "export async function resolve(specifier, context, next) {" +
    " const result = await next(specifier, context);" +
    ' process.stderr.write("LOADED " + result.url + "\\n"); return result; }';
  const script = `
import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}));
const loaded = await import(process.argv[1]);
console.log(JSON.stringify(Object.keys(loaded)));
`;
  const { stdout, stderr } = await run(
    process.execPath,
    ["--input-type=module", "-e", script, specifier],
    { cwd: process.cwd() },
  );
  const loaded = stderr
    .split("\n")
    .filter((line) => line.startsWith("LOADED "))
    .map((line) => line.slice("LOADED ".length));

  return { names: JSON.parse(stdout) as string[], loaded };
}

describe("the package's entry points", () => {
  it("p21kit/client gives the client without loading the journal, the engine or the simulator", async () => {
    const { names, loaded } = await importInChild("p21kit/client");

    expect(names).toEqual(expect.arrayContaining(["P21Client", "P21Error", "Window"]));
    expect(loaded.filter((url) => /better-sqlite3|fastify|\/dist\/(?!client\/)/.test(url))).toEqual(
      [],
    );
  });

  it("p21kit/simulator gives the simulator without the journal's SQLite driver", async () => {
    const { names, loaded } = await importInChild("p21kit/simulator");

    expect(names).toEqual(expect.arrayContaining(["startSimulator"]));
    expect(
      loaded.filter((url) => /better-sqlite3|\/dist\/(journal|batch|pricing)\//.test(url)),
    ).toEqual([]);
  });

  it("p21kit gives all of it: what both parts export, the engine and the journal", async () => {
    const whole = await importInChild("p21kit");
    const client = await importInChild("p21kit/client");
    const simulator = await importInChild("p21kit/simulator");

    expect(whole.names).toEqual(expect.arrayContaining([...client.names, ...simulator.names]));
    expect(whole.names).toEqual(expect.arrayContaining(["BatchEngine", "Journal"]));
  });

  it("resolves the subpaths' types for a consumer on the older node10 resolution too", async () => {
    const consumer = await mkdtemp(join(tmpdir(), "p21kit-consumer-"));
    try {
      await mkdir(join(consumer, "node_modules"));
      await symlink(process.cwd(), join(consumer, "node_modules", "p21kit"), "dir");
      const file = join(consumer, "index.ts");
      await writeFile(file, "");
      const options = { moduleResolution: ts.ModuleResolutionKind.Node10 };
      // The symbolic link resolves to this checkout: each file named from its root.
      const resolved = ["p21kit", "p21kit/client", "p21kit/simulator"].map((name) => {
        const found = ts.resolveModuleName(name, file, options, ts.sys).resolvedModule;
        return found === undefined ? undefined : relative(process.cwd(), found.resolvedFileName);
      });

      expect(resolved).toEqual([
        "dist/index.d.ts",
        "dist/client/index.d.ts",
        "dist/simulator/index.d.ts",
      ]);
    } finally {
      await rm(consumer, { recursive: true, force: true });
    }
  });
});
