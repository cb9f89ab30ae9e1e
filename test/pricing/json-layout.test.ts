import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanJsonLayout } from "../../src/pricing/input/json-layout.js";

const fold = (key: string) => key.trim().toLowerCase();

describe("the layout of a JSON text", () => {
  it("gives the line each element of the top-level array starts on", () => {
    const text = '[\n  {"a": 1},\n\n  {\n    "a": 2\n  }, "x", [1,\n 2], 3\n]\n';
    const layout = scanJsonLayout(text, fold);
    expect(layout.error).toBeUndefined();
    expect(layout.elementLines).toEqual([2, 4, 6, 6, 7]);
  });

  it("names the keys an element object repeats, as the reader folds them, once each", () => {
    const text =
      '[{"Description": "a", "description ": "b", "description": "c"}, {"a": {"b": 1, "b": 2}}]';
    const layout = scanJsonLayout(text, fold);
    expect([...layout.repeatedKeys]).toEqual([[0, ["description"]]]);
  });

  it("reads escapes in keys before it compares them", () => {
    const layout = scanJsonLayout('[{"ab": 1, "a\\u0062": 2}]', fold);
    expect([...layout.repeatedKeys]).toEqual([[0, ["ab"]]]);
  });

  it.each([
    ['[\n  {"a": 1,\n  }\n]', 3, 3, 'expected a key in double quotes, found "}"'],
    ["[1, 2", 1, 6, "expected ',' or ']' after a value, found the end of the file"],
    [
      '[{"a": tru}]',
      1,
      8,
      'expected a value (text, a number, true, false, null, an object or a list), found "t"',
    ],
    [
      '[{"a": "one\ntwo"}]',
      1,
      12,
      'a line break or control character inside a string, found "\\n"',
    ],
    ['[{"a": "open}]', 1, 15, "a string that is not closed, found the end of the file"],
    ["[01]", 1, 3, "expected ',' or ']' after a value, found \"1\""],
    ["[1] [2]", 1, 5, 'expected the end of the file after the value, found "["'],
    [
      '{"a": 1}\n{"a": 2}',
      2,
      1,
      'expected the end of the file after the value, found "{"; a file of one object per line (JSON Lines) is not read: put the objects in one array, between [ and ], with a comma after each but the last',
    ],
    [`${"[".repeat(70)}${"]".repeat(70)}`, 1, 66, 'values nested more than 64 deep, found "["'],
  ])("places a syntax error: %j at line %i, column %i", (text, line, column, message) => {
    expect(scanJsonLayout(text, fold).error).toEqual({ line, column, message });
  });

  it("finds no error in any text JSON.parse reads, and an error in none it does not", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(scanJsonLayout(text, fold).error).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        expect(scanJsonLayout(text, fold).error === undefined).toBe(parses);
      }),
    );
  });
});
