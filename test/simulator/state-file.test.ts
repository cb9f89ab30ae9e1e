import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveStateFile } from "../../src/simulator/data/state-file.js";
import { DEMO, startSimulator } from "../../src/simulator/index.js";
import { SimulatorError } from "../../src/simulator/errors.js";
import { DELETED, withDeletedRows } from "./support/deleted-rows.js";
import { keyNewPage, openSession, openWindow, save } from "./support/wire.js";

describe("state file", () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "p21kit-simulator-state-"));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("keeps pages and the key counter across a restart", async () => {
    const statePath = join(directory, "state.json");
    const first = await startSimulator({ data: "demo", statePath });
    const token = await openSession(first);
    const windowId = await openWindow(first, token, "SalesPricePage");
    await keyNewPage(first, token, windowId, "10010", "FASTN");
    await save(first, token, windowId);
    await first.close();

    const second = await startSimulator({ data: "empty", statePath });
    const pages = second.rows("price_page");
    const again = await openSession(second);
    const nextWindow = await openWindow(second, again, "SalesPricePage");
    await keyNewPage(second, again, nextWindow, "10020", "HOSE");
    const saved = await save(second, again, nextWindow);
    await second.close();

    expect(pages).toHaveLength(721);
    expect(pages.at(-1)).toMatchObject({
      price_page_uid: 100_721,
      supplier_id: 10010,
      product_group_id: "FASTN",
    });
    expect(JSON.stringify(saved.body)).toContain('"Value":"100722"');
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);
  });

  it("starts from the data set when the file does not exist yet, and writes it on close", async () => {
    const statePath = join(directory, "new.json");
    const simulator = await startSimulator({ data: "demo", statePath });
    await simulator.close();

    const saved = JSON.parse(await readFile(statePath, "utf8")) as {
      format: string;
      tables: { price_book: unknown[] };
    };
    expect(saved.format).toBe("p21kit-simulator-state");
    expect(saved.tables.price_book).toHaveLength(3);
  });

  it("reads a file saved before the discount_group table as one without discount groups", async () => {
    const statePath = join(directory, "before.json");
    const demo = await startSimulator({ data: "demo", statePath });
    await demo.close();
    const saved = JSON.parse(await readFile(statePath, "utf8")) as {
      tables: Record<string, unknown>;
    };
    delete saved.tables.discount_group;
    await writeFile(statePath, JSON.stringify(saved));

    const simulator = await startSimulator({ statePath });
    try {
      expect(simulator.rows("discount_group")).toEqual([]);
      expect(simulator.rows("price_page")).toHaveLength(720);
    } finally {
      await simulator.close();
    }
  });

  it("keeps the companies marked deleted across a restart; a file saved before them has none", async () => {
    const statePath = join(directory, "deleted.json");
    const first = await startSimulator({ statePath });
    await first.close();
    const saved = JSON.parse(await readFile(statePath, "utf8")) as Record<string, unknown>;
    expect(saved.deletedCompanies).toEqual([]);
    delete saved.deletedCompanies;
    await writeFile(statePath, JSON.stringify(saved));
    // A file saved before deleted companies were kept still loads.
    await (await startSimulator({ statePath })).close();

    await saveStateFile(statePath, withDeletedRows());
    await (await startSimulator({ statePath })).close();

    const kept = JSON.parse(await readFile(statePath, "utf8")) as Record<string, unknown>;
    expect(kept.companies).toEqual([DEMO.companyId]);
    expect(kept.deletedCompanies).toEqual([DELETED.companyId]);
  });

  it("refuses a file that is not a simulator state", async () => {
    const statePath = join(directory, "other.json");
    await writeFile(statePath, JSON.stringify({ hello: "world" }));
    await expect(startSimulator({ statePath })).rejects.toThrow(SimulatorError);
    await writeFile(statePath, "{not json");
    await expect(startSimulator({ statePath })).rejects.toThrow("not JSON");
  });
});
