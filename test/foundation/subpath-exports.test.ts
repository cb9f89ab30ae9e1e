// The package's entry points as a project that installs p21kit imports them: by name, from the
// built package, in a process of their own that lists every module it loads.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
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
});
