import { describe, expect, it } from "vitest";
import { CliOutput } from "../../src/cli/output/cli-output.js";
import { printPlan } from "../../src/cli/output/plan.js";
import type { WorkflowPlan } from "../../src/pricing/index.js";
import { bufferedIo } from "./buffered-io.js";

/** A plan that creates `count` pages and nothing else. */
function planOf(count: number): WorkflowPlan {
  const create = Array.from({ length: count }, (_, index) => ({
    action: "run" as const,
    naturalKey: `10010|ABRAS|Page ${index}|2027-01-01`,
    input: { row: index + 2 } as never,
  }));

  return {
    kind: "create",
    expire: [],
    create,
    link: [],
    linkAfterCreate: [],
    counts: { expire: 0, create: count, link: 0, skipped: 0 },
  };
}

describe("a dry run's plan on the terminal", () => {
  it("lists the first 50 of a kind, then says how to see every one", () => {
    const { io, text } = bufferedIo();
    printPlan(new CliOutput(io), planOf(70), { json: false, file: "pages.csv" });

    expect(text.stdout).toContain("  row 51: 10010|ABRAS|Page 49|2027-01-01\n");
    expect(text.stdout).not.toContain("Page 50|");
    expect(text.stdout).toContain(
      "  … and 20 more (--out DIR writes every record to DIR/plan.csv)\n",
    );
  });

  it("names the plan file once one was written", () => {
    const { io, text } = bufferedIo();
    printPlan(new CliOutput(io), planOf(70), {
      json: false,
      file: "pages.csv",
      planFile: "out/plan.csv",
    });

    expect(text.stdout).toContain("  … and 20 more (all in out/plan.csv)\n");
    expect(text.stdout.trimEnd().split("\n").at(-1)).toBe("Every record of the plan: out/plan.csv");
  });
});
