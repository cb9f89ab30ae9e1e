// A product group P21 marks deleted (`delete_flag` Y) through the built CLI: the dry run's plan
// refuses it at its row and column before anything is sent, as it refuses one that is not there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../src/simulator/index.js";
import { startSimulatorWith, withDeletedRows } from "../simulator/support/deleted-rows.js";
import { connectionTo, runChild, temporaryDirectory } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";
import { writeRequests } from "./simulator-writes.js";

describe("a deleted product group through the built CLI", () => {
  let simulator: SimulatorHandle;
  let directory: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    simulator = await startSimulatorWith(withDeletedRows());
    directory = await temporaryDirectory();
  });

  afterAll(async () => {
    await simulator.close();
    await directory.remove();
  });

  it("create --dry-run: the deleted group at its row and column, exit 2, nothing sent", async () => {
    // After the demo's ABRAS pages end, so that only the group is wrong.
    await writePagesCsv(directory.path, "pages.csv", [
      "10010,ADHES,ACME,Acme ADHES 2050,2050-01-01,2050-12-31,0.6",
      "10010,ABRAS,ACME,Acme ABRAS 2050,2050-01-01,2050-12-31,0.6",
    ]);
    simulator.resetStats();

    const outcome = await runChild(
      ["price-pages", "create", "pages.csv", "--dry-run", ...connectionTo(simulator.url)],
      { cwd: directory.path },
    );

    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr.split("\n").slice(0, 2)).toEqual([
      'pages.csv:3:product_group_id: product group "ABRAS" of company ACME is deleted on the server',
      "error: 1 problem in the input",
    ]);
    expect(outcome.stderr).toContain("p21kit only read from the server, it wrote nothing");
    const routes = Object.keys(simulator.stats().requests);
    expect(routes.filter((route) => route.includes("/interactive/"))).toEqual([]);
    expect(writeRequests(simulator.stats())).toBe(0);
    expect(simulator.rows("price_page")).toHaveLength(720);
  });
});
