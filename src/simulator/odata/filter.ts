/**
 * The `$filter` subset the simulator understands: comparisons (`eq ne gt ge lt le`) joined by
 * `and` / `or` / `not`, parentheses, the functions `contains`, `startswith`, `endswith`, and
 * literals: `'strings'` (with `''` as a quote), numbers, `true` / `false`, `null`, dates
 * (`2026-01-01`), date-times (`2026-01-01T00:00:00Z`) and `datetime'…'`.
 */
export type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "date"; value: string };

export type Operand = { kind: "column"; name: string } | { kind: "literal"; literal: Literal };

export type ComparisonOperator = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

export type FilterExpression =
  | { kind: "and" | "or"; left: FilterExpression; right: FilterExpression }
  | { kind: "not"; operand: FilterExpression }
  | { kind: "compare"; operator: ComparisonOperator; left: Operand; right: Operand }
  | {
      kind: "function";
      name: "contains" | "startswith" | "endswith";
      column: string;
      text: string;
    };

export class FilterSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FilterSyntaxError";
  }
}

type Token =
  | { kind: "open" | "close" | "comma"; position: number }
  | { kind: "word"; text: string; position: number }
  | { kind: "literal"; literal: Literal; position: number };

const COMPARISONS = new Set<string>(["eq", "ne", "gt", "ge", "lt", "le"]);
const FUNCTIONS = new Set<string>(["contains", "startswith", "endswith"]);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

const DATE_TIME_PARTS =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** `"YYYY-MM-DDTHH:MM:SS"` of a date or date-time literal (offsets are dropped). */
export function canonicalDateTime(text: string): string | undefined {
  const match = DATE_TIME_PARTS.exec(text);
  if (match === null) return undefined;

  const [, year = "", month = "", day = "", hours = "00", minutes = "00", seconds = "00"] = match;
  const instant = new Date(`${year}-${month}-${day}T${hours}:${minutes}:${seconds}Z`);
  if (Number.isNaN(instant.getTime()) || instant.getUTCDate() !== Number(day)) return undefined;
  return `${year}-${month}-${day}T${hours}:${minutes}:${seconds}`;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < source.length) {
    const rest = source.slice(position);
    const character = source[position];
    if (character === " " || character === "\t" || character === "\n" || character === "\r") {
      position += 1;
      continue;
    }

    if (character === "(" || character === ")" || character === ",") {
      tokens.push({
        kind: character === "(" ? "open" : character === ")" ? "close" : "comma",
        position,
      });
      position += 1;
      continue;
    }

    if (character === "'") {
      const { value, end } = readQuoted(source, position);
      tokens.push({ kind: "literal", literal: { kind: "string", value }, position });
      position = end;
      continue;
    }

    const dateMatch = DATE_TIME.exec(rest);
    if (dateMatch !== null && /^\d{4}-/.test(rest)) {
      const value = canonicalDateTime(dateMatch[0]);
      if (value === undefined)
        throw new FilterSyntaxError(
          `Invalid date literal '${dateMatch[0]}' at position ${position}.`,
        );
      tokens.push({ kind: "literal", literal: { kind: "date", value }, position });
      position += dateMatch[0].length;
      continue;
    }

    const numberMatch = NUMBER.exec(rest);
    if (numberMatch !== null) {
      const text = numberMatch[0].replace(/[mMdDfFlL]$/, "");
      tokens.push({ kind: "literal", literal: { kind: "number", value: Number(text) }, position });
      position += numberMatch[0].length;
      continue;
    }

    const wordMatch = WORD.exec(rest);
    if (wordMatch !== null) {
      const word = wordMatch[0];
      const after = position + word.length;
      if ((word === "datetime" || word === "datetimeoffset") && source[after] === "'") {
        const { value: quoted, end } = readQuoted(source, after);
        const value = canonicalDateTime(quoted);
        if (value === undefined)
          throw new FilterSyntaxError(`Invalid date literal '${quoted}' at position ${position}.`);
        tokens.push({ kind: "literal", literal: { kind: "date", value }, position });
        position = end;
        continue;
      }

      if (word === "null") tokens.push({ kind: "literal", literal: { kind: "null" }, position });
      else if (word === "true" || word === "false") {
        tokens.push({
          kind: "literal",
          literal: { kind: "boolean", value: word === "true" },
          position,
        });
      } else tokens.push({ kind: "word", text: word, position });
      position = after;
      continue;
    }

    throw new FilterSyntaxError(
      `Syntax error: character '${character ?? ""}' is not valid at position ${position}.`,
    );
  }

  return tokens;
}

