import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { isoTimestamp } from "../../src/journal/timestamps.js";

describe("isoTimestamp", () => {
  it("gives the text toISOString gives, for any millisecond of years 0000 to 9999", () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse("0000-01-01T00:00:00.000Z"),
          max: Date.parse("9999-12-31T23:59:59.999Z"),
        }),
        (ms) => {
          expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it("gives the same text on the edges: leap days, the epoch, the turn of a century", () => {
    for (const text of [
      "1970-01-01T00:00:00.000Z",
      "1969-12-31T23:59:59.999Z",
      "2000-02-29T12:34:56.789Z",
      "1900-03-01T00:00:00.000Z",
      "2100-02-28T23:59:59.999Z",
      "0000-01-01T00:00:00.000Z",
      "9999-12-31T23:59:59.999Z",
    ]) {
      expect(isoTimestamp(Date.parse(text))).toBe(text);
    }
  });

  it("leaves years outside four digits, and invalid times, to toISOString", () => {
    const far = Date.parse("+012345-06-07T00:00:00.000Z");

    expect(isoTimestamp(far)).toBe("+012345-06-07T00:00:00.000Z");
    expect(isoTimestamp(-62_198_755_200_001)).toBe(new Date(-62_198_755_200_001).toISOString());
    expect(() => isoTimestamp(Number.NaN)).toThrow(RangeError);
  });
});
