// Rows P21 marks deleted (`delete_flag` Y) instead of removing them: the plan's lookups count
// them as not there, with their own problem, before anything is sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filterText, P21Client } from "../../src/client/index.js";
import type { ODataQueryAllOptions } from "../../src/client/index.js";
import { PlanProblemsError, planWorkflow } from "../../src/pricing/index.js";
import type { PricePageRow } from "../../src/pricing/index.js";
import {
  existingCompanies,
  existingDiscountGroups,
  existingProductGroups,
  existingSuppliers,
  productGroupKey,
} from "../../src/pricing/operations/references.js";
import type { SimulatorHandle } from "../../src/simulator/index.js";
import { DELETED, startSimulatorWith, withDeletedRows } from "../simulator/support/deleted-rows.js";
import { demoPage } from "./workflow-harness.js";

const ODATA = "GET /odataservice/odata/table/:name";

describe("lookups of rows marked deleted, against the simulator", () => {
  let simulator: SimulatorHandle;
  let client: P21Client;

  beforeAll(async () => {
    simulator = await startSimulatorWith(withDeletedRows());
    client = new P21Client({
      baseUrl: simulator.url,
      username: "api_user",
      password: "api_password",
    });
  });

  afterAll(async () => {
    await client.close();
    await simulator.close();
  });

  it("tells a deleted company, supplier, product group and discount group from a standing one", async () => {
    simulator.resetStats();

    expect(await existingCompanies(client, ["oldco", "ACME"])).toEqual({
      existing: new Set(["ACME"]),
      deleted: new Set(["OLDCO"]),
    });
    expect(await existingSuppliers(client, [DELETED.supplierId, 10_010])).toEqual({
      existing: new Set([10_010]),
      deleted: new Set([DELETED.supplierId]),
    });
    const groups = await existingProductGroups(client, [
      { companyId: "acme", productGroupId: "abras" },
      { companyId: "ACME", productGroupId: "ADHES" },
    ]);
    expect(groups).toEqual({
      existing: new Set([productGroupKey("ACME", "ADHES")]),
      deleted: new Set([productGroupKey("ACME", "ABRAS")]),
    });
    // A row without `delete_flag` (a table of a server without the column) stands.
    const discountGroups = await existingDiscountGroups(client, ["clearnc", "noflag", "STOCK"]);
    expect(discountGroups).toEqual({
      existing: new Set(["NOFLAG", "STOCK"]),
      deleted: new Set(["CLEARNC"]),
    });
    // A deleted row is a row found: no table is asked whether it is empty.
    expect(simulator.stats().requests[ODATA]).toBe(4);
  });

  /** A new "Supplier / Discount Group" page of demo supplier 10040. */
  function discountPage(discountGroupId: string): PricePageRow {
    const page: PricePageRow = {
      ...demoPage(3, 0, { pageType: "Supplier / Discount Group" }),
      description: `Discount ${discountGroupId} 2027`,
      discountGroupId,
    };
    delete page.productGroupId;

    return page;
  }

  async function planProblems(spec: Parameters<typeof planWorkflow>[1]) {
    const error = await planWorkflow(client, spec).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(PlanProblemsError);

    return (error as PlanProblemsError).problems;
  }

  it("refuses in the plan each page naming a deleted one, at its row and column", async () => {
    const pages = [
      // After the demo's ABRAS pages end, so that only the group is wrong.
      demoPage(0, 0, { effectiveDate: "2050-01-01", description: "Acme ABRAS 2050" }),
      demoPage(24, 0, { productGroupId: "PLUMB", description: "Last PLUMB 2027" }),
      discountPage("Clearnc"),
      // A deleted company's page gets no problem for its group as well.
      demoPage(1, 0, { companyId: "OldCo", productGroupId: "PLUMB" }),
      discountPage(DELETED.unflaggedDiscountGroupId),
      demoPage(2, 0, { productGroupId: "PLUMB" }),
    ];

    const problems = await planProblems({
      kind: "create",
      pages,
      inputRows: [2, 3, 4, 5, 6, 7],
    });

    expect(problems).toEqual([
      {
        source: "input",
        row: 2,
        column: "product_group_id",
        message: 'product group "ABRAS" of company ACME is deleted on the server',
      },
      {
        source: "input",
        row: 3,
        column: "supplier_id",
        message: "supplier 10250 is deleted on the server",
      },
      {
        source: "input",
        row: 4,
        column: "discount_group_id",
        message: 'discount group "Clearnc" is deleted on the server',
      },
      {
        source: "input",
        row: 5,
        column: "company_id",
        message: 'company "OldCo" is deleted on the server',
      },
    ]);
  });

  it("refuses a deleted --company once, as the setting's problem", async () => {
    const page = demoPage(0, 0, { companyId: "OLDCO", productGroupId: "PLUMB" });

    const problems = await planProblems({ kind: "create", company: "oldco", pages: [page] });

    expect(problems).toEqual([
      {
        source: "setting",
        setting: "company",
        message: 'company "oldco" is deleted on the server',
      },
    ]);
  });
});

describe("delete_flag on the wire", () => {
  // A pure unit test: a client whose OData keeps what it was asked and answers fixed rows.
  it("is read from the rows returned, never named in a $filter or $select", async () => {
    const asked: ODataQueryAllOptions[] = [];
    const rows = [
      { supplier_id: 10_010, delete_flag: " y " },
      { supplier_id: 10_020, delete_flag: "N" },
      { supplier_id: 10_030 },
      { supplier_id: 10_040, delete_flag: null },
    ];
    const client = {
      odata: {
        queryAll: (_table: string, options: ODataQueryAllOptions) => {
          asked.push(options);
          return Promise.resolve(rows);
        },
      },
    } as unknown as P21Client;

    const suppliers = await existingSuppliers(client, [10_010, 10_020, 10_030, 10_040]);

    expect(suppliers).toEqual({
      existing: new Set([10_020, 10_030, 10_040]),
      deleted: new Set([10_010]),
    });
    expect(asked).toHaveLength(1);
    const [options] = asked;
    expect(options?.select).toBeUndefined();
    expect(filterText(options?.filter ?? {})).toBe(
      "(supplier_id eq 10010) or (supplier_id eq 10020) or (supplier_id eq 10030) or (supplier_id eq 10040)",
    );
  });
});
