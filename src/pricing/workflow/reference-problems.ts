import { productGroupKey, standingOf } from "../operations/references.js";
import type { KeysOnServer } from "../operations/references.js";
import type { PlanProblemList } from "./plan-checks.js";
import type { ServerView } from "./server-view.js";
import type { WorkflowSpec } from "./types.js";

/** What the server holds of what the pages refer to; undefined where it cannot tell. */
export interface ExistingReferences {
  readonly companies: KeysOnServer<string> | undefined;
  readonly suppliers: KeysOnServer<number> | undefined;
  readonly productGroups: KeysOnServer<string> | undefined;
  readonly discountGroups: KeysOnServer<string> | undefined;
}

/**
 * What is wrong with a reference to `named` ("product group \"ABRAS\" of company ACME") where
 * `keys` tell whether `key` stands; undefined when it stands or the server cannot tell.
 */
function referenceProblem<K>(
  keys: KeysOnServer<K> | undefined,
  key: K,
  named: string,
): string | undefined {
  if (keys === undefined) return undefined;

  switch (standingOf(keys, key)) {
    case "exists":
      return undefined;
    case "deleted":
      return `${named} is deleted on the server`;
    case "missing":
      return `there is no ${named} on the server`;
  }
}

/**
 * A problem for each page whose company, supplier, product group or discount group the server
 * does not have, or has marked deleted (each table checked only when the server can tell; see
 * `existingKeys`). A page of a company the server does not have (or has deleted) gets no
 * problem for its product group as well; a discount group is every company's, so it is checked
 * whatever the company.
 */
function pageReferenceProblems(
  spec: WorkflowSpec,
  existing: ExistingReferences,
  rowOf: (index: number) => number | undefined,
  problems: PlanProblemList,
): void {
  const { companies, suppliers, productGroups, discountGroups } = existing;
  const companyProblem = (companyId: string) =>
    referenceProblem(companies, companyId.toUpperCase(), `company ${JSON.stringify(companyId)}`);
  // A company `--company` names (the pages without one of their own) is its problem, said once.
  const settingCompany = spec.company?.toUpperCase();
  const settingProblem = spec.company === undefined ? undefined : companyProblem(spec.company);
  if (settingProblem !== undefined) {
    problems.add({ source: "setting", setting: "company", message: settingProblem });
  }

  (spec.pages ?? []).forEach((page, index) => {
    const add = (column: string, message: string | undefined) => {
      if (message === undefined) return;

      problems.add({ source: "input", row: rowOf(index), column, message });
    };
    const companyMessage = companyProblem(page.companyId);
    if (page.companyId.toUpperCase() !== settingCompany) add("company_id", companyMessage);

    add("supplier_id", referenceProblem(suppliers, page.supplierId, `supplier ${page.supplierId}`));

    const group = page.productGroupId;
    if (group !== undefined && companyMessage === undefined) {
      const named = `product group ${JSON.stringify(group)} of company ${page.companyId}`;
      add(
        "product_group_id",
        referenceProblem(productGroups, productGroupKey(page.companyId, group), named),
      );
    }

    const discountGroup = page.discountGroupId;
    if (discountGroup !== undefined) {
      const named = `discount group ${JSON.stringify(discountGroup)}`;
      add(
        "discount_group_id",
        referenceProblem(discountGroups, discountGroup.toUpperCase(), named),
      );
    }
  });
}

/**
 * Adds the problems of the companies, suppliers, product and discount groups the pages name:
 * each looked up once (a file of 100,000 pages names a few hundred), one OData query per 40 of
 * each table.
 */
export async function referenceProblems(
  spec: WorkflowSpec,
  view: ServerView,
  rowOf: (index: number) => number | undefined,
  problems: PlanProblemList,
): Promise<void> {
  const pages = spec.pages ?? [];
  if (pages.length === 0) return;

  const companyIds = new Set<string>(
    spec.company === undefined ? [] : [spec.company.toUpperCase()],
  );
  const supplierIds = new Set<number>();
  const groups = new Map<string, { companyId: string; productGroupId: string }>();
  const discountGroupIds = new Set<string>();
  pages.forEach(({ supplierId, companyId, productGroupId, discountGroupId }) => {
    companyIds.add(companyId.toUpperCase());
    supplierIds.add(supplierId);
    if (discountGroupId !== undefined) discountGroupIds.add(discountGroupId.toUpperCase());
    if (productGroupId === undefined) return;

    const key = productGroupKey(companyId, productGroupId);
    if (!groups.has(key)) groups.set(key, { companyId, productGroupId });
  });

  // The four tables at once: each is a query or two, and none depends on another.
  const [companies, suppliers, productGroups, discountGroups] = await Promise.all([
    view.existingCompanies([...companyIds]),
    view.existingSuppliers([...supplierIds]),
    groups.size === 0 ? undefined : view.existingProductGroups([...groups.values()]),
    discountGroupIds.size === 0 ? undefined : view.existingDiscountGroups([...discountGroupIds]),
  ]);
  const existing = { companies, suppliers, productGroups, discountGroups };
  pageReferenceProblems(spec, existing, rowOf, problems);
}
