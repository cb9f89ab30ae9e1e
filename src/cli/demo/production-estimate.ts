import type { LatencyTable } from "../../simulator/types.js";

/** The size of a replace job, as the reference production pattern would run it. */
export interface ReplaceJobShape {
  /** Old pages expired. */
  readonly expired: number;
  /** New pages created. */
  readonly created: number;
  /** Page-to-book links made (pages × books). */
  readonly links: number;
  /** FORM fields set per new page (type, company, group, supplier, description, …). */
  readonly formFieldsPerPage: number;
  /** VALUES fields set per new page (calculation method, values, breaks). */
  readonly valuesFieldsPerPage: number;
  /** Operations per session. @default 25 */
  readonly batchSize?: number;
}

/** What the reference pattern would cost on a server with the given latency table. */
export interface ProductionEstimate {
  readonly totalMs: number;
  readonly requests: number;
  readonly perPageMs: number;
}

/**
 * The time the production pattern p21kit starts from (the community batch-processing guide)
 * would take on the same server: one session at a time, 25 operations per session, one field
 * per change request, and a SalesPriceBook window of its own for every link.
 *
 * With L the latency table and `change = L.changeRequest + L.changeField` (one field):
 *
 * - once: `L.authenticate + L.router`;
 * - every batch of every phase: `L.startSession + L.endSession`, and in the expire and create
 *   phases one window per batch: `L.openWindow + L.close`;
 * - per expired page: load by uid and set the date (`2 × change`), `L.save`, `L.clear`, and
 *   the OData read-back (`L.odata`);
 * - per new page: `(form + values) × change`, the VALUES tab (`L.selectTab`), `L.save`,
 *   `L.clear`;
 * - per link: `L.openWindow`, the book id (`change`), the LIST tab (`L.selectTab`),
 *   `L.addRow`, the page uid (`change`), `L.save`, `L.close`.
 *
 * The requests are counted the same way (one per term). The result is in the table's own
 * unit, production milliseconds, whatever time scale the simulator runs at.
 */
export function estimateReferencePattern(
  latency: LatencyTable,
  job: ReplaceJobShape,
): ProductionEstimate {
  const batchSize = job.batchSize ?? 25;
  const change = latency.changeRequest + latency.changeField;
  const batches = (count: number): number => Math.ceil(count / batchSize);
  const sessionMs = latency.startSession + latency.endSession;
  const windowMs = latency.openWindow + latency.close;

  const authMs = latency.authenticate + latency.router;
  const expireBatches = batches(job.expired);
  const expireMs =
    expireBatches * (sessionMs + windowMs) +
    job.expired * (2 * change + latency.save + latency.clear + latency.odata);
  const createBatches = batches(job.created);
  const fields = job.formFieldsPerPage + job.valuesFieldsPerPage;
  const createMs =
    createBatches * (sessionMs + windowMs) +
    job.created * (fields * change + latency.selectTab + latency.save + latency.clear);
  const linkBatches = batches(job.links);
  const linkMs =
    linkBatches * sessionMs +
    job.links *
      (latency.openWindow +
        2 * change +
        latency.selectTab +
        latency.addRow +
        latency.save +
        latency.close);

  const requests =
    2 +
    expireBatches * 4 +
    job.expired * 5 +
    createBatches * 4 +
    job.created * (fields + 3) +
    linkBatches * 2 +
    job.links * 7;
  const totalMs = authMs + expireMs + createMs + linkMs;

  return { totalMs, requests, perPageMs: job.created > 0 ? totalMs / job.created : 0 };
}
