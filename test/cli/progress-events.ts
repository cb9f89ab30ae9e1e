import type { ProgressEvent } from "../../src/batch/index.js";

/** The counts of a phase of 10 records, `settled` of them settled and `failed` of those failed. */
export const counts = (settled: number, failed = 0) => ({
  total: 10,
  succeeded: settled - failed,
  failed,
  skipped: 0,
  remaining: 10 - settled,
});

/** A phase of 10 records: it starts, a batch starts, one record fails, the phase ends. */
export function sampleEvents(): ProgressEvent[] {
  const base = { runId: "run-1", phase: "create" };
  return [
    {
      ...base,
      type: "phase-started",
      elapsedMs: 0,
      counts: counts(0),
      operation: "price-page.create",
      inFlight: 0,
      batches: 1,
      sessions: 1,
    },
    { ...base, type: "batch-started", elapsedMs: 5, workerIndex: 0, batch: 1, items: 10 },
    {
      ...base,
      type: "record-settled",
      elapsedMs: 500,
      workerIndex: 0,
      itemId: 1,
      naturalKey: "10010|ABRAS|x|2027-01-01",
      state: "failed",
      attempts: 1,
      errorCode: "P21_RECORD_REFUSED",
      errorMessage: "save refused: Column is disabled: company_id",
      via: "run",
      counts: counts(1, 1),
      ratePerSecond: 2,
      etaMs: 4_500,
    },
    {
      ...base,
      type: "phase-finished",
      elapsedMs: 5_000,
      counts: { total: 10, succeeded: 9, failed: 1, skipped: 0, remaining: 0 },
      interrupted: false,
      retries: 0,
      reopens: 1,
      sessionsOpened: 1,
    },
  ];
}
