import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvParser } from "../../src/pricing/input/csv-parser.js";
import type { CsvRecord, CsvSyntaxProblem } from "../../src/pricing/input/csv-parser.js";

function parse(input: string | Uint8Array, chunkSizes: number[] = []) {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const records: CsvRecord[] = [];
  const problems: CsvSyntaxProblem[] = [];
  const parser = new CsvParser({
    record: (record) => records.push(record),
    problem: (problem) => problems.push(problem),
  });
  let offset = 0;
  for (const size of chunkSizes) {
    parser.push(bytes.subarray(offset, offset + size));
    offset += size;
  }

  parser.push(bytes.subarray(offset));
  parser.end();

  return { records, problems };
}

function serialise(rows: string[][], lineEnd: string): string {
  return rows
    .map((row) =>
      row.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(","),
    )
    .join(lineEnd);
}

describe("CsvParser", () => {
  it("reads quoted cells, doubled quotes and line breaks inside quotes", () => {
    const { records, problems } = parse('a,b\r\n"x, ""y""","line\nbreak"\r\nlast,row');
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { row: 1, cells: ["a", "b"] },
      { row: 2, cells: ['x, "y"', "line\nbreak"] },
      { row: 4, cells: ["last", "row"] },
    ]);
  });

  it("treats LF, CRLF and a lone CR as record ends, and a final line end as nothing more", () => {
    expect(parse("a\nb\r\nc\rd\n").records.map((record) => [record.row, record.cells])).toEqual([
      [1, ["a"]],
      [2, ["b"]],
      [3, ["c"]],
      [4, ["d"]],
    ]);
  });

  it("skips a UTF-8 byte order mark, even when it arrives split over chunks", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("é,b\n")]);
    for (const chunks of [[], [1], [1, 1], [2], [3], [4]]) {
      const { records, problems } = parse(bytes, chunks);
      expect(problems).toEqual([]);
      expect(records).toEqual([{ row: 1, cells: ["é", "b"] }]);
    }
  });

  it("reports invalid UTF-8 with its row and cell, and reads on", () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode("a,b\nok,"),
      0xc3,
      0x28,
      ...new TextEncoder().encode("\nfine,too\n"),
    ]);
    const { records, problems } = parse(bytes);
    expect(problems).toEqual([
      { row: 2, cell: 1, message: "the cell is not valid UTF-8; save the file as CSV UTF-8" },
    ]);
    expect(records.map((record) => record.row)).toEqual([1, 2, 3]);
  });

  it("reports an unclosed quote at the row where the cell starts", () => {
    const { problems } = parse('a,b\n1,"open\nstill open');
    expect(problems).toEqual([
      { row: 2, cell: 1, message: "a quoted cell is never closed: a double quote is missing" },
    ]);
  });

  it("refuses a UTF-16 file at once", () => {
    const { records, problems } = parse(new Uint8Array([0xff, 0xfe, 0x61, 0x00]));
    expect(records).toEqual([]);
    expect(problems).toHaveLength(1);
  });

  it("gives the same records whatever the chunking (property)", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "é", ",", '"', "\n", "\r\n", " ", "1") });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom("\n", "\r\n"),
        fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 20 }),
        (rows, lineEnd, chunks) => {
          const text = serialise(rows, lineEnd);
          const whole = parse(text);
          const chunked = parse(text, chunks);
          expect(chunked).toEqual(whole);
          expect(whole.problems).toEqual([]);
          expect(whole.records.map((record) => record.cells)).toEqual(rows);
        },
      ),
    );
  });
});
