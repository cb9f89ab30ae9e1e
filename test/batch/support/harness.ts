import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { P21Client } from "../../../src/client/index.js";
import type { P21ClientOptions } from "../../../src/client/index.js";
import { clientOptions } from "./client-options.js";
import { Journal } from "../../../src/journal/index.js";
import { DEMO, startSimulator } from "../../../src/simulator/index.js";
import type { SimulatorHandle, SimulatorOptions } from "../../../src/simulator/index.js";
import type { TestPage } from "./page-operation.js";

export { clientOptions, phase } from "./client-options.js";
import { phase } from "./client-options.js";

/** Everything a test needs, torn down by `close()`. */
export interface Harness {
  simulator: SimulatorHandle;
  journal: Journal;
  journalPath: string;
  directory: string;
  createClient: (workerIndex: number) => P21Client;
  close(): Promise<void>;
}

export async function startHarness(
  simulatorOptions: SimulatorOptions = {},
  timeouts?: P21ClientOptions["timeouts"],
): Promise<Harness> {
  const simulator = await startSimulator({ data: "demo", latency: "none", ...simulatorOptions });
  const directory = mkdtempSync(join(tmpdir(), "p21kit-engine-"));
  const journalPath = join(directory, "journal.db");
  const journal = Journal.open(journalPath);

  return {
    simulator,
    journal,
    journalPath,
    directory,
    createClient: () => new P21Client(clientOptions(simulator.url, timeouts)),
    async close() {
      journal.close();
      await simulator.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * `count` pages, each on its own supplier and product group pair (so that they never overlap
 * each other), effective after the demo pages expire unless `overlapEvery` makes some overlap
 * a demo page (which raises the "Another active price page" dialog on save).
 */
export function testPages(
  count: number,
  prefix: string,
  options: { overlapEvery?: number; refuseEvery?: number; firstPair?: number } = {},
): TestPage[] {
  const pairs = DEMO.supplierIds.length * DEMO.productGroupIds.length;

  return Array.from({ length: count }, (_, index) => {
    const pair = ((options.firstPair ?? 0) + index) % pairs;
    const supplierId = DEMO.supplierIds[pair % DEMO.supplierIds.length] ?? 0;
    const productGroupId = DEMO.productGroupIds[Math.floor(pair / DEMO.supplierIds.length)] ?? "";
    const overlaps = options.overlapEvery !== undefined && index % options.overlapEvery === 1;
    const refused = options.refuseEvery !== undefined && index % options.refuseEvery === 2;

    return {
      companyId: DEMO.companyId,
      supplierId,
      productGroupId,
      description: `${prefix} ${String(index).padStart(5, "0")}`,
      effectiveDate: overlaps
        ? "2030-01-01"
        : `2051-01-${String((index % 28) + 1).padStart(2, "0")}`,
      expirationDate: overlaps ? "2030-12-31" : "2051-12-31",
      ...(refused ? { calculationMethod: "Squared" } : {}),
      multiplier: "0.55",
    };
  });
}

/** A run with the pages as items of the "create" phase. */
export function createRunWithPages(journal: Journal, baseUrl: string, pages: TestPage[]): string {
  const run = journal.createRun({
    kind: "test-create",
    options: {},
    inputDigest: "test",
    baseUrl,
    username: "api_user",
  });
  journal.addItems(
    run.id,
    phase,
    pages.map((page) => ({ naturalKey: page.description, input: page })),
  );

  return run.id;
}

/** How many active pages the server holds per description starting with `prefix`. */
export function serverPageCounts(simulator: SimulatorHandle, prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of simulator.rows("price_page")) {
    const description = typeof row.description === "string" ? row.description : "";
    if (!description.startsWith(prefix)) continue;

    counts.set(description, (counts.get(description) ?? 0) + 1);
  }

  return counts;
}

/** The same through OData, as a user would check it. */
export async function odataPageCounts(
  baseUrl: string,
  prefix: string,
): Promise<Map<string, number>> {
  const client = new P21Client(clientOptions(baseUrl));
  try {
    const rows = await client.odata.queryAll("price_page", {
      filter: { row_status_flag: 704 },
      select: ["price_page_uid", "description"],
    });
    const counts = new Map<string, number>();
    for (const row of rows) {
      const description = typeof row.description === "string" ? row.description : "";
      if (description.startsWith(prefix))
        counts.set(description, (counts.get(description) ?? 0) + 1);
    }

    return counts;
  } finally {
    await client.close();
  }
}
