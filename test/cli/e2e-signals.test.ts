import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createReadStream, existsSync, watch } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import {
  cleanEnv,
  cliPath,
  collect,
  connectionTo,
  spawnCli,
  temporaryDirectory,
} from "./helpers.js";
import { screenAfter } from "./terminal-screen.js";

const header =
  "supplier_id,product_group_id,company_id,description,effective_date,expiration_date,calculation_value1";
const groups = ["ABRAS", "ADHES", "BEARNG", "BELTS"];

function pagesCsv(tag: string): string {
  const rows = groups.map(
    (group) => `10030,${group},ACME,${tag} ${group},2052-01-01,2052-12-31,0.6`,
  );

  return [header, ...rows].join("\r\n") + "\r\n";
}

/** Resolves once `path` exists. */
function whenCreated(path: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(join(path, ".."), () => {
      if (!existsSync(path)) return;

      watcher.close();
      resolve();
    });
    if (existsSync(path)) {
      watcher.close();
      resolve();
    }
  });
}

/** Everything written to a named pipe, once its writer closes it. */
function readPipe(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    createReadStream(path, { encoding: "utf8" })
      .on("data", (chunk: string | Buffer) => (text += chunk.toString()))
      .on("end", () => resolve(text))
      .on("error", reject);
  });
}

function shellQuoted(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Starts the built CLI on a pseudo-terminal of its own, through util-linux's `script`: stderr
 * is a terminal, and a Ctrl-C written to the child's stdin reaches the CLI as a person's would.
 */
function spawnCliOnTerminal(args: readonly string[], cwd: string): ChildProcess {
  const command = [process.execPath, cliPath, ...args].map(shellQuoted).join(" ");

  return spawn("script", ["--quiet", "--return", "--command", command, "/dev/null"], {
    cwd,
    env: cleanEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  });
}

describe("signals during a run", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let simulator: SimulatorHandle;
  let slowSimulator: SimulatorHandle;
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    directory = await temporaryDirectory();
    simulator = await startSimulator({ data: "demo" });
    slowSimulator = await startSimulator({ data: "demo", latency: "seed", timeScale: 0.05 });
  });

  afterAll(async () => {
    for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
    await simulator.close();
    await slowSimulator.close();
    await directory.remove();
  });

  it("a SIGINT while the result files are written is handled, and the files are whole", async () => {
    await writeFile(join(directory.path, "pages.csv"), pagesCsv("Signal during files"));
    const out = join(directory.path, "out");
    await mkdir(out);
    const child = spawnCli(
      ["price-pages", "create", "pages.csv", "--out", out, ...connectionTo(simulator.url)],
      { cwd: directory.path },
    );
    started.push(child);
    // errors.csv is written under a name with the process's id, then renamed into place: that
    // name as a named pipe holds its writer in open() until this test reads it, so the run is
    // held inside the writing of its result files for as long as the test needs.
    const written = (name: string) => join(out, `${name}.${String(child.pid)}.tmp`);
    const errorsPipe = written("errors.csv");
    execFileSync("mkfifo", [errorsPipe]);
    const outcome = collect(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: string) => (stderr += chunk));

    // results.csv is written first: once it exists the run is done and its files under way.
    await whenCreated(written("results.csv"));
    child.kill("SIGINT");
    await new Promise<void>((resolve) => {
      child.stderr?.on("data", () => {
        if (stderr.includes("SIGINT: finishing")) resolve();
      });
      child.on("close", () => resolve());
      if (stderr.includes("SIGINT: finishing")) resolve();
    });
    const errors = child.exitCode === null && child.signalCode === null ? readPipe(errorsPipe) : "";

    const { exitCode, signal } = await outcome;
    expect(signal).toBeNull();
    expect(exitCode).toBe(0);
    expect(await errors).toBe(
      "\uFEFFsupplier_id,description,effective_date,calculation_value1,error\r\n",
    );
    const results = (await readFile(join(out, "results.csv"), "utf8")).trimEnd().split("\r\n");
    expect(results).toHaveLength(1 + groups.length);
    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as object;
    expect(summary).toMatchObject({ created: groups.length, failed: 0, exitCode: 0 });
  }, 60_000);

  it("on a terminal, the notice of a Ctrl-C has a row of its own, not wiped by the bars", async () => {
    const rows = groups.flatMap((group) =>
      [2053, 2054, 2055, 2056, 2057].map(
        (year) => `10040,${group},ACME,Notice ${group} ${year},${year}-01-01,${year}-12-31,0.6`,
      ),
    );
    await writeFile(join(directory.path, "notice.csv"), [header, ...rows].join("\r\n") + "\r\n");
    const child = spawnCliOnTerminal(
      [
        "price-pages",
        "create",
        "notice.csv",
        "--sessions",
        "2",
        "--batch-size",
        "4",
        "--out",
        join(directory.path, "notice-out"),
        ...connectionTo(slowSimulator.url),
      ],
      directory.path,
    );
    started.push(child);
    const outcome = collect(child);
    // Once the bars of both sessions are drawn, Ctrl-C, as a person at the terminal would.
    let terminal = "";
    await new Promise<void>((resolve) => {
      child.stdout?.on("data", (chunk: string) => {
        terminal += chunk;
        if (terminal.includes("session 2")) resolve();
      });
      child.on("close", () => resolve());
    });
    child.stdin?.write("\u0003");

    const { exitCode, stdout } = await outcome;
    expect(exitCode).toBe(130);
    const screen = screenAfter(stdout);
    // A row of its own, from its first column: not after the ^C that the terminal echoed.
    const notice = screen.indexOf(
      "SIGINT: finishing the records in hand and ending the sessions… (again to abort at once)",
    );
    expect(notice, screen.join("\n")).toBeGreaterThanOrEqual(0);
    expect(screen[notice + 1]).toMatch(/^create: stopped after .+, \d+ left$/);
    expect(screen.some((row) => row.includes("session 1"))).toBe(false);
  }, 60_000);
});
