import { AccessDeniedError, and, eq, or, P21Error } from "../../client/index.js";
import type { ODataFilter, P21Client, Row } from "../../client/index.js";
import { UIDS_PER_QUERY, wholeNumber } from "./lookups.js";

// Whether the companies, suppliers and groups a file names exist, and are not deleted, asked
// before anything is sent; each answer undefined where the server cannot tell, and that check
// is skipped.

function upperText(value: unknown): string | undefined {
  return typeof value === "string" ? value.toUpperCase() : undefined;
}

/**
 * A refusal of a table: the user or the consumer key's `/odata:` allow-list may not read it
 * (an `AccessDeniedError`, 401 or 403), or the server does not serve it (404, with or without
 * an error envelope). @internal
 */
export function tableRefused(error: unknown): error is P21Error {
  return (
    error instanceof AccessDeniedError ||
    (error instanceof P21Error && (error.status === 403 || error.status === 404))
  );
}

/** The tables the plan checks a file's references against, each only when it can read it. */
export const REFERENCE_TABLES = ["company", "supplier", "product_group", "discount_group"] as const;

/** What {@link existingKeys} asks of one table. */
interface KeyLookup<K> {
  readonly table: string;
  /** What the table holds, as the warning names it when the table cannot tell: "suppliers". */
  readonly holds: string;
  readonly filters: readonly ODataFilter[];
  readonly keyOf: (row: Row) => K | undefined;
}

/** What a table holds of the keys asked about. */
export interface KeysOnServer<K> {
  /** The keys of a row that stands: one not marked deleted, or one without `delete_flag`. */
  readonly existing: ReadonlySet<K>;
  /** The keys whose every row is marked deleted (`delete_flag` Y): P21 refuses them. */
  readonly deleted: ReadonlySet<K>;
}

/** Where a key stands on the server, by {@link KeysOnServer}. */
export function standingOf<K>(keys: KeysOnServer<K>, key: K): "exists" | "deleted" | "missing" {
  if (keys.existing.has(key)) return "exists";

  return keys.deleted.has(key) ? "deleted" : "missing";
}

/**
 * P21 marks a deleted row `delete_flag` Y rather than removing it. A row without the column
 * (a table of a server that has none) stands, as does one whose flag is anything else.
 */
function markedDeleted(row: Row): boolean {
  const flag = row.delete_flag;
  return typeof flag === "string" && flag.trim().toUpperCase() === "Y";
}

/**
 * The keys of the rows of `lookup.table` matching its filters, asked 40 filters at a time, and
 * which of them are deleted; undefined, with a warning on the client's logger, when the server
 * cannot tell: the table is refused ({@link tableRefused}) or, when some keys were not found,
 * holds no row at all (a server that checks nothing against it, as the empty simulator). The
 * plan then skips that check rather than fail the run.
 *
 * `delete_flag` is read from the rows as they come, never named in the query's `$filter` or
 * `$select`: a server whose table has no such column would refuse the query.
 */
async function existingKeys<K>(
  client: P21Client,
  lookup: KeyLookup<K>,
  signal: AbortSignal | undefined,
): Promise<KeysOnServer<K> | undefined> {
  const { table, holds, filters, keyOf } = lookup;
  const found = new Set<K>();
  const existing = new Set<K>();
  const call = signal === undefined ? {} : { signal };
  const notChecked = `${holds} are not checked before anything is sent`;
  try {
    for (let start = 0; start < filters.length; start += UIDS_PER_QUERY) {
      const chunk = filters.slice(start, start + UIDS_PER_QUERY);
      for (const row of await client.odata.queryAll(table, { filter: or(...chunk), ...call })) {
        const key = keyOf(row);
        if (key === undefined) continue;

        found.add(key);
        if (!markedDeleted(row)) existing.add(key);
      }
    }

    if (found.size < filters.length) {
      const anyRow = await client.odata.query(table, { top: 1, ...call });
      if (anyRow.length === 0) {
        client.logger.warn({ table }, `OData table ${table} holds no rows: ${notChecked}`);
        return undefined;
      }
    }
  } catch (error) {
    if (!tableRefused(error)) throw error;

    const refusal = error.status === undefined ? error.code : `HTTP ${error.status}`;
    client.logger.warn(
      { table, status: error.status, code: error.code },
      `OData table ${table} cannot be read (${refusal}): ${notChecked}`,
    );
    return undefined;
  }

  // A key with a standing row as well as a deleted one stands.
  const deleted = new Set([...found].filter((key) => !existing.has(key)));

  return { existing, deleted };
}

