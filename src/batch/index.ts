export { BatchEngine } from "./engine.js";
export type { EngineOptions, ResolvedEngineOptions } from "./options.js";
export { resolveEngineOptions } from "./options.js";
export { reconciledEventType } from "./phase-runtime.js";
export type {
  GroupOperation,
  Logger,
  Operation,
  OperationContext,
  ReconcileContext,
  RecordOperation,
} from "./operation.js";
export {
  EngineError,
  RecordRefusedError,
  UnknownDialogError,
  VerificationError,
} from "./errors.js";
export type { EngineErrorCode } from "./errors.js";
export type { AnsweredDialog, DialogPolicy, DialogRule } from "./dialogs.js";
export { matchDialogRule, settleDialogs } from "./dialogs.js";
export type * from "./progress-events.js";
export type { PhaseSummary } from "./summary.js";
export type { BatchUnit, BatchUnitOptions } from "./batches.js";
export { splitIntoBatches } from "./batches.js";
export type { FailureReading, RetryDecision, RetryDecisionInput } from "./retry.js";
export { backoffDelayMs, decideRetry, readFailure } from "./retry.js";
export type { PlannableItem, ReconcileAnswer, ResumePlan } from "./resume-plan.js";
export { applyReconciliation, planResume } from "./resume-plan.js";
export { WorkerCountController } from "./worker-count.js";
export type { WorkerCountReason } from "./worker-count.js";
