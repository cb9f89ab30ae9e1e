import { describe, expect, it } from "vitest";
import { estimateReferencePattern } from "../../src/cli/demo/production-estimate.js";
import { SEED_LATENCY } from "../../src/simulator/latency.js";

describe("the reference pattern estimate", () => {
  it("adds up the timing table the way the production guide runs a job", () => {
    const estimate = estimateReferencePattern(SEED_LATENCY, {
      expired: 0,
      created: 25,
      links: 25,
      formFieldsPerPage: 8,
      valuesFieldsPerPage: 2,
    });
    // auth 250; create batch 300+100+500+200 = 1100, pages 25 × (10×100 + 100 + 400 + 200);
    // link batch 400, links 25 × (500 + 200 + 100 + 100 + 400 + 200).
    expect(estimate.totalMs).toBe(250 + 1_100 + 25 * 1_700 + 400 + 25 * 1_500);
    expect(estimate.requests).toBe(2 + 4 + 25 * 13 + 2 + 25 * 7);
  });

  it("lands near the production guide's 2.5 s per page with one book", () => {
    const estimate = estimateReferencePattern(SEED_LATENCY, {
      expired: 700,
      created: 700,
      links: 700,
      formFieldsPerPage: 8,
      valuesFieldsPerPage: 2,
    });
    expect(estimate.perPageMs).toBeGreaterThan(2_500);
    expect(estimate.perPageMs).toBeLessThan(5_500);
  });
});
