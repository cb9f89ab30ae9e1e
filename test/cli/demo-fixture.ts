import { afterAll, beforeAll } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import type { SimulatorOptions } from "../../src/simulator/index.js";
import { connectionTo, runChild, temporaryDirectory, type CliOutcome } from "./helpers.js";

/** What {@link demoFixture} gives a describe block's tests. */
export interface DemoFixture {
  /** The block's own temporary directory, the CLI's working directory. */
  readonly directory: string;
  /** A simulator with the demo data, on a port of its own. */
  readonly simulator: SimulatorHandle;
  /** The flags that point the CLI at `simulator` as its default user. */
  readonly connection: string[];
  /** Runs the built CLI in `directory` against `simulator`, as its default user. */
  readonly cli: (args: readonly string[]) => Promise<CliOutcome>;
}

/**
 * Called in a describe block: a temporary directory and a demo simulator (with `options`, such
 * as a latency), made before the block's tests and removed after them. Its fields may be read
 * only inside the tests.
 */
export function demoFixture(options: SimulatorOptions = {}): DemoFixture {
  let directory: { path: string; remove: () => Promise<void> } | undefined;
  let simulator: SimulatorHandle | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the demo fixture is read before its tests run");

    return value;
  };

  beforeAll(async () => {
    directory = await temporaryDirectory();
    simulator = await startSimulator({ data: "demo", ...options });
  });

  afterAll(async () => {
    await simulator?.close();
    await directory?.remove();
  });

  return {
    get directory() {
      return ready(directory).path;
    },
    get simulator() {
      return ready(simulator);
    },
    get connection() {
      return connectionTo(ready(simulator).url);
    },
    cli: (args) => {
      const connection = connectionTo(ready(simulator).url);

      return runChild([...args, ...connection], { cwd: ready(directory).path });
    },
  };
}
