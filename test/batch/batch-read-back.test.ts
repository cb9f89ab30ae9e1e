import { afterEach, describe, expect, it } from "vitest";
import { BatchEngine } from "../../src/batch/index.js";
import type { ProgressEvent, RecordOperation } from "../../src/batch/index.js";
import { expirePricePageOperation } from "../../src/pricing/index.js";
import type { ExpirePageInput, ExpirePageOutput } from "../../src/pricing/index.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";

const SAVE = "PUT /api/ui/interactive/v2/data";
/** The demo's first active page (supplier 10001's first product group). */
const firstActiveUid = 100_021;
const expireDate = "2026-12-31";

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A run whose "expire" phase holds `count` demo pages, and the uids it expires. */
function expireRun(current: Harness, count: number): { runId: string; uids: number[] } {
  const uids = Array.from({ length: count }, (_, index) => firstActiveUid + index);
  const run = current.journal.createRun({
    kind: "test",
    options: {},
    inputDigest: "read-back",
    baseUrl: current.simulator.url,
  });
  current.journal.addItems(
    run.id,
    "expire",
    uids.map((uid) => ({
      naturalKey: `expire:${uid}`,
      input: { pricePageUid: uid, expirationDate: expireDate } satisfies ExpirePageInput,
    })),
  );

  return { runId: run.id, uids };
}

/**
 * The expire operation with its batch read-back wrapped: `answer` may change what the server
 * said (to stand for a page that someone else changed back meanwhile); every question asked is
 * kept.
 */
function wrappedExpire(
  answer: (
    inputs: ExpirePageInput[],
    outputs: (ExpirePageOutput | undefined)[],
  ) => (ExpirePageOutput | undefined)[],
) {
  const operation = expirePricePageOperation();
  const asked: number[][] = [];
  const reconcileMany = operation.reconcileMany?.bind(operation);
  if (reconcileMany === undefined) throw new Error("the expire operation has no reconcileMany");

  const ask = async (...[client, inputs, context]: Parameters<typeof reconcileMany>) => {
    asked.push(inputs.map((input) => input.pricePageUid));
    return answer(inputs, await reconcileMany(client, inputs, context));
  };
  const wrapped: RecordOperation<ExpirePageInput, ExpirePageOutput> = {
    ...operation,
    reconcileMany: ask,
    reconcile: async (client, input, context) => (await ask(client, [input], context))[0],
  };

  return { operation: wrapped, asked };
}

function engineFor(
  current: Harness,
  options: { signal?: AbortSignal; retries?: number; sessionAttempts?: number } = {},
) {
  const events: ProgressEvent[] = [];
  const engine = new BatchEngine({
    journal: current.journal,
    createClient: current.createClient,
    batchSize: 5,
    backoff: { baseMs: 1, maxMs: 5 },
    onProgress: (event) => events.push(event),
    ...options,
  });

  return { engine, events };
}

describe("a batch's read-back", () => {
  it("asks about the batch's saves at once, and tries again the one the server lacks", async () => {
    harness = await startHarness();
    const { runId, uids } = expireRun(harness, 5);
    const refuted = uids[2];
    let refutations = 0;
    const { operation, asked } = wrappedExpire((inputs, outputs) =>
      outputs.map((output, index) =>
        inputs[index]?.pricePageUid === refuted && refutations++ === 0 ? undefined : output,
      ),
    );

    const { engine, events } = engineFor(harness);
    const summary = await engine.runPhase(runId, "expire", operation);

    expect(summary).toMatchObject({ succeeded: 5, failed: 0, unsettled: 0, retries: 1 });
    // Each save is reported as it happens, the one sent again twice.
    const saves = events.filter((event) => event.type === "record-saved");
    expect(saves).toHaveLength(6);
    expect(asked).toEqual([uids, [refuted]]);
    expect(harness.simulator.stats().requests[SAVE]).toBe(6);
    const attempts = harness.journal.items(runId, { phase: "expire" }).map((item) => item.attempts);
    expect(attempts).toEqual([1, 1, 2, 1, 1]);
  });

  it("fails a record the server keeps lacking once its attempts are spent", async () => {
    harness = await startHarness();
    const { runId, uids } = expireRun(harness, 3);
    const refuted = uids[0];
    const { operation } = wrappedExpire((inputs, outputs) =>
      outputs.map((output, index) =>
        inputs[index]?.pricePageUid === refuted ? undefined : output,
      ),
    );

    const summary = await engineFor(harness, { retries: 2 }).engine.runPhase(
      runId,
      "expire",
      operation,
    );

    expect(summary).toMatchObject({ succeeded: 2, failed: 1, unsettled: 0 });
    const failed = harness.journal.items(runId, { phase: "expire", states: ["failed"] })[0];
    expect(failed).toMatchObject({ attempts: 3, errorCode: "P21_VERIFY_FAILED" });
    expect(failed?.errorMessage).toContain("the server does not hold it");
    expect(harness.simulator.stats().requests[SAVE]).toBe(5);
  });

  it("takes an answer about fewer records than asked as no answer: they stay in flight", async () => {
    harness = await startHarness();
    const { runId } = expireRun(harness, 4);
    const { operation } = wrappedExpire((_inputs, outputs) => outputs.slice(1));

    const { engine, events } = engineFor(harness, { retries: 1 });
    const summary = await engine.runPhase(runId, "expire", operation);

    expect(summary).toMatchObject({ succeeded: 0, failed: 0, unsettled: 4, retries: 0 });
    expect(harness.journal.counts(runId, "expire").in_flight).toBe(4);
    expect(events.filter((event) => event.type === "warning")).toHaveLength(4);
    // Nothing was sent again.
    expect(harness.simulator.stats().requests[SAVE]).toBe(4);
  });

  it("gives back the records it could not send again when no session opens", async () => {
    harness = await startHarness();
    const current = harness;
    const { runId, uids } = expireRun(current, 5);
    const refuted = new Set([uids[1], uids[3]]);
    let first = true;
    const { operation } = wrappedExpire((inputs, outputs) => {
      if (!first) return outputs;

      first = false;
      // The clear before the first retry loses the session, and no new one opens.
      current.simulator.injectFault({
        kind: "expire-session",
        route: "DELETE /api/ui/interactive/v2/data",
      });
      current.simulator.injectFault({
        kind: "http500",
        route: "POST /api/ui/interactive/sessions",
        count: 2,
      });
      return outputs.map((output, index) =>
        refuted.has(inputs[index]?.pricePageUid) ? undefined : output,
      );
    });
    const { engine } = engineFor(current, { sessionAttempts: 2 });

    await expect(engine.runPhase(runId, "expire", operation)).rejects.toMatchObject({
      code: "P21_SESSIONS_UNAVAILABLE",
    });

    const states = current.journal.items(runId, { phase: "expire" }).map((item) => item.state);
    expect(states).toEqual(["succeeded", "pending", "succeeded", "pending", "succeeded"]);
  });

  it("on a first abort, reads back what was saved before it and leaves the rest pending", async () => {
    harness = await startHarness();
    const { runId } = expireRun(harness, 5);
    const stop = new AbortController();
    let commits = 0;
    harness.simulator.on("committed", () => {
      if (++commits === 2) stop.abort();
    });

    const summary = await engineFor(harness, { signal: stop.signal }).engine.runPhase(
      runId,
      "expire",
      expirePricePageOperation(),
    );

    expect(summary).toMatchObject({ succeeded: 2, failed: 0, interrupted: true });
    expect(harness.journal.counts(runId, "expire")).toMatchObject({
      succeeded: 2,
      pending: 3,
      in_flight: 0,
    });
  });
});
