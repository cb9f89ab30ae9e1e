import type { CellValue, ColumnType, Row } from "../data/schema.js";
import {
  canonicalDateTime,
  FilterSyntaxError,
  parseFilter,
  type FilterExpression,
  type Literal,
  type Operand,
} from "./filter.js";

/** A query the server refuses (answered 400 with the error envelope). */
export class ODataQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ODataQueryError";
  }
}

export interface ODataParameters {
  filter?: string;
  select?: string;
  orderby?: string;
  top?: string;
  skip?: string;
  count?: string;
}

export interface ODataResult {
  rows: Row[];
  count: number | undefined;
}

const EDM_TYPES: Record<ColumnType | Literal["kind"], string> = {
  number: "Edm.Int32",
  string: "Edm.String",
  date: "Edm.DateTimeOffset",
  boolean: "Edm.Boolean",
  null: "null",
};

type Value = CellValue | boolean;
type Compiled = (row: Row) => boolean;

/**
 * Runs `$filter`, `$orderby`, `$skip`, `$top`, `$select` and `$count` over a table. Strings
 * compare case-insensitively, as on P21's SQL Server collation; a comparison of a column with
 * a literal of another type is refused, as OData does (`supplier_id eq '10'`).
 */
export function runQuery(
  table: string,
  schema: ReadonlyMap<string, ColumnType>,
  source: Iterable<Row>,
  parameters: ODataParameters,
): ODataResult {
  const columnType = (name: string): ColumnType => {
    const type = schema.get(name);
    if (type === undefined)
      throw new ODataQueryError(`Could not find a property named '${name}' on type '${table}'.`);
    return type;
  };

  let predicate: Compiled | undefined;
  if (parameters.filter !== undefined && parameters.filter.trim() !== "") {
    let expression: FilterExpression;
    try {
      expression = parseFilter(parameters.filter);
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw new ODataQueryError(error.message);
      throw error;
    }

    predicate = compile(expression, columnType);
  }

  const select = parseList(parameters.select).map((name) => {
    columnType(name);
    return name;
  });
  const order = parseList(parameters.orderby).map((part) => {
    const [name = "", direction = "asc", ...rest] = part.split(/\s+/);
    if (rest.length > 0 || (direction !== "asc" && direction !== "desc")) {
      throw new ODataQueryError(`Syntax error in $orderby at '${part}'.`);
    }

    columnType(name);
    return { name, descending: direction === "desc" };
  });
  const top = parseCount("$top", parameters.top);
  const skip = parseCount("$skip", parameters.skip) ?? 0;
  const withCount = parseBoolean("$count", parameters.count);

  let rows: Row[] = [];
  for (const row of source) if (predicate === undefined || predicate(row)) rows.push(row);
  if (order.length > 0) {
    rows = [...rows].sort((left, right) => {
      for (const { name, descending } of order) {
        const compared = compareValues(left[name] ?? null, right[name] ?? null);
        if (compared !== 0) return descending ? -compared : compared;
      }

      return 0;
    });
  }

  const count = withCount ? rows.length : undefined;
  const page = rows.slice(skip, top === undefined ? undefined : skip + top);
  const projected = page.map((row) => {
    if (select.length === 0) return { ...row };
    const picked: Row = {};
    for (const name of select) picked[name] = row[name] ?? null;
    return picked;
  });
  return { rows: projected, count };
}

function parseList(text: string | undefined): string[] {
  if (text === undefined || text.trim() === "") return [];
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

function parseCount(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) {
    throw new ODataQueryError(
      `Invalid value '${text}' for ${name} query option: a non-negative integer is expected.`,
    );
  }

  return Number(text.trim());
}

function parseBoolean(name: string, text: string | undefined): boolean {
  if (text === undefined) return false;
  const lower = text.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new ODataQueryError(
    `Invalid value '${text}' for ${name} query option: 'true' or 'false' is expected.`,
  );
}

