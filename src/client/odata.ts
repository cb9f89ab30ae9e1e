import { setTimeout as delay } from "node:timers/promises";

import { InputError, P21Error, P21ProtocolError } from "./errors.js";
import type { ODataFilter } from "./odata-filter.js";
import { filterText } from "./odata-filter.js";
import { property } from "./result.js";

/** One OData row, as the server sent it (numbers as numbers, dates as strings). */
export type Row = Record<string, unknown>;

/** Options of {@link ODataClient.query}. */
export interface ODataQueryOptions {
  /** A structured filter (`{ supplier_id: 10001 }`) or one built with `and`, `eq`, … */
  filter?: ODataFilter;
  /** Columns to return (`$select`). */
  select?: readonly string[];
  /** At most this many rows (`$top`). */
  top?: number;
  /** Skip this many rows (`$skip`). */
  skip?: number;
  /** `$orderby`, for example `["price_page_uid desc"]`. */
  orderBy?: readonly string[];
  signal?: AbortSignal;
  /** Overrides the default timeout of this call. */
  timeoutMs?: number;
}

/** Options of {@link ODataClient.queryAll}. */
export interface ODataQueryAllOptions extends Omit<ODataQueryOptions, "skip"> {
  /**
   * Rows per page (`$top` of each request).
   * @default 500
   */
  pageSize?: number;
}

/** Sends one OData GET and returns the decoded body. @internal */
export type ODataFetch = (
  table: string,
  query: URLSearchParams,
  options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
) => Promise<unknown>;

const tablePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const orderPattern = /^[A-Za-z_][A-Za-z0-9_/]*(\s+(asc|desc))?$/i;

function rowsOf(body: unknown, table: string): Row[] {
  const rows = Array.isArray(body) ? body : property(body, "value");
  if (!Array.isArray(rows)) {
    throw new P21ProtocolError(`OData answer for table ${table} has no "value" list`);
  }

  return rows.filter((row): row is Row => typeof row === "object" && row !== null);
}

function wholeNumber(value: number | undefined, name: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new InputError(`OData ${name} must be a whole number ≥ 0, not ${value}`);
  }
}

/**
 * The waits before a read is asked again, after an answer lost to the network or a server
 * error (5xx): a GET changes nothing, so sending it again is safe. A timeout is not asked again
 * (it has waited its whole time already), nor a refusal.
 */
const retryDelaysMs = [250, 1000] as const;
const askedAgainFor = new Set(["P21_NETWORK", "P21_SERVER_ERROR"]);

/** Read queries on `{base}/odataservice/odata/table/{table}`. */
export class ODataClient {
  /** @internal */
  constructor(private readonly fetchTable: ODataFetch) {}

  #parameters(table: string, options: ODataQueryOptions): URLSearchParams {
    if (!tablePattern.test(table)) throw new InputError(`not an OData table name: ${table}`);

    wholeNumber(options.top, "top");
    wholeNumber(options.skip, "skip");
    const query = new URLSearchParams();
    if (options.filter !== undefined) {
      const text = filterText(options.filter);
      if (text !== "") query.set("$filter", text);
    }

    if (options.select !== undefined && options.select.length > 0) {
      for (const column of options.select) {
        if (!tablePattern.test(column)) throw new InputError(`not an OData column name: ${column}`);
      }

      query.set("$select", options.select.join(","));
    }

    if (options.orderBy !== undefined && options.orderBy.length > 0) {
      for (const order of options.orderBy) {
        if (!orderPattern.test(order.trim())) throw new InputError(`not an OData order: ${order}`);
      }

      query.set("$orderby", options.orderBy.map((order) => order.trim()).join(","));
    }

    if (options.top !== undefined) query.set("$top", String(options.top));
    if (options.skip !== undefined && options.skip > 0) query.set("$skip", String(options.skip));

    return query;
  }

  /**
   * One query: the rows matching `filter` (the server may cap the count; see {@link queryAll}),
   * asked up to twice again after a lost answer or a server error.
   */
  async query(table: string, options: ODataQueryOptions = {}): Promise<Row[]> {
    const parameters = this.#parameters(table, options);
    for (let attempt = 0; ; attempt += 1) {
      try {
        return rowsOf(await this.fetchTable(table, parameters, options), table);
      } catch (error) {
        const wait = retryDelaysMs[attempt];
        const again = error instanceof P21Error && askedAgainFor.has(error.code);
        if (!again || wait === undefined || options.signal?.aborted === true) throw error;

        // A stop while waiting ends the query with the failure it had.
        await delay(wait, undefined, { signal: options.signal }).catch(() => {
          throw error;
        });
      }
    }
  }

  /**
   * Every matching row, paging through `$top`/`$skip` until a short page (or `top` rows).
   * Known limit: a server that caps pages below `pageSize` ends the paging after its first page;
   * keep `pageSize` at or below the server's cap.
   */
  async queryAll(table: string, options: ODataQueryAllOptions = {}): Promise<Row[]> {
    const pageSize = options.pageSize ?? 500;
    wholeNumber(pageSize, "pageSize");
    if (pageSize === 0) throw new InputError("OData pageSize must be at least 1");

    const rows: Row[] = [];
    const limit = options.top ?? Number.POSITIVE_INFINITY;
    while (rows.length < limit) {
      const page = await this.query(table, {
        ...options,
        top: Math.min(pageSize, limit - rows.length),
        skip: rows.length,
      });
      rows.push(...page);
      if (page.length < pageSize) break;
    }

    return rows;
  }

  /**
   * The number of rows matching `filter`.
   * Known limit: counted by reading the rows (no `$count`), so a large table costs pages.
   */
  async count(
    table: string,
    filter?: ODataFilter,
    options: { signal?: AbortSignal } = {},
  ): Promise<number> {
    const rows = await this.queryAll(table, {
      ...(filter === undefined ? {} : { filter }),
      ...options,
    });

    return rows.length;
  }
}
