import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { P21Client } from "../../src/client/index.js";
import { startSimulator } from "../../src/simulator/index.js";
import { collect, ndjson, runChild, spawnCli, temporaryDirectory } from "./helpers.js";
import { afterSettled } from "./resume-pages.js";

describe("doctor", () => {
  let directory: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    directory = await temporaryDirectory();
  });

  afterAll(async () => {
    await directory.remove();
  });

  it.each(["26.1.5950", "26.1.5910", "25.2"] as const)(
    "checks a %s server read-only, one verdict per check",
    async (profile) => {
      const simulator = await startSimulator({ data: "demo", profile });
      try {
        simulator.resetStats();
        const outcome = await runChild(
          ["doctor", "--base-url", simulator.url, "-u", "api_user", "-p", "api_password", "--json"],
          { cwd: directory.path },
        );
        expect(outcome.exitCode).toBe(0);
        const checks = ndjson(outcome.stdout).filter((line) => line.type === "check");
        expect(checks.map((check) => check.check)).toEqual([
          "token",
          "router",
          "build",
          "session",
          "SalesPricePage",
          "SalesPriceBook",
          "odata",
          "lookups",
          "quirks",
          "journal",
        ]);
        expect(checks.every((check) => check.verdict === "ok" || check.verdict === "warn")).toBe(
          true,
        );
        const quirks = checks.at(-2) as { verdict: string; quirks: { number: number }[] };
        const numbers = quirks.quirks.map((quirk) => quirk.number);
        if (profile === "25.2") expect(numbers).toContain(25);
        else expect(numbers).toContain(26);
        if (profile === "26.1.5910") expect(quirks.verdict).toBe("warn");

        const stats = simulator.stats();
        expect(stats.requests["PUT /api/ui/interactive/v2/data"] ?? 0).toBe(0);
        expect(stats.requests["PUT /api/ui/interactive/v2/change"] ?? 0).toBe(0);
        expect(stats.sessionsOpen).toBe(0);

        const human = await runChild(
          ["doctor", "--base-url", simulator.url, "-u", "api_user", "-p", "api_password"],
          { cwd: directory.path },
        );
        expect(human.stdout).toMatch(/^ok\s+token/m);
        expect(human.stdout).toMatch(/^ok\s+odata/m);
      } finally {
        await simulator.close();
      }
    },
  );

  /** `doctor --json` against `baseUrl` as api_user: the outcome and its check lines. */
  async function doctorJson(baseUrl: string, password: string) {
    const outcome = await runChild(
      ["doctor", "--base-url", baseUrl, "-u", "api_user", "-p", password, "--json"],
      { cwd: directory.path },
    );

    return { outcome, checks: ndjson(outcome.stdout).filter((line) => line.type === "check") };
  }

  it("fails the token on a wrong password and skips what needs it (exit 3)", async () => {
    const simulator = await startSimulator({ data: "demo" });
    try {
      const { outcome, checks } = await doctorJson(simulator.url, "wrong");
      expect(outcome.exitCode).toBe(3);
      expect(checks[0]).toMatchObject({
        check: "token",
        verdict: "fail",
        action: expect.stringContaining("check the user and password") as unknown,
      });
      expect(checks.slice(1, -1).map((check) => [check.verdict, check.detail])).toEqual(
        Array.from({ length: 8 }, () => ["skip", "needs a token"]),
      );
      // Of this machine: told without a token.
      expect(checks.at(-1)).toMatchObject({ check: "journal", verdict: "ok" });
      expect(outcome.stdout).not.toContain("wrong");
    } finally {
      await simulator.close();
    }
  });

  it("given the UI server's URL, says that --base-url is the base URL; durations in whole ms", async () => {
    const simulator = await startSimulator({ data: "demo" });
    try {
      const { outcome, checks } = await doctorJson(`${simulator.url}/uiserver0`, "api_password");
      expect(outcome.exitCode).toBe(3);
      expect(checks[0]).toMatchObject({
        check: "token",
        verdict: "fail",
        action: expect.stringContaining("not the UI server's") as unknown,
      });
      expect(Number.isInteger(checks[0]?.durationMs)).toBe(true);
    } finally {
      await simulator.close();
    }
  });

  it("fails the session check when the API pool is full, still reads OData (exit 1)", async () => {
    const simulator = await startSimulator({ data: "demo", poolSize: 1, poolWaitMs: 50 });
    const holder = new P21Client({
      baseUrl: simulator.url,
      username: "api_user",
      password: "api_password",
    });
    try {
      const held = await holder.startSession();
      const outcome = await runChild(
        ["doctor", "--base-url", simulator.url, "-u", "api_user", "-p", "api_password", "--json"],
        { cwd: directory.path },
      );
      expect(outcome.exitCode).toBe(1);
      const checks = new Map(
        ndjson(outcome.stdout)
          .filter((line) => line.type === "check")
          .map((line) => [line.check, line]),
      );
      expect(checks.get("session")).toMatchObject({
        verdict: "fail",
        action: expect.stringContaining("every API instance is busy") as unknown,
      });
      expect(checks.get("SalesPricePage")).toMatchObject({ verdict: "skip" });
      expect(checks.get("odata")).toMatchObject({ verdict: "ok" });
      await held.close();
    } finally {
      await holder.close();
      await simulator.close();
    }
  });
});