function compile(expression: FilterExpression, columnType: (name: string) => ColumnType): Compiled {
  switch (expression.kind) {
    case "and": {
      const left = compile(expression.left, columnType);
      const right = compile(expression.right, columnType);
      return (row) => left(row) && right(row);
    }

    case "or": {
      const left = compile(expression.left, columnType);
      const right = compile(expression.right, columnType);
      return (row) => left(row) || right(row);
    }

    case "not": {
      const operand = compile(expression.operand, columnType);
      return (row) => !operand(row);
    }

    case "function": {
      if (columnType(expression.column) !== "string") {
        throw new ODataQueryError(
          `No function signature for the function with name '${expression.name}' matches the property '${expression.column}'.`,
        );
      }

      const wanted = expression.text.toLowerCase();
      const column = expression.column;
      const test =
        expression.name === "contains"
          ? (text: string) => text.includes(wanted)
          : expression.name === "startswith"
            ? (text: string) => text.startsWith(wanted)
            : (text: string) => text.endsWith(wanted);
      return (row) => {
        const value = row[column];
        return typeof value === "string" && test(value.toLowerCase());
      };
    }

    case "compare": {
      const left = operandReader(
        expression.left,
        expression.right,
        columnType,
        expression.operator,
      );
      const right = operandReader(
        expression.right,
        expression.left,
        columnType,
        expression.operator,
      );
      const operator = expression.operator;
      return (row) => {
        const compared = compareValues(left(row), right(row));
        const leftValue = left(row);
        const rightValue = right(row);
        if (operator === "eq")
          return leftValue === null || rightValue === null
            ? leftValue === rightValue
            : compared === 0;
        if (operator === "ne")
          return leftValue === null || rightValue === null
            ? leftValue !== rightValue
            : compared !== 0;
        if (leftValue === null || rightValue === null) return false;
        if (operator === "gt") return compared > 0;
        if (operator === "ge") return compared >= 0;
        if (operator === "lt") return compared < 0;
        return compared <= 0;
      };
    }
  }
}

function typeOfOperand(
  operand: Operand,
  columnType: (name: string) => ColumnType,
): ColumnType | Literal["kind"] {
  return operand.kind === "column" ? columnType(operand.name) : operand.literal.kind;
}

/** Reads one side of a comparison, after checking that both sides' types agree. */
function operandReader(
  operand: Operand,
  other: Operand,
  columnType: (name: string) => ColumnType,
  operator: string,
): (row: Row) => Value {
  const ownType = typeOfOperand(operand, columnType);
  const otherType = typeOfOperand(other, columnType);
  const compatible =
    ownType === "null" ||
    otherType === "null" ||
    ownType === otherType ||
    (ownType === "date" && otherType === "string") ||
    (ownType === "string" && otherType === "date");
  if (!compatible) {
    throw new ODataQueryError(
      `A binary operator with incompatible types was detected. Found operand types '${EDM_TYPES[ownType]}' and '${EDM_TYPES[otherType]}' for operator kind '${operator}'.`,
    );
  }

  if (operand.kind === "column") {
    const name = operand.name;
    return (row) => row[name] ?? null;
  }

  const literal = operand.literal;
  let value: Value;
  switch (literal.kind) {
    case "null":
      value = null;
      break;
    case "string":
      if (otherType === "date") {
        const canonical = canonicalDateTime(literal.value);
        if (canonical === undefined)
          throw new ODataQueryError(`The string '${literal.value}' is not a valid date.`);
        value = canonical;
      } else {
        value = literal.value;
      }

      break;
    default:
      value = literal.value;
  }

  return () => value;
}

function compareValues(left: Value, right: Value): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  if (typeof left === "number" && typeof right === "number") return left - right;
  const leftText = String(left).toLowerCase();
  const rightText = String(right).toLowerCase();
  return leftText < rightText ? -1 : leftText > rightText ? 1 : 0;
}
