import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { P21Client } from "../../src/client/index.js";
import { Journal, digestInput } from "../../src/journal/index.js";
import { DEMO, startSimulator } from "../../src/simulator/index.js";
import type { CommitInfo, SimulatorHandle } from "../../src/simulator/index.js";

const exampleUrl = new URL("../../examples/engine-example.ts", import.meta.url);
const entryUrl = new URL("../../src/index.ts", import.meta.url);
const readmeUrl = new URL("../../README.md", import.meta.url);
const suffix = " (reviewed)";

let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

interface Setting {
  simulator: SimulatorHandle;
  journalPath: string;
  /** The supplier's saved pages, by uid, while the example runs. */
  commits: number[];
  run: () => Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** The demo simulator, a journal path, and the example made to import p21kit's sources. */
async function setUp(): Promise<Setting> {
  const simulator = await startSimulator({ data: "demo" });
  const directory = await mkdtemp(join(tmpdir(), "p21kit-engine-example-"));
  cleanup = async () => {
    await simulator.close();
    await rm(directory, { recursive: true, force: true });
  };
  const source = await readFile(exampleUrl, "utf8");
  const runnable = join(directory, "engine-example.mts");
  await writeFile(
    runnable,
    source.replace('from "p21kit";', `from ${JSON.stringify(entryUrl.href)};`),
  );
  const journalPath = join(directory, "journal.db");
  const commits: number[] = [];
  simulator.on("committed", (info: CommitInfo) => commits.push(Number(info.key.price_page_uid)));

  const run = () =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", runnable], {
        env: {
          ...process.env,
          P21_BASE_URL: simulator.url,
          P21_JOURNAL: journalPath,
          NODE_DEBUG: "",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });

  return { simulator, journalPath, commits, run };
}

function activePagesOf(simulator: SimulatorHandle, supplierId: number) {
  return simulator
    .rows("price_page")
    .filter((page) => page.supplier_id === supplierId && page.row_status_flag === 704);
}

describe("the batch engine example", () => {
  it("is shown in the README as it is written, on the demo data's first supplier", async () => {
    const source = await readFile(exampleUrl, "utf8");
    const readme = await readFile(readmeUrl, "utf8");

    expect(readme).toContain("```ts\n" + source.slice(source.indexOf("import ")) + "```\n");
    expect(source).toContain(`const SUPPLIER = ${DEMO.supplierIds[0]};`);
  });

  it("renames each active page of the supplier with one save, and finds nothing left to do after", async () => {
    const { simulator, commits, run } = await setUp();
    const pages = activePagesOf(simulator, DEMO.supplierIds[0] ?? 0);

    const first = await run();
    const second = await run();

    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout.trim().split("\n").at(-1)).toBe(
      `${pages.length} renamed, 0 failed, 0 left`,
    );
    expect(commits.toSorted()).toEqual(pages.map((page) => Number(page.price_page_uid)).toSorted());
    const renamed = activePagesOf(simulator, DEMO.supplierIds[0] ?? 0);
    expect(renamed.every((page) => String(page.description).endsWith(suffix))).toBe(true);
    expect(second).toMatchObject({ code: 0, stdout: "0 renamed, 0 failed, 0 left\n" });
    expect(simulator.stats().sessionsOpen).toBe(0);
  });

  it("resumes an unfinished run: a record in flight that the server holds is not saved again", async () => {
    const { simulator, journalPath, commits, run } = await setUp();
    const [held, pending] = activePagesOf(simulator, DEMO.supplierIds[0] ?? 0).map((page) => ({
      pricePageUid: Number(page.price_page_uid),
      description: `${String(page.description)}${suffix}`,
    }));
    if (held === undefined || pending === undefined) throw new Error("the demo data changed");
    // A run stopped after the server saved its first record, before the journal heard of it.
    const client = new P21Client({
      baseUrl: simulator.url,
      username: "api_user",
      password: "api_password",
    });
    {
      await using session = await client.startSession();
      const window = await session.openWindow("SalesPricePage");
      await window.change("FORM", "form", "price_page_uid", String(held.pricePageUid));
      await window.change("FORM", "form", "description", held.description);
      expect((await window.save()).ok).toBe(true);
    }
    await client.close();
    const journal = Journal.open(journalPath);
    const started = journal.createRun({
      kind: "rename",
      options: {},
      inputDigest: digestInput([held, pending]),
      baseUrl: simulator.url,
    });
    const [heldItem] = journal.addItems(
      started.id,
      "rename",
      [held, pending].map((input) => ({ naturalKey: `price-page:${input.pricePageUid}`, input })),
    );
    journal.markInFlight(heldItem?.id ?? 0, { batch: 1, session: 1 });
    journal.close();
    commits.length = 0;

    const resumed = await run();

    expect(resumed).toMatchObject({ code: 0, stderr: "" });
    expect(resumed.stdout.split("\n")).toEqual([
      `price-page:${held.pricePageUid} succeeded (reconcile)`,
      `price-page:${pending.pricePageUid} succeeded (run)`,
      "2 renamed, 0 failed, 0 left",
      "",
    ]);
    expect(commits).toEqual([pending.pricePageUid]);
    const reopened = Journal.open(journalPath, { readonly: true });
    expect(reopened.getRun(started.id)?.state).toBe("completed");
    reopened.close();
  });
});
