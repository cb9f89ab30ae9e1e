import type { Answer, FieldChange, Party, ResultEnvelope } from "./http.js";
import { change, changeOne, odataRows, filter, save, selectTab } from "./http.js";

/** A new SalesPricePage as an administrator would describe it. */
export interface NewPage {
  companyId: string;
  productGroupId: string;
  supplierId: number;
  description: string;
  effectiveDate: string;
  /** `null` leaves it out: the page is open-ended. */
  expirationDate: string | null;
  calculationMethod?: string;
  calculationValue?: string;
}

/** The FORM fields of a new page, in the order the server requires (fact sheet §5.2). */
export function formFields(page: NewPage): FieldChange[] {
  const form = (field: string, value: string): FieldChange => ({
    tab: "FORM",
    datawindow: "form",
    field,
    value,
  });

  const fields = [
    form("price_page_type_cd", "Supplier / Product Group"),
    form("company_id", page.companyId),
    form("product_group_id", page.productGroupId),
    form("supplier_id", String(page.supplierId)),
    form("description", page.description),
    form("pricing_method_cd", "Source"),
    form("source_price_cd", "Supplier List Price"),
    form("effective_date", page.effectiveDate),
  ];
  if (page.expirationDate !== null) fields.push(form("expiration_date", page.expirationDate));

  return fields;
}

/** Throws with the answer when it is not HTTP 200 with `Status: 1`. */
export function requireSuccess(answer: Answer, what: string): ResultEnvelope {
  if (answer.status !== 200) throw new Error(`${what}: HTTP ${answer.status} ${answer.text}`);
  const result = answer.json<ResultEnvelope>();
  if (result.Status !== 1)
    throw new Error(`${what}: Status ${String(result.Status)} ${answer.text}`);

  return result;
}

/** Keys every field of a new page, one per call, without saving. */
export async function keyNewPage(who: Party, windowId: string, page: NewPage): Promise<void> {
  for (const field of formFields(page)) {
    requireSuccess(await change(who, windowId, [field]), `set ${field.field}`);
  }

  requireSuccess(await selectTab(who, windowId, "VALUES"), "tab VALUES");
  const method = page.calculationMethod ?? "Multiplier";
  requireSuccess(
    await changeOne(who, windowId, "VALUES", "calculation_method_cd", method),
    "set calculation_method_cd",
  );
  requireSuccess(
    await changeOne(who, windowId, "VALUES", "calculation_value1", page.calculationValue ?? "1.25"),
    "set calculation_value1",
  );
}

/** Keys and saves a new page; returns the raw save answer. */
export async function keyAndSave(who: Party, windowId: string, page: NewPage): Promise<Answer> {
  await keyNewPage(who, windowId, page);

  return save(who, windowId);
}

/** Loads a page by keying its uid on FORM. */
export function loadPage(who: Party, windowId: string, pricePageUid: number | string) {
  return changeOne(who, windowId, "FORM", "price_page_uid", String(pricePageUid));
}

/** Reads one page through OData, or `undefined`. */
export async function pageByUid(
  who: Party,
  pricePageUid: number,
): Promise<Record<string, unknown> | undefined> {
  const rows = await odataRows(who, "price_page", filter(`price_page_uid eq ${pricePageUid}`));

  return rows[0];
}

/** Pages whose description is exactly `description` (escaped for OData). */
export function pagesByDescription(who: Party, description: string) {
  const literal = description.replaceAll("'", "''");

  return odataRows(who, "price_page", filter(`description eq '${literal}'`));
}

/** The uid of an active page that exists in the demo data. */
export async function someActivePageUid(who: Party): Promise<number> {
  const rows = await odataRows(who, "price_page", `${filter("row_status_flag eq 704")}&$top=1`);
  const uid = rows[0]?.["price_page_uid"];
  if (uid === undefined) throw new Error("the demo data holds no active price page");

  return Number(uid);
}

let pageCounter = 0;

/** A page with a description unique to this test process. */
export function samplePage(
  demo: { companyId: string; supplierIds: number[]; productGroupIds: string[] },
  overrides: Partial<NewPage> = {},
): NewPage {
  pageCounter += 1;

  return {
    companyId: demo.companyId,
    productGroupId: demo.productGroupIds[0] ?? "",
    supplierId: demo.supplierIds[0] ?? 0,
    description: `protocol suite page ${process.pid}-${pageCounter}`,
    effectiveDate: "2027-01-01",
    expirationDate: "2027-12-31",
    ...overrides,
  };
}