/**
 * Which of `supplierIds` the `supplier` table holds, standing or deleted; undefined when it
 * cannot tell.
 */
export function existingSuppliers(
  client: P21Client,
  supplierIds: readonly number[],
  signal?: AbortSignal,
): Promise<KeysOnServer<number> | undefined> {
  const unique = [...new Set(supplierIds)];

  return existingKeys(
    client,
    {
      table: "supplier",
      holds: "suppliers",
      filters: unique.map((supplierId) => eq("supplier_id", supplierId)),
      keyOf: (row) => wholeNumber(row.supplier_id),
    },
    signal,
  );
}

/**
 * Which of `ids` the table keyed by the text column `column` holds, standing or deleted,
 * upper-cased (P21 compares them without case); undefined when it cannot tell.
 */
function existingTextIds(
  client: P21Client,
  lookup: { table: string; holds: string; column: string },
  ids: readonly string[],
  signal: AbortSignal | undefined,
): Promise<KeysOnServer<string> | undefined> {
  const unique = [...new Set(ids.map((id) => id.toUpperCase()))];

  return existingKeys(
    client,
    {
      table: lookup.table,
      holds: lookup.holds,
      filters: unique.map((id) => eq(lookup.column, id)),
      keyOf: (row) => upperText(row[lookup.column]),
    },
    signal,
  );
}

/**
 * Which of `companyIds` the `company` table holds, standing or deleted, upper-cased; undefined
 * when it cannot tell.
 */
export function existingCompanies(
  client: P21Client,
  companyIds: readonly string[],
  signal?: AbortSignal,
): Promise<KeysOnServer<string> | undefined> {
  const lookup = { table: "company", holds: "companies", column: "company_id" };

  return existingTextIds(client, lookup, companyIds, signal);
}

/** `ACME|ABRAS`: a product group is a company's. */
export function productGroupKey(companyId: string, productGroupId: string): string {
  return `${companyId.toUpperCase()}|${productGroupId.toUpperCase()}`;
}

/**
 * Which of `groups` the `product_group` table holds, standing or deleted, as
 * {@link productGroupKey}s; undefined when it cannot tell.
 */
export function existingProductGroups(
  client: P21Client,
  groups: readonly { companyId: string; productGroupId: string }[],
  signal?: AbortSignal,
): Promise<KeysOnServer<string> | undefined> {
  const unique = new Map<string, { companyId: string; productGroupId: string }>();
  for (const group of groups) {
    const key = productGroupKey(group.companyId, group.productGroupId);
    if (!unique.has(key)) unique.set(key, group);
  }
  const filters = [...unique.values()].map((group) =>
    and(eq("company_id", group.companyId), eq("product_group_id", group.productGroupId)),
  );

  return existingKeys(
    client,
    {
      table: "product_group",
      holds: "product groups",
      filters,
      keyOf: (row) =>
        typeof row.company_id === "string" && typeof row.product_group_id === "string"
          ? productGroupKey(row.company_id, row.product_group_id)
          : undefined,
    },
    signal,
  );
}

/**
 * Which of `discountGroupIds` the `discount_group` table holds, standing or deleted,
 * upper-cased; undefined when it cannot tell. A discount group is keyed by its id alone, for
 * every company: P21's own views join `discount_group` on `discount_group_id` only, where they
 * join `product_group` on the company too (the P21 documents name neither table's key).
 */
export function existingDiscountGroups(
  client: P21Client,
  discountGroupIds: readonly string[],
  signal?: AbortSignal,
): Promise<KeysOnServer<string> | undefined> {
  const lookup = { table: "discount_group", holds: "discount groups", column: "discount_group_id" };

  return existingTextIds(client, lookup, discountGroupIds, signal);
}
