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
