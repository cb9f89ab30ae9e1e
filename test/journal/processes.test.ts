import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";

import { Journal } from "../../src/journal/index.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";

const writerScript = fileURLToPath(new URL("helpers/journal-writer.ts", import.meta.url));
const started: ChildProcess[] = [];

interface Writer {
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the writer has printed `count` lines. */
  linesReached(count: number): Promise<void>;
}

// Each writer leads its own process group (npx, tsx and node), so that a kill reaches them all.
function startWriter(args: string[]): Writer {
  const child = spawn("npx", ["tsx", writerScript, ...args], {
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  started.push(child);
  const lines: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((candidate) => lines.length >= candidate.count)) {
      waiter.resolve();
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(stderr);

      resolve({ code, signal });
    }),
  );

  return {
    child,
    lines,
    exited,
    linesReached: (count) =>
      new Promise<void>((resolve, reject) => {
        if (lines.length >= count) return resolve();

        waiters.push({ count, resolve });
        void exited.then(() => reject(new Error(`writer exited after ${lines.length} lines`)));
      }),
  };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;

  try {
    process.kill(-child.pid, "SIGKILL");
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ESRCH") throw error;
  }
}

afterEach(() => {
  for (const child of started.splice(0)) killGroup(child);
});

function integrity(path: string): string {
  const database = new BetterSqlite3(path, { readonly: true });
  try {
    return database.pragma("integrity_check", { simple: true }) as string;
  } finally {
    database.close();
  }
}

function createJournalWithRun(path: string): string {
  const journal = Journal.open(path);
  const runId = journal.createRun({
    kind: "multi-process",
    options: {},
    inputDigest: "digest",
    baseUrl: "http://127.0.0.1",
  }).id;
  journal.close();

  return runId;
}

// Small deterministic generator, so that a failing kill point can be reproduced.
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;

    return state / 2 ** 32;
  };
}

describe("several processes on one journal", () => {
  it("two writers on the same phase at once leave every item, with unique contiguous sequences", async () => {
    const path = join(temporaryDirectory(), "journal.db");
    const runId = createJournalWithRun(path);
    const writers = ["left", "right"].map((prefix) =>
      startWriter(["finite", path, runId, "create", prefix, "120"]),
    );

    await Promise.all(writers.map((writer) => writer.linesReached(1)));
    for (const writer of writers) writer.child.stdin?.end("go\n");
    const exits = await Promise.all(writers.map((writer) => writer.exited));

    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    expect(integrity(path)).toBe("ok");
    const journal = Journal.open(path, { readonly: true });
    const items = journal.items(runId);
    expect(items.map((item) => item.sequence)).toEqual(
      Array.from({ length: 240 }, (_, index) => index + 1),
    );
    expect(journal.counts(runId)).toMatchObject({ succeeded: 240, in_flight: 0, pending: 0 });
    const prefixes = items.map((item) => item.naturalKey.split("-")[0]);
    const alternations = prefixes.filter((prefix, index) => prefix !== prefixes[index - 1]);
    expect(alternations.length).toBeGreaterThan(2);
    expect(new Set(items.map((item) => (item.result as { writer: number }).writer)).size).toBe(2);
    expect(journal.events(runId, { types: ["writer.progress"] })).toHaveLength(48);
    journal.close();
  });

  it("a writer killed with SIGKILL mid-write leaves a readable journal holding every reported write", async () => {
    const path = join(temporaryDirectory(), "journal.db");
    const runId = createJournalWithRun(path);
    const random = seededRandom(20260302);

    for (const round of [0, 1, 2]) {
      const writer = startWriter(["endless", path, runId, `round${round}`]);
      await writer.linesReached(5 + Math.floor(random() * 60));
      killGroup(writer.child);
      expect((await writer.exited).signal).toBe("SIGKILL");

      expect(integrity(path)).toBe("ok");
      const journal = Journal.open(path);
      const items = journal.items(runId);
      const state = new Map(items.map((item) => [item.id, item.state]));
      for (const line of writer.lines) {
        const [what, subject = ""] = line.split(" ");
        if (what === "committed") expect(journal.items(runId, { phase: subject })).toHaveLength(20);
        if (what === "in_flight")
          expect(["in_flight", "succeeded"]).toContain(state.get(Number(subject)));
        if (what === "settled") expect(state.get(Number(subject))).toBe("succeeded");
      }

      for (const phase of journal.phases(runId)) {
        expect(journal.items(runId, { phase }), phase).toHaveLength(20);
      }

      const inFlightThisRound = items.filter(
        (item) => item.phase.startsWith(`round${round}-`) && item.state === "in_flight",
      );
      expect(inFlightThisRound.length).toBeLessThanOrEqual(1);
      journal.close();
    }
  });
});
