import type { PhaseSummary } from "../../batch/index.js";
import type { ChangeMode, CreatePageInput } from "../operations/create-page.js";
import type { ExpirePageInput, ExpireReadBack } from "../operations/expire-page.js";
import type { LinkInput } from "../operations/link-pages.js";
import type { PricePageRow } from "../page-row.js";

/** The four price-page workflows. */
export type WorkflowKind = "create" | "expire" | "link" | "replace";

/** How links are written: a save per book batch, or the reference pattern's save per link. */
export type LinkMode = "grouped" | "per-link";

/** What a workflow run should do. */
export interface WorkflowSpec {
  kind: WorkflowKind;
  /** The input file, for the record. */
  inputFile?: string;
  /** Pages to create (create, replace). */
  pages?: PricePageRow[];
  /** Pages to expire (expire). */
  expirations?: { pricePageUid: number; expirationDate: string }[];
  /** Links to make (link; also alongside pages, for a retry of failed links). */
  links?: { bookId: string; pricePageUid: number }[];
  /** Books every page is linked to, unless its own `books` column names others. */
  books?: string[];
  /**
   * Expiration date of the old pages of a replace (and of expirations without their own).
   * @default for a replace: the day before the new page's effective date
   */
  expireDate?: string;
  /** The old pages of a replace: found through OData ("auto"), or given. @default "auto" */
  old?: "auto" | { pricePageUid: number; expirationDate?: string }[];
  /**
   * A new page whose dates overlap an active page of the same supplier, company and group on
   * the server: refused by the plan, or let through for a caller whose `dialogPolicy` answers
   * the server's warning at the save. @default "refuse"
   */
  overlaps?: "refuse" | "allow";
  /** The company, for the record (rows carry theirs). */
  company?: string;
  /** @default "tab" */
  changeMode?: ChangeMode;
  /** @default "grouped" */
  linkMode?: LinkMode;
  /**
   * How expirations are read back: one OData query per batch, or the window's data after every
   * save (the reference pattern). @default "batch"
   */
  readBack?: ExpireReadBack;
  /**
   * The input rows the records came from, parallel to `pages` (create, replace),
   * `expirations` (expire) or `links` (link); kept with each item for the result files.
   */
  inputRows?: number[];
  /** The rows of the `old` file the old pages came from, parallel to `old`. */
  oldRows?: number[];
}

/** The settings a run keeps in the journal (under `options.workflow`) so that it can resume. */
export interface StoredWorkflow {
  kind: WorkflowKind;
  changeMode: ChangeMode;
  linkMode: LinkMode;
  readBack: ExpireReadBack;
  books: string[] | undefined;
  expireDate: string | undefined;
  company: string | undefined;
}

/** What a finished (or stopped) workflow run did. */
export interface WorkflowSummary {
  runId: string;
  expired: number;
  created: number;
  linked: number;
  skipped: number;
  failed: number;
  /** True when a stop signal ended the run before every item was settled; resumable. */
  interrupted: boolean;
  phases: PhaseSummary[];
}

/**
 * A new page of a replace that was not created because the old page of its supplier and group
 * could not be expired: settled failed before its phase starts, so no engine event tells it.
 */
export interface HeldBackPage {
  readonly runId: string;
  readonly phase: string;
  readonly itemId: number;
  readonly naturalKey: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** Whether a planned record would be written, or left alone because the server has it. */
export type PlanAction = "run" | "skip";

/** One record of a plan. */
export interface PlannedItem<Input> {
  readonly action: PlanAction;
  readonly naturalKey: string;
  readonly input: Input;
  /** Why it is skipped, or what it replaces. */
  readonly reason?: string;
  /** The server's record when it is skipped (the existing uid). */
  readonly existing?: { pricePageUid: number };
}

/** A link whose page does not exist yet: it is made after the page is created. */
export interface PendingLink {
  readonly row?: number | undefined;
  readonly bookId: string;
  /** The natural key of the page to create. */
  readonly pageKey: string;
}

/** What a workflow would do (a dry run): OData lookups only, nothing written. */
export interface WorkflowPlan {
  readonly kind: WorkflowKind;
  readonly expire: readonly PlannedItem<ExpirePageInput>[];
  readonly create: readonly PlannedItem<CreatePageInput>[];
  /** Links between existing pages and books. */
  readonly link: readonly PlannedItem<LinkInput>[];
  /** Links of pages the run would create. */
  readonly linkAfterCreate: readonly PendingLink[];
  readonly counts: {
    readonly expire: number;
    readonly create: number;
    readonly link: number;
    readonly skipped: number;
  };
}

/** Phase names in the journal, in the order they run. */
export const PHASES = { expire: "expire", create: "create", link: "link" } as const;
