import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO, startSimulator } from "../../src/simulator/index.js";

const exampleUrl = new URL("../../examples/library-example.ts", import.meta.url);
const clientEntryUrl = new URL("../../src/client/index.ts", import.meta.url);
const libraryGuideUrl = new URL("../../README.md", import.meta.url);

let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

function run(
  file: string,
  baseUrl: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      env: { ...process.env, P21_BASE_URL: baseUrl, NODE_DEBUG: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), 25_000);
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("the library example", () => {
  it("names the demo data's company and its pair without price pages", async () => {
    const source = await readFile(exampleUrl, "utf8");

    expect(source).toContain(`const COMPANY = "${DEMO.companyId}";`);
    expect(source).toContain(`const PRODUCT_GROUP = "${DEMO.example.productGroupId}";`);
    expect(source).toContain(`const SUPPLIER = "${DEMO.example.supplierId}";`);
  });

  it("is shown in the README as it is written", async () => {
    const source = await readFile(exampleUrl, "utf8");
    const guide = await readFile(libraryGuideUrl, "utf8");
    const code = source.slice(source.indexOf("import "));

    expect(guide).toContain("```ts\n" + code + "```\n");
  });

  it("runs as written against the simulator with demo data, creating one page", async () => {
    const simulator = await startSimulator({ data: "demo" });
    const directory = await mkdtemp(join(tmpdir(), "p21kit-example-"));
    cleanup = async () => {
      await simulator.close();
      await rm(directory, { recursive: true, force: true });
    };
    const source = await readFile(exampleUrl, "utf8");
    expect(source).toContain('from "p21kit";');
    const runnable = join(directory, "library-example.mts");
    await writeFile(
      runnable,
      source.replace('from "p21kit";', `from ${JSON.stringify(clientEntryUrl.href)};`),
    );
    const pagesBefore = simulator.rows("price_page").length;

    const { code, stdout, stderr } = await run(pathToFileURL(runnable).pathname, simulator.url);

    expect(stderr).toBe("");
    expect(code).toBe(0);
    const [keyLine = "", rowsLine = "[]"] = stdout.trim().split("\n");
    const generatedKey = Number(keyLine);
    expect(Number.isInteger(generatedKey)).toBe(true);
    const rows = JSON.parse(rowsLine) as { price_page_uid: number; description: string }[];
    expect(rows).toMatchObject([
      {
        price_page_uid: generatedKey,
        description: "Example page",
        product_group_id: DEMO.example.productGroupId,
        expiration_date: null,
        row_status_flag: 704,
      },
    ]);
    expect(simulator.rows("price_page")).toHaveLength(pagesBefore + 1);
    expect(simulator.stats().sessionsOpen).toBe(0);
  });
});
