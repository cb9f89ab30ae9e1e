import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { runChild, temporaryDirectory } from "./helpers.js";

const password = "Pw-7f3a9c1e-NeverPrintMe";

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("the password given to the CLI", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let simulator: SimulatorHandle;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    simulator = await startSimulator({ data: "demo", users: [{ username: "api_user", password }] });
  });

  afterAll(async () => {
    await simulator.close();
    await directory.remove();
  });

  it("never appears in output at the most verbose level, in the journal, or in result files", async () => {
    await writeFile(
      join(directory.path, "pages.csv"),
      "supplier_id,product_group_id,company_id,description,effective_date,expiration_date,calculation_value1\r\n" +
        "10090,ABRAS,ACME,Ironwood ABRAS secret,2050-01-01,2050-12-31,0.6\r\n" +
        "10090,ADHES,ACME,Ironwood ADHES secret,2050-01-01,2050-12-31,0.6\r\n",
    );
    // The second page is refused by the server, so that a failure reaches the result files.
    simulator.injectFault({
      kind: "refuse",
      route: "PUT /api/ui/interactive/v2/change",
      skip: 2,
      count: 1,
    });
    const common = ["--base-url", simulator.url, "--username", "api_user", "--log-level", "trace"];
    const run = await runChild(
      ["price-pages", "create", "pages.csv", "--password", password, ...common],
      {
        cwd: directory.path,
      },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("trace");

    const dry = await runChild(
      ["price-pages", "create", "pages.csv", "--dry-run", "--json", ...common],
      {
        cwd: directory.path,
        env: { P21_PASSWORD: password },
      },
    );
    expect(dry.exitCode).toBe(0);

    const doctor = await runChild(["doctor", ...common, "--password", password], {
      cwd: directory.path,
    });
    expect(doctor.exitCode).toBe(0);

    for (const outcome of [run, dry, doctor]) {
      expect(outcome.stdout).not.toContain(password);
      expect(outcome.stderr).not.toContain(password);
    }

    const files = await filesUnder(directory.path);
    expect(files.some((file) => file.endsWith("journal.db"))).toBe(true);
    expect(files.some((file) => file.endsWith("results.csv"))).toBe(true);
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.includes(Buffer.from(password)), file).toBe(false);
    }
  });
});
