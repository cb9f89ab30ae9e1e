// A separate process writing to a journal, for the multi-process tests. Prints one line per
// committed write, after the write returned.
//
//   journal-writer.ts finite <path> <runId> <phase> <keyPrefix> <count>   (prints "ready", then
//     waits for a line on stdin before writing)
//   journal-writer.ts endless <path> <runId> <phasePrefix>
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";

import { Journal } from "../../../src/journal/index.js";

const [mode, path = "", runId = "", phase = "", ...rest] = process.argv.slice(2);
if (path === "" || runId === "" || phase === "") {
  throw new Error("usage: journal-writer.ts finite|endless <path> <runId> <phase> …");
}

function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

const journal = Journal.open(path, { busyTimeoutMs: 20_000 });

// A pause between records, as the engine has while it waits for the server, gives the other
// writer its turn at the lock (SQLite's busy handler is not fair to a writer that waits).
async function attemptAll(ids: number[], batch: number, pauseMs: number): Promise<void> {
  for (const id of ids) {
    if (pauseMs > 0) await sleep(pauseMs);
    journal.markInFlight(id, { batch, session: process.pid });
    report(`in_flight ${id}`);
    journal.settle(id, { state: "succeeded", result: { writer: process.pid } });
    report(`settled ${id}`);
    if (id % 5 === 0) journal.appendEvent(runId, { type: "writer.progress", itemId: id });
  }
}

async function waitForGo(): Promise<void> {
  report("ready");
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();
}

if (mode === "finite") {
  await waitForGo();
  const [keyPrefix = "key", countText = "0"] = rest;
  const count = Number(countText);
  for (let start = 0; start < count; start += 10) {
    const size = Math.min(10, count - start);
    const keys = Array.from({ length: size }, (_, index) => `${keyPrefix}-${start + index}`);
    const added = journal.addItems(
      runId,
      phase,
      keys.map((naturalKey) => ({ naturalKey, input: { naturalKey } })),
    );
    await attemptAll(
      added.map((item) => item.id),
      start / 10,
      1,
    );
  }

  journal.close();
  report("done");
} else if (mode === "endless") {
  for (let batch = 0; ; batch += 1) {
    const phaseName = `${phase}-${batch}`;
    const keys = Array.from({ length: 20 }, (_, index) => `key-${index}`);
    const added = journal.addItems(
      runId,
      phaseName,
      keys.map((naturalKey) => ({ naturalKey, input: { naturalKey, padding: "x".repeat(200) } })),
    );
    report(`committed ${phaseName}`);
    await attemptAll(
      added.map((item) => item.id),
      batch,
      0,
    );
  }
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
