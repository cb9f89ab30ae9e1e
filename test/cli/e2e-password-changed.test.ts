import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { collect, connectionTo, ndjson, spawnCli, temporaryDirectory } from "./helpers.js";
import { afterSettled, pagesFor } from "./resume-pages.js";

describe("a password changed on the server while a run works (child processes)", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let simulator: SimulatorHandle | undefined;

  beforeAll(async () => {
    directory = await temporaryDirectory();
  });

  afterAll(async () => {
    await simulator?.close();
    await directory.remove();
  });

  it("says to check the password, not the pool, and resume with the new one finishes the run", async () => {
    const statePath = join(directory.path, "server-state.json");
    const before = await startSimulator({
      data: "demo",
      statePath,
      latency: "seed",
      timeScale: 0.02,
    });
    simulator = before;
    await writeFile(join(directory.path, "pages.csv"), pagesFor(10090, "Rotated"));
    const child = spawnCli(
      ["price-pages", "create", "pages.csv", "--json", ...connectionTo(before.url)],
      { cwd: directory.path },
    );
    const outcome = collect(child);

    // The server restarts, its data kept, with another password for the run's user: the
    // run's token is gone with it, and signing in again is refused.
    await afterSettled(child, 4);
    await before.close();
    simulator = await startSimulator({
      port: before.port,
      statePath,
      latency: "seed",
      timeScale: 0.02,
      users: [{ username: "api_user", password: "rotated-password" }],
    });
    const stopped = await outcome;

    expect(stopped.exitCode, stopped.stderr).toBe(3);
    const error = ndjson(stopped.stdout).at(-1);
    expect(error).toMatchObject({ type: "error", code: "P21_SESSIONS_UNAVAILABLE", exitCode: 3 });
    expect(error?.message).toContain("The user name or password is incorrect");
    expect(stopped.stderr).toContain("Check the user and password");
    expect(stopped.stderr).not.toContain("pool is busy");
    const runId = /Resume with: p21kit resume (\S+)/.exec(stopped.stderr)?.[1];
    expect(runId).toBeDefined();

    // A resume with the old password: the run's user is kept (no --username to check), only
    // its password is asked again.
    const resume = (password: string) =>
      collect(
        spawnCli(["resume", String(runId), "--json"], {
          cwd: directory.path,
          env: { P21_PASSWORD: password },
        }),
      );
    const refused = await resume("api_password");
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toContain("Check the password of api_user, the run's user");
    expect(refused.stderr).not.toContain("--username");

    // What the hints say to do works: resume with the new password, each page made once.
    const resumed = await resume("rotated-password");
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const pages = simulator
      .rows("price_page")
      .filter((row) => String(row.description).startsWith("Rotated "));
    expect(pages).toHaveLength(30);
    expect(new Set(pages.map((row) => row.description)).size).toBe(30);
  });
});
