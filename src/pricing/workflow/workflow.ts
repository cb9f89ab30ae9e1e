import type { BatchEngine, PhaseSummary } from "../../batch/index.js";
import { WorkflowSpecError } from "../errors.js";
import type { P21Client } from "../../client/index.js";
import type { ItemRecord, Journal, RunRecord } from "../../journal/index.js";
import { linkNaturalKey } from "../natural-keys.js";
import { createPricePageOperation } from "../operations/create-page.js";
import type { CreatePageInput, CreatePageOutput } from "../operations/create-page.js";
import { expirePricePageOperation } from "../operations/expire-page.js";
import type { ExpirePageInput } from "../operations/expire-page.js";
import { linkPagesToBook, linkPageToBook } from "../operations/link-pages.js";
import type { LinkInput } from "../operations/link-pages.js";
import { booksOf, pairKey, planPhases } from "./plan-phases.js";
import type { PhasePlan } from "./plan-phases.js";
import { skipPendingCreatesTheServerHas, skipPendingLinksTheServerHas } from "./pending-recheck.js";
import { checkWorkflowSpec } from "./spec-check.js";
import { PHASES } from "./types.js";
import type {
  HeldBackPage,
  PlannedItem,
  StoredWorkflow,
  WorkflowPlan,
  WorkflowSpec,
  WorkflowSummary,
} from "./types.js";

const ADD_CHUNK = 1_000;

/** The workflow settings a run keeps; defaults for a run written without them. */
export function storedWorkflow(run: RunRecord): StoredWorkflow {
  const options = run.options as { workflow?: Partial<StoredWorkflow> } | null | undefined;
  const stored = typeof options === "object" && options !== null ? (options.workflow ?? {}) : {};
  const kind = stored.kind ?? (run.kind as StoredWorkflow["kind"]);

  return {
    kind,
    changeMode: stored.changeMode ?? "tab",
    linkMode: stored.linkMode ?? "grouped",
    readBack: stored.readBack ?? "batch",
    books: stored.books,
    expireDate: stored.expireDate,
    company: stored.company,
  };
}

/** Adds planned items to a phase, settling the skipped ones with the record the server has. */
function addPlanned<Input>(
  journal: Journal,
  runId: string,
  phase: string,
  planned: readonly PlannedItem<Input>[],
): void {
  for (let start = 0; start < planned.length; start += ADD_CHUNK) {
    const chunk = planned.slice(start, start + ADD_CHUNK);
    journal.transaction(() => {
      const items = journal.addItems(
        runId,
        phase,
        chunk.map((item) => ({ naturalKey: item.naturalKey, input: item.input })),
      );
      items.forEach((record, index) => {
        const item = chunk[index];
        if (item?.action === "skip") {
          journal.settle(record.id, { state: "skipped", result: item.existing ?? null });
        }
      });
    });
  }
}

/**
 * Writes a workflow run and the items it starts with: what to expire (for a replace with
 * `old: "auto"`, the active pages of each new page's supplier and group not yet expired by
 * then, found through OData), what to create, what to link. Items whose record the server
 * already holds are settled `skipped` at once (one OData lookup per supplier and per book).
 * Links of pages still to be created are added by {@link runWorkflow} after the create phase.
 */
export async function createWorkflowRun(
  journal: Journal,
  client: P21Client,
  spec: WorkflowSpec,
  meta: {
    baseUrl: string;
    username?: string;
    options: unknown;
    inputDigest: string;
    parentRunId?: string;
  },
): Promise<RunRecord> {
  checkWorkflowSpec(spec);
  const plan = await planPhases(client, spec);
  const workflow: StoredWorkflow = {
    kind: spec.kind,
    changeMode: spec.changeMode ?? "tab",
    linkMode: spec.linkMode ?? "grouped",
    readBack: spec.readBack ?? "batch",
    books: spec.books,
    expireDate: spec.expireDate,
    company: spec.company,
  };
  const options =
    typeof meta.options === "object" && meta.options !== null && !Array.isArray(meta.options)
      ? { ...(meta.options as Record<string, unknown>), workflow }
      : { options: meta.options, workflow };

  return journal.transaction(() => {
    const run = journal.createRun({
      kind: spec.kind,
      options,
      inputDigest: meta.inputDigest,
      baseUrl: meta.baseUrl,
      ...(meta.username === undefined ? {} : { username: meta.username }),
      ...(meta.parentRunId === undefined ? {} : { parentRunId: meta.parentRunId }),
    });
    addPlanned(journal, run.id, PHASES.expire, plan.expire);
    addPlanned(journal, run.id, PHASES.create, plan.create);
    addPlanned(journal, run.id, PHASES.link, plan.link);

    return run;
  });
}

