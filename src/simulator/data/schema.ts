import type { TableName } from "../types.js";

export type CellValue = string | number | null;
export type Row = Record<string, CellValue>;

/** `date` cells hold `"YYYY-MM-DDTHH:MM:SS"` strings; `number` cells are JSON numbers. */
export type ColumnType = "number" | "string" | "date";

export const TABLE_NAMES: readonly TableName[] = [
  "price_page",
  "price_book",
  "price_book_x_page",
  "supplier",
  "product_group",
  "discount_group",
];

function numbered(prefix: string, count: number, type: ColumnType): [string, ColumnType][] {
  return Array.from({ length: count }, (_, index) => [`${prefix}${index + 1}`, type]);
}

const PRICE_PAGE_COLUMNS: [string, ColumnType][] = [
  ["price_page_uid", "number"],
  ["price_page_type_cd", "number"],
  ["company_id", "string"],
  ["product_group_id", "string"],
  ["discount_group_id", "string"],
  ["supplier_id", "number"],
  ["description", "string"],
  ["pricing_method_cd", "number"],
  ["source_price_cd", "number"],
  ["effective_date", "date"],
  ["expiration_date", "date"],
  ["calculation_method_cd", "number"],
  ...numbered("calculation_value", 15, "number"),
  ...numbered("break", 14, "number"),
  ...numbered("uom", 14, "string"),
  ...numbered("other_cost", 15, "number"),
  ["values_currency_id", "string"],
  ["totaling_method_cd", "number"],
  ["totaling_basis_cd", "number"],
  ["commission_cost_calc_method_cd", "number"],
  ["commission_cost_value1", "number"],
  ["row_status_flag", "number"],
  ["date_created", "date"],
  ["date_last_modified", "date"],
  ["last_maintained_by", "string"],
];

/** Column names and types of every table the simulator serves over OData. */
export const TABLE_SCHEMAS: Record<TableName, ReadonlyMap<string, ColumnType>> = {
  price_page: new Map(PRICE_PAGE_COLUMNS),
  price_book: new Map<string, ColumnType>([
    ["price_book_id", "string"],
    ["description", "string"],
    ["company_id", "string"],
    ["row_status_flag", "number"],
    ["date_created", "date"],
    ["date_last_modified", "date"],
  ]),
  price_book_x_page: new Map<string, ColumnType>([
    ["price_book_x_page_uid", "number"],
    ["price_book_id", "string"],
    ["price_page_uid", "number"],
    ["row_status_flag", "number"],
    ["date_created", "date"],
    ["last_maintained_by", "string"],
  ]),
  supplier: new Map<string, ColumnType>([
    ["supplier_id", "number"],
    ["supplier_name", "string"],
    ["delete_flag", "string"],
    ["date_created", "date"],
  ]),
  product_group: new Map<string, ColumnType>([
    ["company_id", "string"],
    ["product_group_id", "string"],
    ["product_group_desc", "string"],
    ["delete_flag", "string"],
    ["date_created", "date"],
  ]),
  // P21 keys discount groups by id alone, for every company: its own views join
  // `discount_group` on `discount_group_id` only, where they join `product_group` on the
  // company too.
  discount_group: new Map<string, ColumnType>([
    ["discount_group_id", "string"],
    ["discount_group_description", "string"],
    ["delete_flag", "string"],
    ["date_created", "date"],
  ]),
};

/**
 * The tables OData serves: the stored ones, and `company`, made from the store's list of
 * companies (their ids; the simulator keeps no names).
 */
export type ServedTableName = TableName | "company";

export const SERVED_TABLE_SCHEMAS: Record<ServedTableName, ReadonlyMap<string, ColumnType>> = {
  ...TABLE_SCHEMAS,
  company: new Map<string, ColumnType>([
    ["company_id", "string"],
    ["company_name", "string"],
    ["delete_flag", "string"],
  ]),
};

/** `row_status_flag` values of P21. */
export const RowStatus = { Active: 704, Inactive: 705, Delete: 700 } as const;

/** A row with every column of its table, unset ones `null`. */
export function blankRow(table: TableName): Row {
  const row: Row = {};
  for (const column of TABLE_SCHEMAS[table].keys()) row[column] = null;
  return row;
}

/** `"YYYY-MM-DDTHH:MM:SS"` of an instant, in UTC. */
export function timestampOf(instant: Date): string {
  return instant.toISOString().slice(0, 19);
}

/** `"YYYY-MM-DDT00:00:00"` of an instant's UTC day. */
export function dayOf(instant: Date): string {
  return `${instant.toISOString().slice(0, 10)}T00:00:00`;
}
