// `resume` of a run whose server does not answer: the run keeps its server (a different
// `--base-url` is refused), so the hint names that server and a check of it, not --base-url.
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordPendingRun } from "./recorded-run.js";
import { runChild, temporaryDirectory } from "./helpers.js";

/** An address nothing listens on: a port taken from the system, then let go. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));

  return `http://127.0.0.1:${port}`;
}

describe("resume of a run whose server is down (child processes)", () => {
  let directory: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    directory = await temporaryDirectory();
  });

  afterAll(async () => {
    await directory.remove();
  });

  it("names the run's server and the doctor command that checks it, and leaves the run to resume", async () => {
    const baseUrl = await closedPortUrl();
    const journalPath = join(directory.path, "journal.db");
    const runId = recordPendingRun(journalPath, baseUrl);
    const cli = (args: string[]) =>
      runChild([...args, "--journal", journalPath], {
        cwd: directory.path,
        env: { P21_PASSWORD: "api_password" },
      });

    const resumed = await cli(["resume", runId]);

    expect(resumed.exitCode).toBe(3);
    expect(resumed.stderr).toContain("ECONNREFUSED");
    expect(resumed.stderr).not.toContain("--base-url and");
    const doctor = `p21kit doctor --base-url ${baseUrl} --username api_user`;
    expect(resumed.stderr).toContain(`Check that the run's server ${baseUrl} is reachable`);
    expect(resumed.stderr).toContain(`\`${doctor}\` checks each step`);

    // The command the hint gives checks that server: its sign-in fails there.
    const checked = await cli(doctor.split(" ").slice(1));
    expect(checked.exitCode).toBe(3);
    expect(checked.stdout).toMatch(/^fail\s+token\s.*ECONNREFUSED/m);

    const listed = await cli(["runs", "--json"]);
    expect(listed.stdout).toContain(`"id":"${runId}"`);
    expect(listed.stdout).toContain('"state":"pending"');
  });
});
