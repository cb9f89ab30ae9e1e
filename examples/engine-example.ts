// Renames the active price pages of one supplier through the batch engine, with a journal.
// Stopped (Ctrl-C) or killed, it resumes the unfinished run when started again.
// Run it against the simulator with its demo data:
//   p21kit simulator --data demo --port 8021
//   npx tsx examples/engine-example.ts
// P21_BASE_URL points it at another server, P21_JOURNAL at another journal file.
import { BatchEngine, Journal, P21Client, RecordRefusedError, digestInput } from "p21kit";
import type { RecordOperation } from "p21kit";

const BASE_URL = process.env.P21_BASE_URL ?? "http://127.0.0.1:8021";
const SUPPLIER = 10010; // the demo data's first supplier
const SUFFIX = " (reviewed)";

interface Rename {
  pricePageUid: number;
  description: string;
}

const connect = () =>
  new P21Client({ baseUrl: BASE_URL, username: "api_user", password: "api_password" });

const renamePage: RecordOperation<Rename, { pricePageUid: number }> = {
  kind: "record",
  name: "price-page.rename",
  service: "SalesPricePage",
  naturalKey: (input) => `price-page:${input.pricePageUid}`,
  describe: (input) => `price page ${input.pricePageUid}`,
  // Runs in an open window, cleared after the previous record; throws to fail the attempt.
  async run(window, input, context) {
    const page = `price page ${input.pricePageUid}`;
    const changes = [
      ["price_page_uid", String(input.pricePageUid)], // loads the page
      ["description", input.description],
    ] as const;
    for (const [field, value] of changes) {
      const result = await window.change("FORM", "form", field, value, { signal: context.signal });
      const changed = await context.settleDialogs(result);
      if (!changed.ok) throw new RecordRefusedError(`change of ${page}`, changed, { field });
    }

    const saved = await context.settleDialogs(await window.save({ signal: context.signal }));
    if (!saved.ok) throw new RecordRefusedError(`save of ${page}`, saved);

    return { pricePageUid: input.pricePageUid };
  },
  // Asked about a record whose save may have happened (in flight when the run stopped).
  async reconcile(client, input, context) {
    const rows = await client.odata.query("price_page", {
      filter: { price_page_uid: input.pricePageUid, description: input.description },
      signal: context.signal,
    });

    return rows.length > 0 ? { pricePageUid: input.pricePageUid } : undefined;
  },
};

const journal = Journal.open(process.env.P21_JOURNAL ?? "rename-journal.db");
let run = journal.latestUnfinishedRun();
if (run === undefined) {
  const reader = connect();
  const pages = await reader.odata.queryAll("price_page", {
    filter: { supplier_id: SUPPLIER, row_status_flag: 704 },
    select: ["price_page_uid", "description"],
  });
  await reader.close();
  const inputs: Rename[] = pages
    .filter((page) => !String(page.description).endsWith(SUFFIX))
    .map((page) => ({
      pricePageUid: Number(page.price_page_uid),
      description: `${String(page.description)}${SUFFIX}`,
    }));
  run = journal.createRun({
    kind: "rename",
    options: { supplier: SUPPLIER },
    inputDigest: digestInput(inputs),
    baseUrl: BASE_URL,
  });
  const items = inputs.map((input) => ({ naturalKey: renamePage.naturalKey(input), input }));
  journal.addItems(run.id, "rename", items);
}

const stop = new AbortController();
process.once("SIGINT", () => stop.abort()); // finish the record in hand, end the session
const engine = new BatchEngine({
  journal,
  createClient: connect, // one client per session
  batchSize: 10,
  signal: stop.signal,
  onProgress: (event) => {
    if (event.type === "record-settled") {
      console.log(`${event.naturalKey} ${event.state} (${event.via})`);
    }
  },
});
const summary = await engine.runPhase(run.id, "rename", renamePage);
if (summary.unsettled === 0) journal.setRunState(run.id, "completed");
console.log(`${summary.succeeded} renamed, ${summary.failed} failed, ${summary.unsettled} left`);
journal.close();
