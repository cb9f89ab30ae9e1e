// A simulator for a bench, in its own child process (the default: a real server does not share
// the client's CPU) or in this process. Run directly with `--serve OPTIONS_JSON` it is the child.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { SimulatorOptions, SimulatorStats, TableName } from "../src/simulator/index.js";
import { startSimulator } from "./shipped.js";

/** Where a bench's simulator runs. */
export type SimulatorPlacement = "child" | "in-process";

/** CPU time the simulator's process spent, in milliseconds. */
export interface SimulatorCpu {
  userMs: number;
  systemMs: number;
}

/** The parts of a simulator a bench needs, wherever it runs. */
export interface SimulatorHost {
  readonly url: string;
  readonly placement: SimulatorPlacement;
  stats(): Promise<SimulatorStats>;
  rows(table: TableName): Promise<Record<string, unknown>[]>;
  /** CPU of the simulator's process so far (the whole bench process when in-process). */
  cpu(): Promise<SimulatorCpu>;
  close(): Promise<void>;
}

interface Question {
  id: number;
  ask: "stats" | "cpu" | "rows";
  table?: TableName;
}
interface Answer {
  id: number;
  value: unknown;
}

function cpuNow(): SimulatorCpu {
  const usage = process.cpuUsage();
  return { userMs: usage.user / 1_000, systemMs: usage.system / 1_000 };
}

async function startInProcess(options: SimulatorOptions): Promise<SimulatorHost> {
  const simulator = await startSimulator(options);

  return {
    url: simulator.url,
    placement: "in-process",
    stats: () => Promise.resolve(simulator.stats()),
    rows: (table) => Promise.resolve(simulator.rows(table)),
    cpu: () => Promise.resolve(cpuNow()),
    close: () => simulator.close(),
  };
}

function askChild(child: ChildProcess, pending: Map<number, (value: unknown) => void>) {
  let nextId = 1;

  return <T>(question: Omit<Question, "id">): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId;
      nextId += 1;
      pending.set(id, (value) => resolve(value as T));
      child.send({ ...question, id }, (error) => {
        if (error !== null) {
          pending.delete(id);
          reject(error);
        }
      });
    });
}

/** This process's Node flags (the tsx loader) without an `--eval` script of its own. */
export function childExecArgv(): string[] {
  const flags: string[] = [];
  for (let index = 0; index < process.execArgv.length; index += 1) {
    const flag = process.execArgv[index] ?? "";
    if (flag === "--eval" || flag === "-e" || flag === "--print" || flag === "-p") {
      index += 1;
      continue;
    }

    flags.push(flag);
  }

  return flags;
}

async function startChild(options: SimulatorOptions): Promise<SimulatorHost> {
  const child = spawn(
    process.execPath,
    [...childExecArgv(), fileURLToPath(import.meta.url), "--serve", JSON.stringify(options)],
    { stdio: ["pipe", "pipe", "inherit", "ipc"] },
  );
  const pending = new Map<number, (value: unknown) => void>();
  child.on("message", (message: Answer) => {
    pending.get(message.id)?.(message.value);
    pending.delete(message.id);
  });

  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once("line", (line) => resolve(line.trim()));
    void exited.then(() => reject(new Error("the simulator process exited before listening")));
  });
  lines.close();
  const ask = askChild(child, pending);

  return {
    url,
    placement: "child",
    stats: () => ask<SimulatorStats>({ ask: "stats" }),
    rows: (table) => ask<Record<string, unknown>[]>({ ask: "rows", table }),
    cpu: () => ask<SimulatorCpu>({ ask: "cpu" }),
    close: async () => {
      if (child.exitCode === null) child.stdin?.end();
      await exited;
    },
  };
}

/** Starts a simulator for a bench, in a child process unless asked otherwise. */
export function startSimulatorHost(
  options: SimulatorOptions,
  placement: SimulatorPlacement = "child",
): Promise<SimulatorHost> {
  return placement === "child" ? startChild(options) : startInProcess(options);
}

async function serve(optionsJson: string): Promise<void> {
  const simulator = await startSimulator(JSON.parse(optionsJson) as SimulatorOptions);
  process.on("message", (question: Question) => {
    const value =
      question.ask === "stats"
        ? simulator.stats()
        : question.ask === "cpu"
          ? cpuNow()
          : simulator.rows(question.table ?? "price_page");
    process.send?.({ id: question.id, value } satisfies Answer);
  });
  process.stdin.resume();
  process.stdin.once("end", () => {
    void simulator.close().finally(() => process.exit(0));
  });
  process.stdout.write(`${simulator.url}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--serve") {
  await serve(process.argv[3] ?? "{}");
}
