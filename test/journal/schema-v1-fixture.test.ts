import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { Journal, currentSchemaVersion } from "../../src/journal/index.js";
import { journalApplicationId } from "../../src/journal/schema.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";

const fixture = fileURLToPath(new URL("../fixtures/journal/journal-v1.db", import.meta.url));
const killedRun = "20260302-090000-bbbbbb";

function copyOfFixture(): string {
  const path = join(temporaryDirectory(), "journal.db");
  copyFileSync(fixture, path);

  return path;
}

describe("a journal of schema version 1 (test/fixtures/journal/journal-v1.db)", () => {
  it("is a version-1 journal file, read from its header without opening it", () => {
    const header = readFileSync(fixture).subarray(0, 100);

    expect(header.subarray(0, 16).toString("latin1")).toBe("SQLite format 3\0");
    expect(header.readUInt32BE(60)).toBe(1);
    expect(header.readUInt32BE(68)).toBe(journalApplicationId);
  });

  it("opens, migrated to the current version, and finds the killed run to resume", () => {
    const journal = Journal.open(copyOfFixture());

    expect(journal.schemaVersion).toBe(currentSchemaVersion);
    expect(journal.latestUnfinishedRun()).toMatchObject({
      id: killedRun,
      kind: "price-pages.replace",
      state: "running",
      options: { batchSize: 2, sessions: 2, supplier: "ACME" },
      finishedAt: undefined,
    });
    expect(journal.listRuns().map((run) => run.state)).toEqual(["running", "completed"]);
    journal.close();
  });

  it("reads exactly the in-flight items as needing reconciliation, and the pending ones as to do", () => {
    const journal = Journal.open(copyOfFixture());

    expect(journal.phases(killedRun)).toEqual(["expire", "create", "link"]);
    expect(journal.counts(killedRun)).toEqual({
      pending: 4,
      in_flight: 2,
      succeeded: 2,
      failed: 1,
      skipped: 1,
    });
    expect(journal.items(killedRun, { states: ["in_flight"] })).toMatchObject([
      { naturalKey: "ACME|PG2|2027-01-01", attempts: 1, batch: 2, session: 1 },
      { naturalKey: "ACME|PG3|2027-01-01", attempts: 2, batch: 3, session: 2 },
    ]);
    expect(
      journal.items(killedRun, { states: ["pending"] }).map((item) => [item.phase, item.sequence]),
    ).toEqual([
      ["create", 4],
      ["create", 5],
      ["link", 1],
      ["link", 2],
    ]);
    expect(journal.items(killedRun, { phase: "expire", states: ["failed"] })).toMatchObject([
      { errorCode: "P21_SERVER_REFUSED", errorMessage: "Price page 101 is locked." },
    ]);
    expect(journal.events(killedRun).map((event) => event.type)).toEqual([
      "session.opened",
      "batch.started",
      "window.reopened",
      "item.returned_to_pending",
    ]);
    journal.close();
  });

  it("resumes: in-flight items reconcile, pending ones run, new items continue the sequence", () => {
    const journal = Journal.open(copyOfFixture());
    journal.setRunState(killedRun, "running");
    const [found, missing] = journal.items(killedRun, { states: ["in_flight"] });
    journal.settle(found!.id, { state: "succeeded", result: { price_page_uid: 201 } });
    journal.returnToPending(missing!.id, "not found on the server");
    for (const item of journal.items(killedRun, { states: ["pending"] })) {
      journal.markInFlight(item.id, { batch: 10, session: 1 });
      journal.settle(item.id, { state: "succeeded" });
    }

    const [added] = journal.addItems(killedRun, "link", [{ naturalKey: "BOOK2|X", input: {} }]);
    journal.setRunState(killedRun, "completed");

    expect(added?.sequence).toBe(3);
    expect(journal.item(missing!.id)).toMatchObject({ state: "succeeded", attempts: 3 });
    expect(journal.counts(killedRun)).toEqual({
      pending: 1,
      in_flight: 0,
      succeeded: 8,
      failed: 1,
      skipped: 1,
    });
    expect(journal.latestUnfinishedRun()).toBeUndefined();
    journal.close();
  });

  it("opens read-only as well, once migrated", () => {
    const path = copyOfFixture();
    Journal.open(path).close();
    const journal = Journal.open(path, { readonly: true });

    expect(journal.items(killedRun)).toHaveLength(10);
    journal.close();
  });
});
