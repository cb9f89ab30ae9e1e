import { InputError } from "./errors.js";

/**
 * An OData `$filter` builder that quotes and escapes every value, so that a description such as
 * `O'Brien` (or `x' or 1 eq 1`) stays a literal.
 */

/** A value an OData comparison can hold. `Date` is written as `YYYY-MM-DDTHH:MM:SS` (UTC). */
export type ODataValue = string | number | boolean | null | Date | bigint;

/** A built filter expression. Create one with the helpers, never by hand. */
export class ODataExpression {
  private constructor(
    /** The expression text. */
    readonly text: string,
  ) {}

  /** @internal */
  static of(text: string): ODataExpression {
    return new ODataExpression(text);
  }

  toString(): string {
    return this.text;
  }
}

/**
 * A filter: a built expression, or an object of `field: value` pairs joined by `and`
 * (`{ supplier_id: 10001, expiration_date: null }` →
 * `supplier_id eq 10001 and expiration_date eq null`).
 */
export type ODataFilter = ODataExpression | Readonly<Record<string, ODataValue | undefined>>;

const fieldPattern = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;

function field(name: string): string {
  if (!fieldPattern.test(name)) {
    throw new InputError(`not an OData field name: ${JSON.stringify(name)}`);
  }

  return name;
}

/** Writes one value as an OData literal. */
export function literal(value: ODataValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new InputError(`not a finite number: ${value}`);

    return String(value);
  }

  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InputError("invalid date");

    return value.toISOString().slice(0, 19);
  }

  return `'${value.replace(/'/g, "''")}'`;
}

function comparison(operator: string) {
  return (name: string, value: ODataValue): ODataExpression =>
    ODataExpression.of(`${field(name)} ${operator} ${literal(value)}`);
}

/** `field eq value` */
export const eq = comparison("eq");
/** `field ne value` */
export const ne = comparison("ne");
/** `field gt value` */
export const gt = comparison("gt");
/** `field ge value` */
export const ge = comparison("ge");
/** `field lt value` */
export const lt = comparison("lt");
/** `field le value` */
export const le = comparison("le");

function join(operator: "and" | "or", parts: readonly ODataFilter[]): ODataExpression {
  const texts = parts.map(filterText).filter((text) => text !== "");
  if (texts.length === 1) return ODataExpression.of(texts[0] ?? "");

  return ODataExpression.of(texts.map((text) => `(${text})`).join(` ${operator} `));
}

/** All of the filters. */
export function and(...parts: ODataFilter[]): ODataExpression {
  return join("and", parts);
}

/** Any of the filters. */
export function or(...parts: ODataFilter[]): ODataExpression {
  return join("or", parts);
}

/** The negation of a filter. */
export function not(part: ODataFilter): ODataExpression {
  return ODataExpression.of(`not (${filterText(part)})`);
}

/** An expression written by hand, sent as is: the escape hatch (quote values with {@link literal}). */
export function raw(text: string): ODataExpression {
  return ODataExpression.of(text);
}

/** The `$filter` text of a filter. */
export function filterText(filter: ODataFilter): string {
  if (filter instanceof ODataExpression) return filter.text;

  return Object.entries(filter)
    .map(([name, value]) => {
      if (value === undefined) {
        throw new InputError(
          `filter value of ${name} is undefined (use null to match a missing value)`,
        );
      }

      return `${field(name)} eq ${literal(value)}`;
    })
    .join(" and ");
}
