/**
 * Price pages: the input rows (schema, labels, CSV and JSON readers with file:row:column
 * problems), the SalesPricePage and SalesPriceBook operations, and the create, expire, link and
 * replace workflows on the batch engine.
 */
export {
  pricePageRowSchema,
  priceBreakSchema,
  PAGE_DEFAULTS,
  pageConsistencyProblems,
} from "./page-row.js";
export type { PricePageRow, ColumnProblem } from "./page-row.js";
export {
  expirationRowSchema,
  linkRowSchema,
  EXPIRATION_COLUMNS,
  LINK_COLUMNS,
} from "./secondary-records.js";
export type { ExpirationRow, LinkRow } from "./secondary-records.js";
export { PAGE_COLUMNS, REQUIRED_PAGE_COLUMNS, validatePageRecord } from "./page-record.js";
export { LABEL_LISTS, SUPPORTED_PAGE_TYPES, resolveLabel } from "./labels.js";
export type { LabelField, LabelResolution } from "./labels.js";
export {
  BOOK_SEPARATOR,
  MAX_BOOK_ID_LENGTH,
  MAX_DECIMAL,
  MAX_DECIMAL_PLACES,
  MAX_WHOLE_NUMBER,
} from "./cells.js";
export { FIELD_LENGTHS, MAX_TIERS } from "./limits.js";
export { readCalendarDate } from "./dates.js";
export { closest, editDistance } from "./closest.js";
export { formatProblem, sortProblems } from "./problems.js";
export type { InputProblem } from "./problems.js";
export {
  IGNORED_COLUMNS,
  looksLikeFormula,
  readExpirationFile,
  readLinkFile,
  readPricePageFile,
} from "./read-input.js";
export type {
  ExpirationInputOptions,
  InputReading,
  InputRow,
  PricePageInputOptions,
  ReadInputOptions,
} from "./read-input.js";
export type { TableFormat } from "./input/table.js";
export {
  describePage,
  expirationNaturalKey,
  linkNaturalKey,
  pageNaturalKey,
} from "./natural-keys.js";
export { PLAN_PROBLEM_LIMIT, PlanProblemsError, WorkflowSpecError } from "./errors.js";
export type { PlanProblem } from "./errors.js";

export { createPricePage, createPricePageOperation, isSamePage } from "./operations/create-page.js";
export type {
  ChangeMode,
  CreatePageInput,
  CreatePageOptions,
  CreatePageOutput,
} from "./operations/create-page.js";
export { expirePricePage, expirePricePageOperation } from "./operations/expire-page.js";
export type {
  ExpirePageInput,
  ExpirePageOutput,
  ExpireReadBack,
} from "./operations/expire-page.js";
export {
  linkPagesToBook,
  linkPagesToBookOperation,
  linkPageToBook,
  linkPageToBookOperation,
} from "./operations/link-pages.js";
export type { LinkInput, LinkOutput } from "./operations/link-pages.js";
export { formatDecimal, pageFieldChanges } from "./operations/page-fields.js";
export type { TabChanges } from "./operations/page-fields.js";

export {
  createWorkflowRun,
  linksToCome,
  planWorkflow,
  runWorkflow,
  storedWorkflow,
} from "./workflow/workflow.js";
export type { RunWorkflowOptions } from "./workflow/workflow.js";
export { dayBefore } from "./workflow/plan-phases.js";
export { checkWorkflowSpec } from "./workflow/spec-check.js";
export { PHASES } from "./workflow/types.js";
export type {
  HeldBackPage,
  LinkMode,
  PendingLink,
  PlanAction,
  PlannedItem,
  StoredWorkflow,
  WorkflowKind,
  WorkflowPlan,
  WorkflowSpec,
  WorkflowSummary,
} from "./workflow/types.js";
