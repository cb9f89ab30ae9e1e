import type { Logger, P21Client, Result, Window } from "../client/index.js";

export type { Logger } from "../client/index.js";

/** What an operation sees while it runs one record (or one group) in an open window. */
export interface OperationContext {
  /** Aborted on a hard stop: pass it to every request so that the record is abandoned at once. */
  readonly signal: AbortSignal;
  /** 1-based attempt of this record (or group) within the current run of the phase. */
  readonly attempt: number;
  /**
   * Answers every dialog a Blocked result opened, following the run's DialogPolicy, and returns
   * the final non-blocked Result. An unknown dialog throws UnknownDialogError (permanent for the
   * record: the engine then closes and reopens the window).
   */
  settleDialogs(result: Result): Promise<Result>;
  /** Records an event in the journal's event log and the progress stream. */
  event(type: string, data?: Record<string, unknown>): void;
  readonly logger: Logger;
  /**
   * The batch's client, for reading a save back out of band (OData): what the database holds,
   * where the window's own data shows what the window holds.
   */
  readonly client: P21Client;
}

/** What an operation sees while it asks the server whether its records already exist. */
export interface ReconcileContext {
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** An operation that writes one record per save (for example, create a price page). */
export interface RecordOperation<Input, Output> {
  readonly kind: "record";
  /** Stable name of the operation, e.g. "price-page.create". */
  readonly name: string;
  /** The window service the operation runs in, e.g. "SalesPricePage". */
  readonly service: string;
  /** What makes two records the same on the server. */
  naturalKey(input: Input): string;
  /** A human description for messages, e.g. "price page 'ACME 2027 list' (supplier 10001)". */
  describe(input: Input): string;
  /**
   * Runs one record in an open, clean window (cleared after the previous record). Throws a
   * P21Error on any failure; never saves after a failed change (a refused change is
   * RecordRefusedError).
   */
  run(window: Window, input: Input, context: OperationContext): Promise<Output>;
  /** Asks the server (OData) whether the record already exists; its output if so. */
  reconcile(
    client: P21Client,
    input: Input,
    context: ReconcileContext,
  ): Promise<Output | undefined>;
  /**
   * {@link reconcile} for many records with as few queries as the server allows; the outputs
   * are in the order of `inputs`. The engine uses it whenever it asks about several records.
   */
  reconcileMany?(
    client: P21Client,
    inputs: Input[],
    context: ReconcileContext,
  ): Promise<(Output | undefined)[]>;
  /**
   * Who reads a save back. "run" (the default): `run` itself, before it returns. "batch": `run`
   * returns after its save, and once the batch's records have run the engine asks the server
   * about them all (through `reconcileMany`, out of band); a record the server does not hold as
   * written is tried again like any failed attempt, and the records stay in flight until then.
   * Only for writes that may be sent again safely (an update to a known record), since the
   * answer comes after the next records were sent.
   */
  readonly readBack?: "run" | "batch";
}

/** An operation that writes many records with one save (for example, link pages to a book). */
export interface GroupOperation<Input, Output> {
  readonly kind: "group";
  readonly name: string;
  readonly service: string;
  naturalKey(input: Input): string;
  describe(input: Input): string;
  /** Items sharing a key share one window load and one save (e.g. the book id). */
  groupKey(input: Input): string;
  /** Runs the group with one save; the outputs are in the order of `inputs`. */
  runGroup(window: Window, inputs: Input[], context: OperationContext): Promise<Output[]>;
  /** For each input, its output when the server already holds it, else undefined. */
  reconcile(
    client: P21Client,
    inputs: Input[],
    context: ReconcileContext,
  ): Promise<(Output | undefined)[]>;
}

export type Operation<Input = unknown, Output = unknown> =
  RecordOperation<Input, Output> | GroupOperation<Input, Output>;
