// "Supplier / Discount Group" pages: the plan checks each discount group against the server's
// `discount_group` table, as it checks product groups, before anything is written.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PlanProblemsError, planWorkflow } from "../../src/pricing/index.js";
import type { PricePageRow } from "../../src/pricing/index.js";
import { DEMO } from "../../src/simulator/index.js";
import { demoPage, startHarness } from "./workflow-harness.js";
import type { Harness } from "./workflow-harness.js";

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness();
});

afterEach(async () => {
  await harness.close();
});

/** A new "Supplier / Discount Group" page of a demo supplier. */
function discountPage(supplierIndex: number, discountGroupId: string): PricePageRow {
  const page: PricePageRow = {
    ...demoPage(supplierIndex, 0, { pageType: "Supplier / Discount Group" }),
    description: `Discount ${discountGroupId} 2027`,
    discountGroupId,
  };
  delete page.productGroupId;

  return page;
}

async function refusal(work: Promise<unknown>): Promise<PlanProblemsError> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PlanProblemsError);

  return error as PlanProblemsError;
}

describe("discount groups", () => {
  const [stock = "", clearance = ""] = [DEMO.discountGroupIds[0], DEMO.discountGroupIds[2]];
  const pages = [
    discountPage(0, stock.toLowerCase()),
    discountPage(1, "NODG"),
    demoPage(2, 0, { productGroupId: DEMO.example.productGroupId }),
    discountPage(3, clearance),
  ];
  const spec = { kind: "create" as const, pages, inputRows: [2, 3, 4, 5] };
  const problem = {
    source: "input",
    row: 3,
    column: "discount_group_id",
    message: 'there is no discount group "NODG" on the server',
  };

  it("refuses in the plan a discount group the server does not have, with its row, before anything is written", async () => {
    harness.simulator.resetStats();

    const error = await refusal(harness.run(spec));

    expect(error.problems).toEqual([problem]);
    expect(harness.interactiveRequests()).toBe(0);
    expect(harness.simulator.rows("price_page")).toHaveLength(720);
  });

  it("refuses it in a dry run too", async () => {
    const error = await refusal(planWorkflow(harness.client(), spec));

    expect(error.problems).toEqual([problem]);
  });

  it("creates the pages of the discount groups the server has", async () => {
    const valid = [discountPage(0, stock), discountPage(3, clearance)];

    const summary = await harness.run({ kind: "create", pages: valid });

    expect(summary).toMatchObject({ created: 2, failed: 0 });
    const created = harness.simulator
      .rows("price_page")
      .filter((row) => String(row.description).startsWith("Discount "))
      .map((row) => [row.price_page_type_cd, row.discount_group_id, row.product_group_id]);
    expect(created).toEqual([
      [213, stock, null],
      [213, clearance, null],
    ]);
  });
});
