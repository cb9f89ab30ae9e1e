/** Running counts of a phase, carried by record-settled and phase events. */
export interface ProgressCounts {
  /** Items of the phase, settled or not. */
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Items not yet settled (pending or in flight). */
  remaining: number;
}

interface EventBase {
  runId: string;
  phase: string;
  /** Milliseconds since the phase started. */
  elapsedMs: number;
}

interface WorkerEventBase extends EventBase {
  /** 0-based index of the worker (one session at a time each). */
  workerIndex: number;
}

export interface PhaseStartedEvent extends EventBase {
  type: "phase-started";
  counts: ProgressCounts;
  operation: string;
  /** In-flight items of an earlier run that are reconciled before anything is sent. */
  inFlight: number;
  batches: number;
  /** The most sessions the phase runs on: those asked for, or fewer when it has fewer batches. */
  sessions: number;
}

export interface BatchStartedEvent extends WorkerEventBase {
  type: "batch-started";
  batch: number;
  items: number;
}

export interface BatchFinishedEvent extends WorkerEventBase {
  type: "batch-finished";
  batch: number;
  succeeded: number;
  failed: number;
  /** Items of the batch left unsettled (stopped, or returned to the queue). */
  unsettled: number;
}

export interface RecordSettledEvent extends WorkerEventBase {
  type: "record-settled";
  itemId: number;
  naturalKey: string;
  state: "succeeded" | "failed" | "skipped";
  attempts: number;
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
  /** How it was settled: by running it, or by finding it on the server. */
  via: "run" | "reconcile";
  counts: ProgressCounts;
  /** Records settled per second over the last few seconds. */
  ratePerSecond: number;
  /** Estimated milliseconds until the phase is done, when the rate is known. */
  etaMs: number | undefined;
}

/**
 * A record saved and waiting for its batch's read-back (operations with `readBack: "batch"`);
 * its record-settled comes once the batch's records have run.
 */
export interface RecordSavedEvent extends WorkerEventBase {
  type: "record-saved";
  itemId: number;
  naturalKey: string;
  attempts: number;
}

export interface RetryEvent extends WorkerEventBase {
  type: "retry";
  itemId: number | undefined;
  naturalKey: string | undefined;
  /** The attempt that follows. */
  attempt: number;
  delayMs: number;
  errorCode: string;
  errorMessage: string;
  /** What is replaced before the next attempt. */
  fresh: "window" | "session";
}

export interface WindowReopenedEvent extends WorkerEventBase {
  type: "window-reopened";
  service: string;
  reason: string;
  errorCode: string | undefined;
}

export interface SessionOpenedEvent extends WorkerEventBase {
  type: "session-opened";
  session: number;
  sessionId: string;
  createMs: number;
}

export interface SessionEndedEvent extends WorkerEventBase {
  type: "session-ended";
  session: number;
  sessionId: string;
  /** Why it ended: the batch was done, it expired, or the run stopped. */
  reason: "batch-done" | "replaced" | "stopped" | "failed";
}

export interface WorkersChangedEvent extends EventBase {
  type: "workers-changed";
  from: number;
  to: number;
  reason: "pool-refused" | "slow-session-create" | "token-contention" | "increase";
}

export interface DialogAnsweredEvent extends WorkerEventBase {
  type: "dialog-answered";
  itemId: number | undefined;
  title: string | undefined;
  text: string | undefined;
  pressed: string;
}

export interface WarningEvent extends EventBase {
  type: "warning";
  code: string;
  message: string;
  workerIndex?: number | undefined;
  /** The code of the error behind the warning, if any. */
  errorCode?: string | undefined;
}

/** An event an operation recorded through its context. */
export interface OperationEvent extends WorkerEventBase {
  type: "operation-event";
  name: string;
  itemId: number | undefined;
  data: Record<string, unknown>;
}

export interface PhaseFinishedEvent extends EventBase {
  type: "phase-finished";
  counts: ProgressCounts;
  interrupted: boolean;
  retries: number;
  reopens: number;
  sessionsOpened: number;
}

/** Every progress event of the engine, discriminated on `type`. */
export type ProgressEvent =
  | PhaseStartedEvent
  | BatchStartedEvent
  | BatchFinishedEvent
  | RecordSettledEvent
  | RecordSavedEvent
  | RetryEvent
  | WindowReopenedEvent
  | SessionOpenedEvent
  | SessionEndedEvent
  | WorkersChangedEvent
  | DialogAnsweredEvent
  | WarningEvent
  | OperationEvent
  | PhaseFinishedEvent;

/** A progress event without the fields the engine fills in itself. */
export type ProgressEventInput = ProgressEvent extends infer Event
  ? Event extends ProgressEvent
    ? Omit<Event, "runId" | "phase" | "elapsedMs">
    : never
  : never;
