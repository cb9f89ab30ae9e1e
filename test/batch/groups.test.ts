import { afterEach, describe, expect, it } from "vitest";
import { BatchEngine, type EngineOptions } from "../../src/batch/index.js";
import { DEMO } from "../../src/simulator/index.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";
import type { TestLink } from "./support/link-operation.js";
import { testLinkOperation } from "./support/link-operation.js";

const linkPhase = "link";
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Active pages of a supplier that the demo data leaves out of the DEALER book. */
function unlinkedPages(current: Harness, count: number): number[] {
  const supplierId = DEMO.supplierIds[1];

  return current.simulator
    .rows("price_page")
    .filter((row) => row.supplier_id === supplierId && row.row_status_flag === 704)
    .map((row) => Number(row.price_page_uid))
    .slice(0, count);
}

function linkRun(current: Harness, links: TestLink[]): string {
  const run = current.journal.createRun({
    kind: "test-link",
    options: {},
    inputDigest: "test",
    baseUrl: current.simulator.url,
  });
  current.journal.addItems(
    run.id,
    linkPhase,
    links.map((link) => ({ naturalKey: testLinkOperation.naturalKey(link), input: link })),
  );

  return run.id;
}

/** A run linking `count` of those pages to DEALER. */
function dealerLinkRun(current: Harness, count: number): { uids: number[]; runId: string } {
  const uids = unlinkedPages(current, count);
  const runId = linkRun(
    current,
    uids.map((pricePageUid) => ({ bookId: "DEALER", pricePageUid })),
  );

  return { uids, runId };
}

function dealerLinks(current: Harness): Map<number, number> {
  const counts = new Map<number, number>();
  for (const row of current.simulator.rows("price_book_x_page")) {
    if (row.price_book_id !== "DEALER") continue;

    const uid = Number(row.price_page_uid);
    counts.set(uid, (counts.get(uid) ?? 0) + 1);
  }

  return counts;
}

/** An engine on the harness, batches of 10 and a 1–5 ms backoff unless `options` say otherwise. */
function engineFor(current: Harness, options: Partial<EngineOptions> = {}) {
  return new BatchEngine({
    journal: current.journal,
    createClient: current.createClient,
    batchSize: 10,
    backoff: { baseMs: 1, maxMs: 5 },
    ...options,
  });
}

/**
 * Links `count` fresh pages to DEALER on a new harness, the first `resets` tab switches reset
 * (the group's, then its parts' in order), on an engine with `options`.
 */
async function linkThroughTabResets(
  count: number,
  resets: number,
  options: Partial<EngineOptions> = {},
) {
  const current = await startHarness();
  harness = current;
  const { uids, runId } = dealerLinkRun(current, count);
  current.simulator.injectFault({
    kind: "reset",
    route: "PUT /api/ui/interactive/v2/tab",
    count: resets,
  });
  const summary = await engineFor(current, options).runPhase(runId, linkPhase, testLinkOperation);

  return { current, uids, runId, summary };
}

