export { Journal } from "./journal.js";
export { failedResetEventType, returnedToPendingEventType } from "./event-types.js";
export { JournalError } from "./errors.js";
export type { JournalErrorCode, JournalErrorContext } from "./errors.js";
export { canonicalJson, digestInput } from "./canonical-json.js";
export { isSecretKey, redactSecrets, redactText, stripUrlCredentials } from "./redact.js";
export { isSettled, isUnfinishedRun, runTransition, transition } from "./state-machine.js";
export type { ItemEvent } from "./state-machine.js";
export { currentSchemaVersion } from "./schema-version.js";
export { itemStates, runStates, settledItemStates } from "./types.js";
export type {
  AttemptPlace,
  ItemFilter,
  ItemOutcome,
  ItemRecord,
  ItemState,
  JournalEvent,
  JournalOpenOptions,
  MarkOptions,
  NewEvent,
  NewItem,
  NewRun,
  RunRecord,
  RunState,
  SettledItemState,
  StorageSettings,
  WriteOptions,
} from "./types.js";
