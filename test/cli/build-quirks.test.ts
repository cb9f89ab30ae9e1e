import { describe, expect, it } from "vitest";
import { parseBuild, quirksForBuild } from "../../src/cli/doctor/quirks.js";

describe("doctor's build quirks", () => {
  it("reads build numbers in both spellings", () => {
    expect(parseBuild("26.1.5910.3")).toEqual({ major: 26, minor: 1, build: 5910 });
    expect(parseBuild("2025.2.5855.0")).toEqual({ major: 25, minor: 2, build: 5855 });
    expect(parseBuild(undefined)).toBeUndefined();
  });

  it("warns about the Accept quirk only on builds before 5940", () => {
    const old = quirksForBuild("26.1.5910.3").quirks.find((quirk) => quirk.number === 1);
    const current = quirksForBuild("26.1.5950.0").quirks.find((quirk) => quirk.number === 1);
    expect(old?.verdict).toBe("warn");
    expect(current?.verdict).toBe("ok");
    expect(quirksForBuild("25.2.5776.1").quirks.map((quirk) => quirk.number)).toContain(25);
    expect(quirksForBuild("unknown").known).toBe(false);
  });
});
