// One p21kit command of the soak in a child process: its outcome, and what it printed that it
// never should.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RunSummaryLine } from "../src/cli/execute-run.js";
import { KillWatcher, type KillLanding, type KillPlan } from "./soak-kills.js";

const cliPath = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

export interface CommandOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  summary: RunSummaryLine | undefined;
  stdout: string;
  stderr: string;
  /** The command ran past its timeout and was killed. */
  stuck: boolean;
  /** Where the soak's kill landed, if it did. */
  landing: KillLanding | undefined;
}

/**
 * Runs `p21kit ARGS --json` in `cwd` and returns its exit code and last (summary) line; kills
 * it (SIGKILL) when it runs longer than `timeoutMs`, and as `kill` plans when one is given.
 */
export function runCommand(
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
  kill?: { plan: KillPlan; starts: boolean; watch: (watcher: KillWatcher | undefined) => void },
) {
  return new Promise<CommandOutcome>((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args, "--json"], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const watcher =
      kill === undefined ? undefined : new KillWatcher(child, kill.plan, { starts: kill.starts });
    kill?.watch(watcher);
    let stuck = false;
    const timer = setTimeout(() => {
      stuck = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      watcher?.stop();
      kill?.watch(undefined);
      const last = stdout.trim().split("\n").at(-1) ?? "";
      let summary: RunSummaryLine | undefined;
      try {
        const parsed = JSON.parse(last) as Partial<RunSummaryLine>;
        if (parsed.type === "summary") summary = parsed as RunSummaryLine;
      } catch {
        summary = undefined;
      }

      resolve({
        exitCode,
        signal,
        summary,
        stdout,
        stderr,
        stuck,
        landing: stuck ? undefined : watcher?.landing(),
      });
    });
  });
}

export function describeSummary(summary: RunSummaryLine | undefined): string {
  if (summary === undefined) return "no summary";
  return (
    `${summary.expired} expired, ${summary.created} created, ${summary.linked} linked, ` +
    `${summary.skipped} skipped, ${summary.failed} failed`
  );
}

/** What a command printed that it never should: a stack trace, or an error of its own. */
export function outputProblems(label: string, outcome: CommandOutcome): string[] {
  const problems: string[] = [];
  if (/^\s+at .+:\d+:\d+\)?$/m.test(outcome.stderr)) {
    problems.push(`${label} printed a stack trace:\n${outcome.stderr.trim().slice(-2_000)}`);
  }

  const error = outcome.stdout.split("\n").find((line) => line.startsWith('{"type":"error"'));
  if (error !== undefined && outcome.signal !== "SIGKILL") {
    problems.push(`${label} ended with an error: ${error}`);
  }

  return problems;
}