function readQuoted(source: string, start: number): { value: string; end: number } {
  let value = "";
  let position = start + 1;
  while (position < source.length) {
    const character = source[position];
    if (character === "'") {
      if (source[position + 1] === "'") {
        value += "'";
        position += 2;
        continue;
      }

      return { value, end: position + 1 };
    }

    value += character;
    position += 1;
  }

  throw new FilterSyntaxError(`There is an unterminated string literal at position ${start}.`);
}

/** Parses a `$filter` expression; throws `FilterSyntaxError` with a position on bad input. */
export function parseFilter(source: string): FilterExpression {
  const tokens = tokenize(source);
  let index = 0;

  const peek = () => tokens[index];
  const isWord = (text: string) => {
    const token = peek();
    return token?.kind === "word" && token.text.toLowerCase() === text;
  };
  const fail = (expected: string): never => {
    const token = peek();
    const where =
      token === undefined ? "at the end of the expression" : `at position ${token.position}`;
    throw new FilterSyntaxError(`Syntax error: ${expected} expected ${where}.`);
  };

  const parseOr = (): FilterExpression => {
    let left = parseAnd();
    while (isWord("or")) {
      index += 1;
      left = { kind: "or", left, right: parseAnd() };
    }

    return left;
  };

  const parseAnd = (): FilterExpression => {
    let left = parseUnary();
    while (isWord("and")) {
      index += 1;
      left = { kind: "and", left, right: parseUnary() };
    }

    return left;
  };

  const parseUnary = (): FilterExpression => {
    if (isWord("not")) {
      index += 1;
      return { kind: "not", operand: parseUnary() };
    }

    const token = peek();
    if (token?.kind === "open") {
      index += 1;
      const inner = parseOr();
      if (peek()?.kind !== "close") fail("')'");
      index += 1;
      return inner;
    }

    if (
      token?.kind === "word" &&
      FUNCTIONS.has(token.text.toLowerCase()) &&
      tokens[index + 1]?.kind === "open"
    ) {
      return parseFunction(token.text.toLowerCase() as "contains" | "startswith" | "endswith");
    }

    return parseComparison();
  };

  const parseFunction = (name: "contains" | "startswith" | "endswith"): FilterExpression => {
    index += 2;
    const column = peek();
    if (column?.kind !== "word") fail("a property name");
    index += 1;
    if (peek()?.kind !== "comma") fail("','");
    index += 1;
    const text = peek();
    if (text?.kind !== "literal" || text.literal.kind !== "string") fail("a string literal");
    index += 1;
    if (peek()?.kind !== "close") fail("')'");
    index += 1;
    const columnName = (column as { text: string }).text;
    const value = (text as { literal: { value: string } }).literal.value;
    return { kind: "function", name, column: columnName, text: value };
  };

  const parseOperand = (): Operand => {
    const token = peek();
    if (token?.kind === "word") {
      if (
        COMPARISONS.has(token.text.toLowerCase()) ||
        ["and", "or", "not"].includes(token.text.toLowerCase())
      ) {
        fail("a property name or literal");
      }

      index += 1;
      return { kind: "column", name: token.text };
    }

    if (token?.kind === "literal") {
      index += 1;
      return { kind: "literal", literal: token.literal };
    }

    return fail("a property name or literal");
  };

  const parseComparison = (): FilterExpression => {
    const left = parseOperand();
    const operatorToken = peek();
    if (operatorToken?.kind !== "word" || !COMPARISONS.has(operatorToken.text.toLowerCase())) {
      fail("a comparison operator (eq, ne, gt, ge, lt, le)");
    }

    index += 1;
    const operator = (operatorToken as { text: string }).text.toLowerCase() as ComparisonOperator;
    const right = parseOperand();
    return { kind: "compare", operator, left, right };
  };

  if (tokens.length === 0) fail("an expression");
  const expression = parseOr();
  if (index < tokens.length) fail("the end of the expression ('and' or 'or')");
  return expression;
}