/** A dry run: what the workflow would expire, create, link and skip. Reads only. */
export async function planWorkflow(client: P21Client, spec: WorkflowSpec): Promise<WorkflowPlan> {
  checkWorkflowSpec(spec);
  const plan: PhasePlan = await planPhases(client, spec);
  const running = (items: readonly PlannedItem<unknown>[]) =>
    items.reduce((count, item) => (item.action === "run" ? count + 1 : count), 0);
  // Counted in place: a spread of every planned item would copy 200,000 of them.
  const planned = [plan.expire, plan.create, plan.link];
  const skipped = planned.reduce((count, items) => count + items.length - running(items), 0);

  return {
    kind: spec.kind,
    expire: plan.expire,
    create: plan.create,
    link: plan.link,
    linkAfterCreate: plan.linkAfterCreate,
    counts: {
      expire: running(plan.expire),
      create: running(plan.create),
      link: running(plan.link) + plan.linkAfterCreate.length,
      skipped,
    },
  };
}

/**
 * For a replace: the new pages of a supplier and group whose old page could not be expired
 * are not created (two active pages for one key apply unpredictably); they fail with the
 * reason, and a retry of the failed records takes both up again.
 */
function holdBackUnexpiredPairs(journal: Journal, runId: string): HeldBackPage[] {
  const blocked = unexpiredPairs(journal, runId);
  if (blocked.size === 0) {
    return [];
  }

  return journal.transaction(() => {
    const held: HeldBackPage[] = [];
    for (const item of journal.items(runId, { phase: PHASES.create, states: ["pending"] })) {
      const page = (item.input as CreatePageInput).page;
      const failedExpiration = blocked.get(pairKey(page));
      if (failedExpiration !== undefined) {
        const old = (failedExpiration.input as ExpirePageInput).pricePageUid;
        const failure = {
          errorCode: "P21_OLD_PAGE_NOT_EXPIRED",
          errorMessage: `not created: the old page ${old} of supplier ${page.supplierId} could not be expired (${failedExpiration.errorMessage ?? failedExpiration.errorCode ?? "failed"})`,
        };
        journal.settle(item.id, { state: "failed", ...failure });
        held.push({
          runId,
          phase: item.phase,
          itemId: item.id,
          naturalKey: item.naturalKey,
          ...failure,
        });
      }
    }

    return held;
  });
}

/**
 * The links of the pages the create phase made (or found) that the link phase does not hold
 * yet, once each: they are recorded only when their pages exist (their uids come from the
 * saves).
 */
function unrecordedLinks(journal: Journal, runId: string, workflow: StoredWorkflow) {
  const known = new Set(
    journal.items(runId, { phase: PHASES.link }).map((item) => item.naturalKey),
  );
  const links: { naturalKey: string; input: LinkInput }[] = [];
  for (const item of journal.items(runId, {
    phase: PHASES.create,
    states: ["succeeded", "skipped"],
  })) {
    const input = item.input as CreatePageInput;
    const uid = (item.result as CreatePageOutput | null | undefined)?.pricePageUid;
    if (typeof uid !== "number") {
      continue;
    }

    for (const bookId of booksOf(input.page, workflow.books)) {
      const link: LinkInput = { row: input.row, bookId, pricePageUid: uid };
      const naturalKey = linkNaturalKey(link);
      if (!known.has(naturalKey)) {
        known.add(naturalKey);
        links.push({ naturalKey, input: link });
      }
    }
  }

  return links;
}

/** The failed expirations of a replace by their supplier and group: their creates wait. */
function unexpiredPairs(journal: Journal, runId: string): Map<string, ItemRecord> {
  const blocked = new Map<string, ItemRecord>();
  for (const item of journal.items(runId, { phase: PHASES.expire, states: ["failed"] })) {
    const input = item.input as ExpirePageInput;
    if (input.supplierId !== undefined) {
      blocked.set(pairKey({ ...input, supplierId: input.supplierId }), item);
    }
  }

  return blocked;
}

/** Adds the links of the pages the create phase made (or found), once each. */
function addLinksOfCreatedPages(journal: Journal, runId: string, workflow: StoredWorkflow): void {
  const links = unrecordedLinks(journal, runId, workflow);
  for (let start = 0; start < links.length; start += ADD_CHUNK) {
    journal.addItems(runId, PHASES.link, links.slice(start, start + ADD_CHUNK));
  }
}

/**
 * How many links an unfinished create or replace will still add to its link phase: those of
 * the pages it has made and not yet recorded, and one per book of each page still to create
 * (fewer if the server turns out to have some). A finished run adds none.
 */
