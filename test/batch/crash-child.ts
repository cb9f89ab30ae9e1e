// Runs (or resumes) the "create" phase of a run in its own process, so that a test can kill it
// with SIGKILL at any moment: npx tsx test/batch/crash-child.ts BASE_URL JOURNAL RUN_ID BATCH_SIZE
import { BatchEngine } from "../../src/batch/index.js";
import { P21Client } from "../../src/client/index.js";
import { Journal } from "../../src/journal/index.js";
import { clientOptions, phase } from "./support/client-options.js";
import { testPageOperation } from "./support/page-operation.js";

const [baseUrl, journalPath, runId, batchSize] = process.argv.slice(2);
if (baseUrl === undefined || journalPath === undefined || runId === undefined) {
  process.stderr.write("usage: crash-child.ts BASE_URL JOURNAL RUN_ID [BATCH_SIZE]\n");
  process.exit(2);
}

const journal = Journal.open(journalPath);
const engine = new BatchEngine({
  journal,
  createClient: () => new P21Client(clientOptions(baseUrl)),
  batchSize: Number(batchSize ?? "5"),
  backoff: { baseMs: 5, maxMs: 50 },
});
const summary = await engine.runPhase(runId, phase, testPageOperation);
journal.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
