/** Where a JSON text breaks the grammar: line and column from 1, and what was expected. */
export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** What {@link scanJsonLayout} finds of the shape of a JSON text, without building it. */
export interface JsonLayout {
  /** The first place the text is not JSON; the rest is then unknown. */
  readonly error: JsonSyntaxError | undefined;
  /** When the text is an array: the line on which each of its elements starts. */
  readonly elementLines: readonly number[];
  /** Elements (by index) that are objects repeating a key, with the keys as the reader folds them. */
  readonly repeatedKeys: ReadonlyMap<number, readonly string[]>;
}

class JsonScanError extends Error {
  constructor(
    readonly at: number,
    message: string,
    /** What to do, said after what was found. */
    readonly hint = "",
  ) {
    super(message);
  }
}

const JSON_LINES_HINT =
  "; a file of one object per line (JSON Lines) is not read: put the objects in one array, between [ and ], with a comma after each but the last";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Scans a JSON text for what `JSON.parse` does not tell: the line of each element of the
 * top-level array (a record's row, for an editor's `FILE:LINE`), the keys an element object
 * repeats (`JSON.parse` keeps the last silently), and the line and column of a syntax error
 * (`JSON.parse` gives at most an offset). `fold` is how the reader compares keys.
 */
export function scanJsonLayout(text: string, fold: (key: string) => string): JsonLayout {
  let at = 0;
  let line = 1;
  let lineStart = 0;
  const elementLines: number[] = [];
  const repeatedKeys = new Map<number, string[]>();

  const fail = (message: string, hint?: string): never => {
    throw new JsonScanError(at, message, hint);
  };
  const skipWhitespace = (): void => {
    for (; at < text.length; at += 1) {
      const code = text.charCodeAt(at);
      if (code === NEWLINE) {
        line += 1;
        lineStart = at + 1;
      } else if (code !== 0x20 && code !== 0x09 && code !== 0x0d) {
        return;
      }
    }
  };
  const expect = (character: string, what: string): void => {
    skipWhitespace();
    if (text[at] !== character) fail(`expected ${what}`);
    at += 1;
  };

  const string = (): string => {
    const start = at;
    at += 1;
    let escaped = false;
    for (; at < text.length; at += 1) {
      const code = text.charCodeAt(at);
      if (code === QUOTE) {
        at += 1;
        const raw = text.slice(start + 1, at - 1);
        return escaped ? (JSON.parse(text.slice(start, at)) as string) : raw;
      }

      if (code < 0x20) fail("a line break or control character inside a string");
      if (code === BACKSLASH) {
        escaped = true;
        at += 1;
      }
    }

    return fail("a string that is not closed");
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const LITERAL = /true|false|null/y;
  const token = (pattern: RegExp, what: string): void => {
    pattern.lastIndex = at;
    if (!pattern.test(text)) fail(`expected ${what}`);
    at = pattern.lastIndex;
  };

  const value = (depth: number, element: number | undefined): void => {
    if (depth > 64) fail("values nested more than 64 deep");
    skipWhitespace();
    const character = text[at];
    if (character === "{") object(depth, element);
    else if (character === "[") array(depth);
    else if (character === '"') string();
    else if (character === "-" || (character !== undefined && character >= "0" && character <= "9"))
      token(NUMBER, "a number");
    else token(LITERAL, "a value (text, a number, true, false, null, an object or a list)");
  };

  const object = (depth: number, element: number | undefined): void => {
    at += 1;
    const seen = new Set<string>();
    skipWhitespace();
    if (text[at] === "}") {
      at += 1;
      return;
    }

    for (;;) {
      skipWhitespace();
      if (text[at] !== '"') fail("expected a key in double quotes");
      const key = fold(string());
      if (element !== undefined && seen.has(key)) {
        const repeated = repeatedKeys.get(element) ?? [];
        if (!repeated.includes(key)) repeated.push(key);
        repeatedKeys.set(element, repeated);
      }
      seen.add(key);
      expect(":", "':' after the key");
      value(depth + 1, undefined);
      skipWhitespace();
      if (text[at] === "}") {
        at += 1;
        return;
      }

      expect(",", "',' or '}' after a value");
    }
  };

  const array = (depth: number): void => {
    at += 1;
    skipWhitespace();
    if (text[at] === "]") {
      at += 1;
      return;
    }

    for (;;) {
      skipWhitespace();
      const element = depth === 0 ? elementLines.length : undefined;
      if (element !== undefined) elementLines.push(line);
      value(depth + 1, element);
      skipWhitespace();
      if (text[at] === "]") {
        at += 1;
        return;
      }

      expect(",", "',' or ']' after a value");
    }
  };

  try {
    value(0, undefined);
    skipWhitespace();
    if (at < text.length) {
      const jsonLines = text[at] === "{" && text.trimStart().startsWith("{");
      fail("expected the end of the file after the value", jsonLines ? JSON_LINES_HINT : "");
    }

    return { error: undefined, elementLines, repeatedKeys };
  } catch (error) {
    if (!(error instanceof JsonScanError)) throw error;

    const found =
      error.at < text.length
        ? `, found ${JSON.stringify(text[error.at])}`
        : ", found the end of the file";
    return {
      error: {
        line,
        column: error.at - lineStart + 1,
        message: `${error.message}${found}${error.hint}`,
      },
      elementLines,
      repeatedKeys,
    };
  }
}
