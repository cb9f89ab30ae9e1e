import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

import { startSimulator } from "../../src/simulator/index.js";
import type { SimulatorHandle } from "../../src/simulator/index.js";
import { connectionTo } from "../cli/helpers.js";

const readmeUrl = new URL("../../README.md", import.meta.url);
const cliEntry = new URL("../../dist/cli/main.js", import.meta.url).pathname;

let simulator: SimulatorHandle | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

/** The text under a heading, up to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const level = heading.indexOf(" ");
  const lines = markdown.split("\n");
  const first = lines.indexOf(heading);
  if (first < 0) throw new Error(`the README has no section "${heading}"`);

  let fenced = false;
  const body: string[] = [];
  for (const line of lines.slice(first + 1)) {
    if (line.startsWith("```")) fenced = !fenced;
    const depth = /^(#+) /.exec(line)?.[1]?.length;
    if (!fenced && depth !== undefined && depth <= level) break;

    body.push(line);
  }

  return body.join("\n");
}

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
}

function runBash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function runCliIn(cwd: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

function runCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(stdout));
  });
}

describe("the README", () => {
  it("walks through token, session, expire, create, link and OData with curl, as written", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    const blocks = shellBlocks(section(readme, "### Walk-through with curl"));
    expect(blocks[0]).toContain("p21kit simulator --data demo");
    simulator = await startSimulator({ data: "demo" });

    // The first block starts the simulator; this test has started one on a free port instead.
    const script = ["set -euo pipefail", ...blocks.slice(1)]
      .join("\n")
      .replaceAll("http://127.0.0.1:8021", simulator.url);
    const { code, stdout, stderr } = await runBash(script);

    expect(stderr).toBe("");
    expect(code).toBe(0);
    const pages = simulator.rows("price_page");
    const expired = pages.filter((page) => page.expiration_date === "2026-12-31T00:00:00");
    const created = pages.filter((page) => page.description === "Acme Fasteners FASTN 2027");
    expect(expired).toHaveLength(1);
    expect(created).toHaveLength(1);
    const createdUid = created[0]?.price_page_uid;
    expect(stdout).toContain(String(createdUid));
    const links = simulator.rows("price_book_x_page");
    expect(links.filter((link) => link.price_page_uid === createdUid)).toEqual([
      expect.objectContaining({ price_book_id: "RETAIL" }),
    ]);
  });

  it("documents every command of p21kit, each with an example", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    const help = await runCli(["--help"]);
    const commands = [...help.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
      .map((match) => match[1] ?? "")
      .filter((name) => name !== "help");
    expect(commands.length).toBeGreaterThanOrEqual(6);

    for (const command of commands) {
      expect(readme, command).toMatch(new RegExp(`#### \`${command}`));
      expect(readme, command).toMatch(new RegExp(`\\bp21kit ${command}\\b`));
    }
  });

  it("runs every price-pages example of the commands, in order, on the demo data (exit 0)", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    const examples = [...section(readme, "### Commands").matchAll(/^p21kit (price-pages .*)$/gm)]
      .map((match) => match[1] ?? "")
      .map((line) => line.split(/\s+/));
    expect(examples.length).toBeGreaterThanOrEqual(8);
    simulator = await startSimulator({ data: "demo" });
    const work = await mkdtemp(join(tmpdir(), "p21kit-readme-"));
    const repository = fileURLToPath(new URL("../..", import.meta.url));

    try {
      for (const args of examples) {
        const outcome = await runCliIn(repository, [
          ...args,
          ...connectionTo(simulator.url),
          "--journal",
          join(work, "journal.db"),
          "--out",
          join(work, `out-${examples.indexOf(args)}`),
          "--quiet",
        ]);
        expect({ args, ...outcome }).toMatchObject({ args, code: 0 });
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("shows the validation problems as p21kit prints them", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    const validation = section(readme, "#### Validation");
    const firstBlock = /```\n([\s\S]*?)```/.exec(validation)?.[1] ?? "";
    const shown = firstBlock.trim().split("\n");
    expect(shown).toHaveLength(3);
    // Rows 3, 4 and 7 as the README's lines say, and a column p21kit does not read.
    const rows = [
      "ACME,10010,ABRAS,Acme ABRAS 2027,2027-01-01,Multiplier,0.5,",
      "ACME,10010,ADHES,Acme ADHES 2027,2027-02-30,Multiplier,0.5,",
      "ACME,10010,BEARNG,Acme BEARNG 2027,2027-01-01,229,0.5,",
      "ACME,10010,CHAIN,Acme CHAIN 2027,2027-01-01,Multiplier,0.5,",
      "ACME,10010,CUTTL,Acme CUTTL 2027,2027-01-01,Multiplier,0.5,",
      "ACME,10010,ABRAS,Acme ABRAS 2027,2027-01-01,Multiplier,0.5,",
    ];
    const header =
      "company_id,supplier_id,product_group_id,description,effective_date,calculation_method_cd,calculation_value1";
    const work = await mkdtemp(join(tmpdir(), "p21kit-readme-"));
    try {
      await writeFile(
        join(work, "pages.csv"),
        [header, ...rows.map((row) => row.slice(0, -1))].join("\n"),
      );
      await writeFile(join(work, "notes.csv"), `${header},note\n${rows[0] ?? ""}a note\n`);
      // Nothing is sent: no server is needed to be told.
      const offline = ["--base-url", "http://127.0.0.1:9", "-u", "api_user", "-p", "x"];
      const pages = await runCliIn(work, ["price-pages", "create", "pages.csv", ...offline]);
      const notes = await runCliIn(work, ["price-pages", "create", "notes.csv", ...offline]);

      expect(pages.code).toBe(2);
      expect(pages.stderr.split("\n").slice(0, 3)).toEqual(shown);
      const unknownColumn = notes.stderr.split("\n")[0]?.replace("notes.csv", "pages.csv");
      expect(validation).toContain(`(\`${unknownColumn}\`)`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("gives the two-command quickstart", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    const quickstart = section(readme, "## Quickstart");

    expect(quickstart).toContain("npm install && npm start");
    expect(quickstart).toContain("npm install && npm test");
  });
});