describe("group operations", () => {
  it("links a group with one window load and one save per batch", async () => {
    harness = await startHarness();
    const { uids, runId } = dealerLinkRun(harness, 12);

    const summary = await engineFor(harness, { batchSize: 6 }).runPhase(
      runId,
      linkPhase,
      testLinkOperation,
    );

    expect(summary).toMatchObject({ succeeded: 12, failed: 0, sessionsOpened: 2 });
    expect(harness.simulator.stats().requests["PUT /api/ui/interactive/v2/data"]).toBe(2);
    const links = dealerLinks(harness);
    for (const uid of uids) expect(links.get(uid)).toBe(1);
  });

  it("after a group save whose answer was lost, reconciles the whole group and re-sends nothing that landed", async () => {
    harness = await startHarness();
    const { uids, runId } = dealerLinkRun(harness, 8);
    harness.simulator.injectFault({
      kind: "reset",
      route: "PUT /api/ui/interactive/v2/data",
      phase: "after",
    });

    const summary = await engineFor(harness).runPhase(runId, linkPhase, testLinkOperation);

    expect(summary).toMatchObject({ succeeded: 8, reconciled: 8, retries: 0 });
    expect(harness.simulator.stats().requests["PUT /api/ui/interactive/v2/data"]).toBe(1);
    for (const uid of uids) expect(dealerLinks(harness).get(uid)).toBe(1);
  });

  it("re-sends the group when reconciliation finds that the lost save never landed", async () => {
    harness = await startHarness();
    const { uids, runId } = dealerLinkRun(harness, 5);
    harness.simulator.injectFault({ kind: "http500", route: "PUT /api/ui/interactive/v2/data" });

    const summary = await engineFor(harness).runPhase(runId, linkPhase, testLinkOperation);

    expect(summary).toMatchObject({ succeeded: 5, reconciled: 0, retries: 1 });
    for (const uid of uids) expect(dealerLinks(harness).get(uid)).toBe(1);
  });

  it("retries a group that failed for a passing reason in halves, one save each", async () => {
    harness = await startHarness();
    const { uids, runId } = dealerLinkRun(harness, 8);
    harness.simulator.injectFault({ kind: "reset", route: "PUT /api/ui/interactive/v2/tab" });

    const summary = await engineFor(harness).runPhase(runId, linkPhase, testLinkOperation);

    expect(summary).toMatchObject({ succeeded: 8, failed: 0, retries: 1 });
    // The struck attempt never reached its save; the retry is two groups of 4, a save each.
    expect(harness.simulator.stats().requests["PUT /api/ui/interactive/v2/data"]).toBe(2);
    expect(harness.simulator.stats().requests["POST /api/ui/interactive/v2/row"]).toBe(8);
    for (const uid of uids) expect(dealerLinks(harness).get(uid)).toBe(1);
  });

  it("retries a group of one in place, and halves down to single links", async () => {
    // The pair's attempt (free: the pair is split), then the first link's own: it goes again.
    const { current, uids, runId, summary } = await linkThroughTabResets(2, 2);

    expect(summary).toMatchObject({ succeeded: 2, failed: 0, retries: 2 });
    const items = current.journal.items(runId, { phase: linkPhase });
    expect(items.map((item) => item.attempts)).toEqual([3, 2]);
    expect(current.simulator.stats().requests["PUT /api/ui/interactive/v2/data"]).toBe(2);
    for (const uid of uids) expect(dealerLinks(current).get(uid)).toBe(1);
  });

  it("splits a group that fails again without spending its items' retries", async () => {
    // The whole group's tab switch, then its first half's: with one retry, each split is free,
    // so the first half is split again rather than failed.
    const { current, uids, runId, summary } = await linkThroughTabResets(6, 2, { retries: 1 });

    expect(summary).toMatchObject({ succeeded: 6, failed: 0, retries: 2 });
    const items = current.journal.items(runId, { phase: linkPhase });
    expect(items.map((item) => item.attempts)).toEqual([3, 3, 3, 2, 2, 2]);
    // The second half, then the first half's two parts: a save each.
    expect(current.simulator.stats().requests["PUT /api/ui/interactive/v2/data"]).toBe(3);
    const links = dealerLinks(current);
    for (const uid of uids) expect(links.get(uid)).toBe(1);
  });

  it("fails an item that spent its own retries alone, after the free splits", async () => {
    // The pair's attempt (free: it is split), then the first link's two attempts alone.
    const { current, uids, runId, summary } = await linkThroughTabResets(2, 3, { retries: 1 });

    expect(summary).toMatchObject({ succeeded: 1, failed: 1 });
    const items = current.journal.items(runId, { phase: linkPhase });
    expect(items.map((item) => [item.state, item.attempts])).toEqual([
      ["failed", 3],
      ["succeeded", 2],
    ]);
    const links = dealerLinks(current);
    expect(links.get(uids[0]!)).toBeUndefined();
    expect(links.get(uids[1]!)).toBe(1);
  });

  it("with no retries allowed, splits a group struck by one passing fault and links every page", async () => {
    const { current, uids, runId, summary } = await linkThroughTabResets(4, 1, { retries: 0 });

    // The group's attempt was no link's own: its halves are each tried once, a save each.
    expect(summary).toMatchObject({ succeeded: 4, failed: 0, retries: 1 });
    const items = current.journal.items(runId, { phase: linkPhase });
    expect(items.map((item) => item.attempts)).toEqual([2, 2, 2, 2]);
    expect(current.simulator.stats().requests["PUT /api/ui/interactive/v2/data"]).toBe(2);
    const links = dealerLinks(current);
    for (const uid of uids) expect(links.get(uid)).toBe(1);
  });

  it("with no retries allowed, does not send again a link that failed alone", async () => {
    // The pair's attempt (free: it is split), then the first link's own attempt.
    const { current, uids, runId, summary } = await linkThroughTabResets(2, 2, { retries: 0 });

    expect(summary).toMatchObject({ succeeded: 1, failed: 1 });
    const items = current.journal.items(runId, { phase: linkPhase });
    expect(items.map((item) => [item.state, item.attempts])).toEqual([
      ["failed", 2],
      ["succeeded", 2],
    ]);
    expect(current.simulator.stats().requests["PUT /api/ui/interactive/v2/tab"]).toBe(3);
    const links = dealerLinks(current);
    expect(links.get(uids[0]!)).toBeUndefined();
    expect(links.get(uids[1]!)).toBe(1);
  });

  it("with no retries allowed, tries a link again on a fresh session after its session expired", async () => {
    harness = await startHarness();
    const { uids, runId } = dealerLinkRun(harness, 1);
    harness.simulator.injectFault({
      kind: "expire-session",
      route: "PUT /api/ui/interactive/v2/tab",
    });

    const summary = await engineFor(harness, { retries: 0 }).runPhase(
      runId,
      linkPhase,
      testLinkOperation,
    );

    // As for a page: a lost session is the session's failure, not the link's.
    expect(summary).toMatchObject({ succeeded: 1, failed: 0, retries: 1, sessionsOpened: 2 });
    expect(dealerLinks(harness).get(uids[0]!)).toBe(1);
  });

  it("gives every part of a split group back to pending when one part finds no session", async () => {
    harness = await startHarness();
    const { uids, runId } = dealerLinkRun(harness, 6);
    // The group's attempt fails; the window for its first half then cannot be opened.
    harness.simulator.injectFault({ kind: "reset", route: "PUT /api/ui/interactive/v2/tab" });
    harness.simulator.injectFault({
      kind: "http500",
      route: "POST /api/ui/interactive/v2/window",
      skip: 1,
      count: 2,
    });
    const engine = engineFor(harness, { sessionAttempts: 2 });

    await expect(engine.runPhase(runId, linkPhase, testLinkOperation)).rejects.toMatchObject({
      code: "P21_SESSIONS_UNAVAILABLE",
    });
    const states = harness.journal.items(runId, { phase: linkPhase }).map((item) => item.state);
    expect(states).toEqual(Array.from({ length: 6 }, () => "pending"));

    const resumed = await engineFor(harness).runPhase(runId, linkPhase, testLinkOperation);
    expect(resumed).toMatchObject({ succeeded: 6, failed: 0, unsettled: 0 });
    for (const uid of uids) expect(dealerLinks(harness).get(uid)).toBe(1);
  });

  it("stops between the parts of a split group: the parts not started stay pending", async () => {
    harness = await startHarness();
    const uids = unlinkedPages(harness, 3);
    const links = [987_654_321, ...uids].map((pricePageUid) => ({
      bookId: "DEALER",
      pricePageUid,
    }));
    const runId = linkRun(harness, links);
    const stop = new AbortController();
    const engine = engineFor(harness, {
      signal: stop.signal,
      // The refused group's window is reopened: stop then, while its halves are still to run.
      onProgress: (event) => {
        if (event.type === "window-reopened") stop.abort();
      },
    });

    const summary = await engine.runPhase(runId, linkPhase, testLinkOperation);

    // Nothing is sent after the stop: the halves need a window again, and none is opened.
    expect(summary).toMatchObject({ interrupted: true, failed: 0, succeeded: 0 });
    const items = harness.journal.items(runId, { phase: linkPhase });
    expect(items.map((item) => item.state)).toEqual(["pending", "pending", "pending", "pending"]);
    for (const uid of uids) expect(dealerLinks(harness).get(uid)).toBeUndefined();
  });

  it("isolates a refused link by splitting the group, and links the others", async () => {
    harness = await startHarness();
    const uids = unlinkedPages(harness, 7);
    const links = uids.map((pricePageUid) => ({ bookId: "DEALER", pricePageUid }));
    links.splice(3, 0, { bookId: "DEALER", pricePageUid: 987_654_321 });
    const runId = linkRun(harness, links);

    const summary = await engineFor(harness).runPhase(runId, linkPhase, testLinkOperation);

    expect(summary).toMatchObject({ succeeded: 7, failed: 1 });
    const failed = harness.journal.items(runId, { phase: linkPhase, states: ["failed"] });
    expect(failed.map((item) => item.naturalKey)).toEqual(["DEALER:987654321"]);
    expect(failed[0]?.errorMessage).toMatch(/987654321/);
    for (const uid of uids) expect(dealerLinks(harness).get(uid)).toBe(1);
  });
});
