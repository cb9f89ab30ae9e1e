import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { runChild, runInProcess, temporaryDirectory, type CliOutcome } from "./helpers.js";

interface Expectation {
  workflow: "create" | "expire" | "link" | "replace";
  options: { company?: string; expireDate?: string };
  problems: string[];
}

const corpus = resolve(import.meta.dirname, "../fixtures/bad-inputs");
const expected = JSON.parse(readFileSync(resolve(corpus, "expected.json"), "utf8")) as Record<
  string,
  Expectation
>;

describe("the bad-input corpus, through the real CLI", () => {
  let simulator: SimulatorHandle;
  let scratch: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    simulator = await startSimulator({ data: "demo" });
    scratch = await temporaryDirectory();
  });

  afterAll(async () => {
    await simulator.close();
    await scratch.remove();
  });

  it("holds at least 30 files", () => {
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(30);
  });

  function argumentsFor(file: string, expectation: Expectation): string[] {
    return [
      "price-pages",
      expectation.workflow,
      file,
      ...(expectation.options.company === undefined
        ? []
        : ["--company", expectation.options.company]),
      ...(expectation.options.expireDate === undefined
        ? []
        : ["--expire-date", expectation.options.expireDate]),
      "--base-url",
      simulator.url,
      "--username",
      "api_user",
      "--password",
      "api_password",
      "--journal",
      resolve(scratch.path, "journal.db"),
      "--out",
      scratch.path,
    ];
  }

  function expectRefused(file: string, expectation: Expectation, outcome: CliOutcome): void {
    expect(outcome.exitCode).toBe(2);
    const problemLines = outcome.stderr.split("\n").filter((line) => line.startsWith(`${file}:`));
    expect(problemLines).toEqual(expectation.problems);
    expect(outcome.stderr).toContain("nothing was sent to the server");
    expect(outcome.stdout).toBe("");
    // Never reset: no file of the corpus may cause a single request.
    expect(simulator.stats().totalRequests).toBe(0);
  }

  it.each(Object.entries(expected))(
    "%s: exit 2, every problem exactly, zero requests",
    async (file, expectation) => {
      expectRefused(
        file,
        expectation,
        await runInProcess(argumentsFor(file, expectation), { cwd: corpus }),
      );
    },
  );

  // The same through the built command line in a child process, for the files whose bytes
  // matter most (a BOM, invalid UTF-8, another separator, JSON, an empty file).
  it.each(
    [
      "bom-with-bad-supplier.csv",
      "invalid-utf8.csv",
      "semicolon-separated.csv",
      "pages-wrong-types.json",
      "empty.csv",
    ].filter((file) => file in expected),
  )("%s in a child process: exit 2, the same problems, zero requests", async (file) => {
    const expectation = expected[file] as Expectation;
    expectRefused(
      file,
      expectation,
      await runChild(argumentsFor(file, expectation), { cwd: corpus }),
    );
  });
});
