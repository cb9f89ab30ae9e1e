// A signal before the run has started (while the plan asks the server) ends the command as any
// stop does: exit 130, a message that nothing was written, and an error event with --json.
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordPendingRun } from "./recorded-run.js";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import {
  collect,
  connectionTo,
  ndjson,
  runChild,
  spawnCli,
  temporaryDirectory,
} from "./helpers.js";

const pages = [
  "supplier_id,product_group_id,company_id,description,effective_date,calculation_value1",
  "10030,ABRAS,ACME,Stopped in the plan,2058-01-01,0.6",
].join("\r\n");

describe("a signal while the plan asks the server", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let simulator: SimulatorHandle;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    // Every OData query takes a minute: the plan is still asking when the signal comes.
    simulator = await startSimulator({ data: "demo", latency: { odata: 60_000 } });
    await writeFile(join(directory.path, "pages.csv"), `${pages}\r\n`);
  });

  afterAll(async () => {
    await simulator.close();
    await directory.remove();
  });

  /** Starts a create, and sends `signal` once it has signed in (its plan under way). */
  async function stoppedInThePlan(signal: NodeJS.Signals, extra: string[] = []) {
    const signedIn = new Promise<void>((resolve) => {
      simulator.on("request", (info) => {
        if (info.route.startsWith("POST /api/security/token")) resolve();
      });
    });
    const journal = join(directory.path, `${signal}.db`);
    const child = spawnCli(["price-pages", "create", "pages.csv", "--journal", journal, ...extra], {
      cwd: directory.path,
    });
    child.stdout?.setEncoding("utf8");
    const outcome = collect(child);
    await signedIn;
    child.kill(signal);

    return { ...(await outcome), journal };
  }

  it("SIGTERM: exit 130, nothing sent, no run recorded", async () => {
    simulator.resetStats();
    const { exitCode, signal, stderr, journal } = await stoppedInThePlan("SIGTERM", [
      ...connectionTo(simulator.url),
    ]);

    expect(signal).toBeNull();
    expect(exitCode).toBe(130);
    expect(stderr).toContain("stopped by SIGTERM before the run was recorded");
    expect(stderr).toContain("Nothing was written to the server");
    const interactive = Object.keys(simulator.stats().requests).filter((route) =>
      route.includes("/api/ui/interactive/"),
    );
    expect(interactive).toEqual([]);
    const runs = await runChild(["runs", "--journal", journal, "--json"], {
      cwd: directory.path,
    });
    expect(ndjson(runs.stdout).filter((line) => line.type === "run")).toEqual([]);
  }, 60_000);

  it("SIGINT with --json: the error event carries exit code 130", async () => {
    const { exitCode, stdout } = await stoppedInThePlan("SIGINT", [
      "--json",
      ...connectionTo(simulator.url),
    ]);

    expect(exitCode).toBe(130);
    expect(ndjson(stdout).at(-1)).toMatchObject({
      type: "error",
      code: "P21_STOPPED",
      exitCode: 130,
    });
  }, 60_000);
});

describe("a signal while resume signs in", () => {
  it("ends with 130, the run left to resume", async () => {
    const directory = await temporaryDirectory();
    // A server that takes the connection and never answers: resume is held in its sign-in.
    let onConnection = (): void => {};
    const connected = new Promise<void>((resolve) => (onConnection = resolve));
    const server: Server = createServer(() => onConnection());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const journalPath = join(directory.path, "journal.db");
    const runId = recordPendingRun(journalPath, `http://127.0.0.1:${port}`);

    try {
      const child = spawnCli(["resume", runId, "--journal", journalPath], {
        cwd: directory.path,
        env: { P21_PASSWORD: "api_password" },
      });
      const outcome = collect(child);
      await connected;
      child.kill("SIGTERM");
      const { exitCode, signal, stderr } = await outcome;

      expect(signal).toBeNull();
      expect(exitCode).toBe(130);
      expect(stderr).toContain("stopped by SIGTERM before the run was resumed");
      expect(stderr).toContain(`Resume with: p21kit resume ${runId}`);
    } finally {
      server.close();
      await directory.remove();
    }
  }, 60_000);
});