export function linksToCome(journal: Journal, run: RunRecord): number {
  const unfinished =
    run.state === "pending" || run.state === "running" || run.state === "interrupted";
  if (!unfinished || (run.kind !== "create" && run.kind !== "replace")) return 0;

  const workflow = storedWorkflow(run);
  // A page whose old page could not be expired is held back, not created: no links of its own.
  const blocked = unexpiredPairs(journal, run.id);
  const toCreate = journal
    .items(run.id, { phase: PHASES.create, states: ["pending", "in_flight"] })
    .map((item) => (item.input as CreatePageInput).page)
    .filter((page) => !blocked.has(pairKey(page)));

  return toCreate.reduce(
    (count, page) => count + booksOf(page, workflow.books).length,
    unrecordedLinks(journal, run.id, workflow).length,
  );
}

/** Options of {@link runWorkflow}. */
export interface RunWorkflowOptions {
  /**
   * For a resumed run: the client that looks up, before the create and the link phase, the
   * pending records the server has come to hold since the run was planned (another run of the
   * same file, say); they are settled skipped rather than sent a second time.
   */
  readonly recheckWith?: P21Client;
  readonly signal?: AbortSignal;
  /**
   * Told of each new page of a replace held back because its old page could not be expired
   * (settled failed before the create phase starts, so the engine's events do not carry it).
   */
  readonly onHeldBack?: (page: HeldBackPage) => void;
}

/**
 * Runs the remaining phases of a workflow run in order — expire, create, link — on the batch
 * engine. After the create phase the links of the created pages are added. Resumable at any
 * point: settled items are never re-run, in-flight ones are reconciled by the engine first,
 * and with `recheckWith` pending ones the server already has are skipped.
 */
export async function runWorkflow(
  journal: Journal,
  runId: string,
  engine: BatchEngine,
  options: RunWorkflowOptions = {},
): Promise<WorkflowSummary> {
  const run = journal.getRun(runId);
  if (run === undefined) {
    throw new WorkflowSpecError(`no run ${runId} in the journal`);
  }

  const workflow = storedWorkflow(run);
  const phases: PhaseSummary[] = [];
  let interrupted = false;
  for (const phase of [PHASES.expire, PHASES.create, PHASES.link]) {
    if (phase === PHASES.create && workflow.kind === "replace") {
      for (const page of holdBackUnexpiredPairs(journal, runId)) options.onHeldBack?.(page);
    }

    if (phase === PHASES.link) {
      addLinksOfCreatedPages(journal, runId, workflow);
    }

    if (!journal.phases(runId).includes(phase)) {
      continue;
    }

    if (options.recheckWith !== undefined && phase !== PHASES.expire) {
      // An expiry sent again sets the same date: harmless, so only creates and links.
      const recheck =
        phase === PHASES.create ? skipPendingCreatesTheServerHas : skipPendingLinksTheServerHas;
      await recheck(journal, runId, options.recheckWith, options.signal);
    }

    // A phase with nothing left to send (every record skipped, say) still goes through the
    // engine: it opens no session, and its progress events tell what the phase holds.
    const summary = await runPhase(engine, runId, phase, workflow);
    phases.push(summary);
    if (summary.interrupted || summary.unsettled > 0) {
      interrupted = true;
      break;
    }
  }

  const state = journal.getRun(runId)?.state;
  if (!interrupted) {
    journal.setRunState(runId, "completed");
  } else if (state !== "interrupted") {
    journal.setRunState(runId, "interrupted");
  }

  return summarise(journal, runId, phases, interrupted);
}

function runPhase(
  engine: BatchEngine,
  runId: string,
  phase: string,
  workflow: StoredWorkflow,
): Promise<PhaseSummary> {
  switch (phase) {
    case PHASES.expire:
      return engine.runPhase(
        runId,
        phase,
        expirePricePageOperation({ readBack: workflow.readBack }),
      );
    case PHASES.create:
      return engine.runPhase(
        runId,
        phase,
        createPricePageOperation({ changeMode: workflow.changeMode }),
      );
    default:
      return workflow.linkMode === "per-link"
        ? engine.runPhase(runId, phase, linkPageToBook)
        : engine.runPhase(runId, phase, linkPagesToBook);
  }
}

function summarise(
  journal: Journal,
  runId: string,
  phases: PhaseSummary[],
  interrupted: boolean,
): WorkflowSummary {
  const counts = (phase: string) => journal.counts(runId, phase);
  const all = journal.counts(runId);

  return {
    runId,
    expired: counts(PHASES.expire).succeeded,
    created: counts(PHASES.create).succeeded,
    linked: counts(PHASES.link).succeeded,
    skipped: all.skipped,
    failed: all.failed,
    interrupted,
    phases,
  };
}
