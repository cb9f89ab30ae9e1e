// The parts of p21kit a bench measures, loaded from the shipped build (dist/, which
// `npm run bench` builds first) so that the figures are those of the code users run. The bench's
// own files run through tsx, and tsx compiles with esbuild's keepNames, which wraps every
// function it creates in a naming helper: measured through tsx, the engine-overhead bench paid
// about 0.03 ms of CPU per record for it. The types still come from src/.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type * as BatchModule from "../src/batch/index.js";
import type * as ExchangeModule from "../src/client/exchange.js";
import type * as ClientModule from "../src/client/index.js";
import type * as JournalModule from "../src/journal/index.js";
import type * as PricingModule from "../src/pricing/index.js";
import type * as SimulatorModule from "../src/simulator/index.js";

async function load<Module>(path: string): Promise<Module> {
  const url = new URL(`../dist/${path}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`${path} is not built: run \`npm run build\` first (the bench measures dist/)`);
  }

  return (await import(url.href)) as Module;
}

export const { BatchEngine, RecordRefusedError } = await load<typeof BatchModule>("batch/index.js");
export const { P21Client } = await load<typeof ClientModule>("client/index.js");
export type P21Client = ClientModule.P21Client;
export const { Exchange } = await load<typeof ExchangeModule>("client/exchange.js");
export const { Journal } = await load<typeof JournalModule>("journal/index.js");
export type Journal = JournalModule.Journal;
export const { createWorkflowRun, runWorkflow } =
  await load<typeof PricingModule>("pricing/index.js");
export const { startSimulator } = await load<typeof SimulatorModule>("simulator/index.js");