describe("demo", () => {
  it("replaces 100 pages on the in-process simulator and prints its summary, exit 0", async () => {
    const directory = await temporaryDirectory();
    try {
      const outcome = await runChild(["demo", "--pages", "100", "--out", directory.path], {
        cwd: directory.path,
      });
      expect(outcome.exitCode).toBe(0);
      expect(outcome.stdout).toMatch(/expired\s+100/);
      expect(outcome.stdout).toMatch(/created\s+100/);
      expect(outcome.stdout).toMatch(/linked\s+100/);
      expect(outcome.stdout).toMatch(/failed\s+0/);
      for (const label of ["wall time", "production", "requests", "reference", "speed-up"]) {
        expect(outcome.stdout).toContain(label);
      }
    } finally {
      await directory.remove();
    }
  }, 60_000);

  it("gives its summary as JSON, with the figures it prints", async () => {
    const directory = await temporaryDirectory();
    try {
      const outcome = await runChild(
        ["demo", "--pages", "30", "--sessions", "2", "--out", directory.path, "--json"],
        { cwd: directory.path },
      );
      expect(outcome.exitCode).toBe(0);
      const summary = ndjson(outcome.stdout).at(-1) as Record<string, number | string>;
      expect(summary).toMatchObject({
        type: "summary",
        expired: 30,
        created: 30,
        linked: 30,
        failed: 0,
        timeScale: 0.01,
        exitCode: 0,
      });
      // Production time is the wall time (rounded to the millisecond here) over the scale.
      const fromWall = Number(summary.wallMs) / 0.01;
      expect(Math.abs(Number(summary.productionMs) - fromWall)).toBeLessThanOrEqual(0.5 / 0.01);
      expect(Number(summary.requestsPerPage)).toBeCloseTo(Number(summary.requests) / 30, 6);
      // The reference pattern needs more requests for the same job.
      expect(Number(summary.referenceRequests)).toBeGreaterThan(Number(summary.requests));
      expect(String(summary.results)).toContain(directory.path);
    } finally {
      await directory.remove();
    }
  }, 60_000);

  it("makes an --out directory that does not exist yet, with its parents", async () => {
    const directory = await temporaryDirectory();
    try {
      const out = join(directory.path, "new", "deeper");
      const outcome = await runChild(["demo", "--pages", "5", "--quiet", "--out", out], {
        cwd: directory.path,
      });
      expect(outcome.exitCode).toBe(0);
      expect(outcome.stderr).toBe("");
      // Asked for, the directory keeps everything: the journal too, its run lock released.
      expect(readdirSync(out).sort()).toEqual([
        "demo-pages.csv",
        "journal.db",
        "journal.db.locks",
        "results",
      ]);
      expect(readdirSync(join(out, "journal.db.locks"))).toEqual(["guard"]);
    } finally {
      await directory.remove();
    }
  }, 60_000);

  it("without --out, leaves in its temporary directory the input and the result files it printed, not its journal", async () => {
    const directory = await temporaryDirectory();
    try {
      const outcome = await runChild(["demo", "--pages", "5"], {
        cwd: directory.path,
        env: { TMPDIR: directory.path },
      });
      expect(outcome.exitCode).toBe(0);
      const made = readdirSync(directory.path);
      expect(made).toHaveLength(1);
      const demo = join(directory.path, made[0] ?? "");
      expect(outcome.stdout).toContain(`input ${join(demo, "demo-pages.csv")}`);
      expect(outcome.stdout).toContain(`Results: ${join(demo, "results", "results.csv")}`);
      expect(readdirSync(demo).sort()).toEqual(["demo-pages.csv", "results"]);
      expect(readdirSync(join(demo, "results")).sort()).toEqual([
        "errors.csv",
        "results.csv",
        "summary.json",
      ]);
    } finally {
      await directory.remove();
    }
  }, 60_000);

  it("stopped by a signal, removes its journal as well: the demo cannot be resumed", async () => {
    const directory = await temporaryDirectory();
    try {
      const child = spawnCli(["demo", "--json", "--time-scale", "0.05"], {
        cwd: directory.path,
        env: { TMPDIR: directory.path },
      });
      const outcome = collect(child);
      await afterSettled(child, 2);
      child.kill("SIGINT");
      expect((await outcome).exitCode).toBe(130);

      const [made = ""] = readdirSync(directory.path);
      const left = readdirSync(join(directory.path, made));
      expect(left).toContain("demo-pages.csv");
      expect(left.filter((name) => name.startsWith("journal.db"))).toEqual([]);
    } finally {
      await directory.remove();
    }
  }, 60_000);

  it.each(["0", "-1", "11", "fast"])("refuses --time-scale %s (exit 2)", async (scale) => {
    const outcome = await runChild(["demo", "--time-scale", scale], { cwd: process.cwd() });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("must be a number above 0 and at most 10");
  });
});

describe("simulator", () => {
  it("refuses at start a --state file whose directory does not exist (exit 2)", async () => {
    const directory = await temporaryDirectory();
    try {
      const state = join(directory.path, "missing", "state.json");
      const outcome = await runChild(["simulator", "--port", "0", "--state", state], {
        cwd: directory.path,
      });
      expect(outcome.exitCode).toBe(2);
      expect(outcome.stderr).toContain(
        `cannot keep the state in ${state}: the directory ${join(directory.path, "missing")} does not exist`,
      );
    } finally {
      await directory.remove();
    }
  });
});
