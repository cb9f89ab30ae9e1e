// The bench's verdicts and the README's account of them: each goal flips exactly at its
// threshold, and the README's figures and verdicts are those of the committed full run.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { judgeGoals } from "../../bench/report.js";
import type { BenchResults, GoalVerdict } from "../../bench/report.js";

const latestUrl = new URL("../../bench/results/latest.json", import.meta.url);
const readmeUrl = new URL("../../README.md", import.meta.url);

async function latest(): Promise<BenchResults> {
  return JSON.parse(await readFile(latestUrl, "utf8")) as BenchResults;
}

/** `value`, which a full run's results hold. */
function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no ${what} figures`);

  return value;
}

function verdict(goals: readonly GoalVerdict[], name: string): GoalVerdict {
  const found = goals.find((goal) => goal.goal.startsWith(name));
  if (found === undefined) throw new Error(`no goal "${name}"`);

  return found;
}

/** The cells of the README table row whose first cell is `label`. */
function tableRow(readme: string, label: string): string[] {
  const line = readme.split("\n").find((text) => text.startsWith(`| ${label} `));
  if (line === undefined) throw new Error(`the README has no table row "${label}"`);

  return line
    .split("|")
    .slice(1, -1)
    .map((cell) => cell.trim());
}

/** The README's Goals rows and the bench goals each stands for. */
const README_GOALS: Record<string, string[]> = {
  "(b) ≤ 0.6 × (a)": ["workflow (b) ≤ 0.6"],
  "(c) ≤ 0.15 × (a)": ["workflow (c) ≤ 0.15"],
  "(c) ≤ 1.25 × its lower bound": ["workflow (c) ≤ 1.25"],
  "requests per created and linked page ≤ 8 in (b) and (c)": [
    "requests per created and linked page ≤ 8 in (b)",
    "requests per created and linked page ≤ 8 in (c)",
  ],
  "engine CPU ≤ 0.5 ms per record": ["engine CPU ≤ 0.5"],
  "the journal adds ≤ 20 %": ["the journal adds ≤ 20 %"],
  "validation and planning grow linearly": ["scale: time grows linearly"],
  "peak RSS ≤ 200 MB at 100,000 rows": ["scale: peak RSS ≤ 200 MB"],
  "simulator ≥ 3,000 changes/s, flat memory": ["simulator ≥ 3,000", "simulator memory flat"],
};

describe("the bench's goal verdicts", () => {
  it("are the ones the committed full run recorded, for the figures it recorded", async () => {
    const results = await latest();
    expect(results.machine.quick).toBe(false);
    expect(judgeGoals(results)).toEqual(results.goals);
  });

  it("flip exactly at each goal's threshold", async () => {
    const results = await latest();
    const judged = (change: (copy: BenchResults) => void, name: string) => {
      const copy = structuredClone(results);
      change(copy);
      return verdict(judgeGoals(copy), name).met;
    };
    const cases: [string, (copy: BenchResults, at: boolean) => void][] = [
      [
        "workflow (b) ≤ 0.6",
        (c, at) => (required(c.workflow, "workflow").single.ratioToReference = at ? 0.6 : 0.601),
      ],
      [
        "workflow (c) ≤ 0.15",
        (c, at) => (required(c.workflow, "workflow").parallel.ratioToReference = at ? 0.15 : 0.151),
      ],
      [
        "workflow (c) ≤ 1.25",
        (c, at) => {
          const figures = required(c.workflow, "workflow");
          figures.parallel.wallMs = figures.parallelLowerBoundMs * (at ? 1.25 : 1.2501);
        },
      ],
      [
        "requests per created and linked page ≤ 8 in (b)",
        (c, at) =>
          (required(c.workflow, "workflow").single.requestsPerCreatedAndLinkedPage = at ? 8 : 8.01),
      ],
      [
        "requests per created and linked page ≤ 8 in (c)",
        (c, at) =>
          (required(c.workflow, "workflow").parallel.requestsPerCreatedAndLinkedPage = at
            ? 8
            : 8.01),
      ],
      [
        "engine CPU ≤ 0.5",
        (c, at) => (required(c.overhead, "overhead").cpuMsPerRecord = at ? 0.5 : 0.501),
      ],
      [
        "the journal adds ≤ 20 %",
        (c, at) => (required(c.overhead, "overhead").journalCpuShare = at ? 0.2 : 0.201),
      ],
      [
        "scale: time grows linearly",
        (c, at) => {
          const small = required(c.scale?.rows10k, "10k scale");
          required(c.scale?.rows100k, "100k scale").microsecondsPerRow =
            small.microsecondsPerRow * (at ? 1.5 : 1.51);
        },
      ],
      [
        "scale: peak RSS ≤ 200 MB",
        (c, at) => (required(c.scale?.rows100k, "100k scale").peakRssMb = at ? 200 : 201),
      ],
      [
        "simulator ≥ 3,000",
        (c, at) => (required(c.simulator, "simulator").changesPerSecond = at ? 3_000 : 2_999),
      ],
      [
        "simulator memory flat",
        (c, at) => (required(c.simulator, "simulator").rssGrowthMb = at ? 16 : 16.1),
      ],
    ];

    for (const [name, set] of cases) {
      expect(
        judged((copy) => set(copy, true), name),
        `${name}, at the threshold`,
      ).toBe(true);
      expect(
        judged((copy) => set(copy, false), name),
        `${name}, past it`,
      ).toBe(false);
    }
    expect(cases).toHaveLength(results.goals.length);
  });

  it("mark a section that did not run as not run", async () => {
    const results = await latest();
    delete results.workflow;
    const goals = judgeGoals(results);

    expect(verdict(goals, "workflow (b)")).toEqual({
      goal: "workflow (b) ≤ 0.6 × (a)",
      measured: "—",
      met: "not run",
    });
    // The sections that ran keep the verdicts the run recorded.
    expect(verdict(goals, "engine CPU")).toEqual(verdict(results.goals, "engine CPU"));
  });
});

describe("the README's Performance section", () => {
  it("gives the committed run's figure and verdict for every goal", async () => {
    const [results, readme] = await Promise.all([latest(), readFile(readmeUrl, "utf8")]);
    const covered = new Set<string>();

    for (const [label, names] of Object.entries(README_GOALS)) {
      const [, thisRun = "", , shown = ""] = tableRow(readme, label);
      const goals = names.map((name) => verdict(results.goals, name));
      for (const goal of goals) {
        covered.add(goal.goal);
        for (const figure of goal.measured.match(/\d[\d,]*(?:\.\d+)?/g) ?? []) {
          expect(thisRun, label).toContain(figure);
        }
      }

      const met = goals.every((goal) => goal.met === true);
      expect(shown, label).toBe(met ? "met" : "**missed**");
    }
    expect([...covered].sort()).toEqual(results.goals.map((goal) => goal.goal).sort());
  });

  it("gives the committed run's wall times and ratios for the three configurations", async () => {
    const [results, readme] = await Promise.all([latest(), readFile(readmeUrl, "utf8")]);
    const workflow = results.workflow;
    if (workflow === undefined) throw new Error("no workflow figures");
    const rows: [string, typeof workflow.reference][] = [
      ["(a) the production pattern", workflow.reference],
      ["(b) p21kit's defaults, 1 session", workflow.single],
      ["(c) p21kit's defaults, 5 sessions", workflow.parallel],
    ];

    for (const [label, figures] of rows) {
      const line = readme.split("\n").find((text) => text.startsWith(`| ${label}`)) ?? "";
      const cells = line.split("|").map((cell) => cell.trim());
      expect(cells.slice(2, 5), label).toEqual([
        `${(figures.wallMs / 1_000).toFixed(1)} s`,
        `${(figures.productionMs / 60_000).toFixed(1)} min`,
        figures.ratioToReference.toFixed(3),
      ]);
    }
  });
});
