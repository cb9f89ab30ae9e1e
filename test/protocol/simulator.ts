import { afterAll, beforeAll } from "vitest";

import { startSimulator } from "../../src/simulator/index.js";

export type Simulator = Awaited<ReturnType<typeof startSimulator>>;
export type SimulatorOptions = NonNullable<Parameters<typeof startSimulator>[0]>;
export type Profile = NonNullable<SimulatorOptions["profile"]>;

export const PROFILES: Profile[] = ["26.1.5950", "26.1.5910", "25.2"];

/** One simulator for the whole file (or `describe` block); read it inside tests. */
export function simulatorForBlock(options: SimulatorOptions = {}): () => Simulator {
  let simulator: Simulator | undefined;

  beforeAll(async () => {
    simulator = await startSimulator(options);
  });

  afterAll(async () => {
    await simulator?.close();
  });

  return () => {
    if (simulator === undefined) throw new Error("the simulator has not started");
    return simulator;
  };
}

/** A fresh simulator for one test, closed whatever happens. */
export async function withSimulator(
  options: SimulatorOptions,
  body: (simulator: Simulator) => Promise<void>,
): Promise<void> {
  const simulator = await startSimulator(options);
  try {
    await body(simulator);
  } finally {
    await simulator.close();
  }
}
