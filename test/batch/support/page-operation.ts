import type { P21Client, Result, Window } from "../../../src/client/index.js";
import type { OperationContext, RecordOperation } from "../../../src/batch/index.js";
import { RecordRefusedError, VerificationError } from "../../../src/batch/index.js";

/** A price page as the engine tests create it: a few fields, keyed by its description. */
export interface TestPage {
  companyId: string;
  supplierId: number;
  productGroupId: string;
  description: string;
  effectiveDate: string;
  expirationDate: string;
  calculationMethod?: string;
  multiplier: string;
}

export interface TestPageOutput {
  pricePageUid: number;
}

function refuseUnlessOk(result: Result, step: string, page: TestPage): Result {
  if (!result.ok) throw new RecordRefusedError(`${step} failed for ${describe(page)}`, result);

  return result;
}

function describe(page: TestPage): string {
  return `price page '${page.description}' (supplier ${page.supplierId}, group ${page.productGroupId})`;
}

async function run(window: Window, page: TestPage, context: OperationContext) {
  const call = { signal: context.signal };
  const form = (field: string, value: string) => ({
    tab: "FORM",
    datawindow: "form",
    field,
    value,
  });
  const values = (field: string, value: string) => ({
    tab: "VALUES",
    datawindow: "values",
    field,
    value,
  });

  refuseUnlessOk(
    await window.change(
      [
        form("price_page_type_cd", "Supplier / Product Group"),
        form("company_id", page.companyId),
        form("product_group_id", page.productGroupId),
        form("supplier_id", String(page.supplierId)),
        form("description", page.description),
        form("pricing_method_cd", "Source"),
        form("source_price_cd", "Supplier List Price"),
        form("effective_date", page.effectiveDate),
        form("expiration_date", page.expirationDate),
      ],
      call,
    ),
    "change of the FORM fields",
    page,
  );
  refuseUnlessOk(await window.selectTab("VALUES", call), "selecting VALUES", page);
  refuseUnlessOk(
    await window.change(
      [
        values("calculation_method_cd", page.calculationMethod ?? "Multiplier"),
        values("calculation_value1", page.multiplier),
      ],
      call,
    ),
    "change of the VALUES fields",
    page,
  );

  const saved = refuseUnlessOk(await context.settleDialogs(await window.save(call)), "save", page);
  if (saved.generatedKey === undefined) {
    throw new VerificationError(`save of ${describe(page)} answered no price_page_uid`);
  }

  return { pricePageUid: saved.generatedKey };
}

async function reconcile(client: P21Client, page: TestPage, context: { signal: AbortSignal }) {
  const rows = await client.odata.query("price_page", {
    filter: { description: page.description, supplier_id: page.supplierId, row_status_flag: 704 },
    signal: context.signal,
  });
  const uid = rows[0]?.price_page_uid;

  return typeof uid === "number" ? { pricePageUid: uid } : undefined;
}

/** Creates SalesPricePage records; reconciles by description through OData. */
export const testPageOperation: RecordOperation<TestPage, TestPageOutput> = {
  kind: "record",
  name: "test.price-page.create",
  service: "SalesPricePage",
  naturalKey: (page) => page.description,
  describe,
  run,
  reconcile,
};
