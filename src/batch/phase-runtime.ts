import type { Logger, P21Client, RequestEvent } from "../client/index.js";
import { defaultLogger, levelEnabled } from "../client/logger.js";
import type { ItemRecord, Journal } from "../journal/index.js";
import type { BatchUnit } from "./batches.js";
import type { Operation } from "./operation.js";
import type { ResolvedEngineOptions } from "./options.js";
import { ProgressCounter } from "./progress-counter.js";
import type { ProgressEvent, ProgressEventInput } from "./progress-events.js";
import type { StopController } from "./stop.js";
import type { TokenKnowledge } from "./token-contention.js";
import { probeTokenContention } from "./token-contention.js";
import { WorkerCountController } from "./worker-count.js";

/** Events that are also written to the journal's event log (the rest live on the item rows). */
const journaledTypes: ReadonlySet<string> = new Set([
  "batch-started",
  "batch-finished",
  "retry",
  "window-reopened",
  "session-opened",
  "session-ended",
  "workers-changed",
  "dialog-answered",
  "warning",
  "operation-event",
  "phase-started",
  "phase-finished",
]);

/** The journal event of an item settled by finding it on the server (not by running it). */
export const reconciledEventType = "record-reconciled";

/** Recent sessions considered when deciding that tokens invalidate each other. */
const contentionWindow = 8;
/** Sessions of that window lost young that mean contention. */
const contentionThreshold = 4;

/** Counters reported in the PhaseSummary. */
export interface PhaseStatistics {
  retries: number;
  reopens: number;
  sessionsOpened: number;
  reconciled: number;
}

/**
 * Everything the workers of one runPhase share: options, journal, queue, counters, the worker
 * count controller, and the event stream.
 */
export class PhaseRuntime<Input, Output> {
  readonly statistics: PhaseStatistics = {
    retries: 0,
    reopens: 0,
    sessionsOpened: 0,
    reconciled: 0,
  };

  readonly queue: BatchUnit[] = [];
  readonly items = new Map<number, ItemRecord>();
  readonly workerCount: WorkerCountController;
  readonly counter: ProgressCounter;
  readonly logger: Logger;
  /**
   * Whether anyone reads the events that are not journaled: the progress listener or the debug
   * log. Without either, such events are not built (a record-settled event costs a rate and an
   * estimate per record).
   */
  readonly listened: boolean;
  readonly #debug: boolean;
  /** Sessions open right now, over every worker. */
  openSessions = 0;
  /** Workers that hold a batch right now. */
  activeWorkers = 0;
  readonly #startedAt = performance.now();
  readonly #clients = new Map<number, P21Client>();
  /** Once tokens invalidate each other: the one client (one token) every worker uses. */
  #soleClient: number | undefined;
  /** The worker whose client obtained the newest token, the one a server of such tokens honours. */
  #newestToken: number | undefined;
  #nextSession: number;
  readonly #recentSessions: boolean[] = [];
  #wakeUp: (() => void)[] = [];

  constructor(
    readonly options: ResolvedEngineOptions,
    readonly runId: string,
    readonly phase: string,
    readonly operation: Operation<Input, Output>,
    readonly stop: StopController,
    phaseItems: readonly ItemRecord[],
    readonly tokens: TokenKnowledge,
  ) {
    for (const item of phaseItems) this.items.set(item.id, item);

    this.logger = options.logger ?? defaultLogger();
    this.#debug = levelEnabled(this.logger, "debug");
    this.listened = options.onProgress !== undefined || this.#debug;
    this.#nextSession = Math.max(0, ...phaseItems.map((item) => item.session ?? 0)) + 1;
    this.counter = new ProgressCounter({
      total: phaseItems.length,
      succeeded: phaseItems.filter((item) => item.state === "succeeded").length,
      failed: phaseItems.filter((item) => item.state === "failed").length,
      skipped: phaseItems.filter((item) => item.state === "skipped").length,
    });
    if (tokens.exclusive) this.#soleClient = 0;
    const sessions = tokens.exclusive ? 1 : options.sessions;
    this.workerCount = new WorkerCountController(sessions, (from, to, reason) => {
      this.emit({ type: "workers-changed", from, to, reason });
      this.notify();
    });
    stop.graceful.addEventListener("abort", () => this.notify(), { once: true });
  }

  get journal(): Journal {
    return this.options.journal;
  }

  get elapsedMs(): number {
    return Math.round(performance.now() - this.#startedAt);
  }

  /**
   * The worker's client, created on first use; the one client of the phase once tokens
   * invalidate each other (another token would end the session of the one in use).
   */
  clientFor(workerIndex: number): P21Client {
    const owner = this.#soleClient ?? workerIndex;
    let client = this.#clients.get(owner);
    if (client === undefined) {
      client = this.options.createClient(owner);
      client.on("request", (event: RequestEvent) => {
        const obtained = event.status !== undefined && event.status >= 200 && event.status < 300;
        if (event.operation === "token" && obtained) this.#newestToken = owner;
      });
      this.#clients.set(owner, client);
    }

    return client;
  }

  /** Closes the worker's client (its sessions are abandoned) and creates a new one. */
  async replaceClient(workerIndex: number): Promise<P21Client> {
    const owner = this.#soleClient ?? workerIndex;
    const old = this.#clients.get(owner);
    this.#clients.delete(owner);
    if (old !== undefined) {
      try {
        await old.close();
      } catch (error) {
        this.logger.debug({ error: String(error) }, "closing a replaced client failed");
      }
    }

    return this.clientFor(workerIndex);
  }

  /** Closes every client the phase created; runs every step even when one fails. */
  async closeClients(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.allSettled(clients.map((client) => client.close()));
  }

  nextSessionNumber(): number {
    const number = this.#nextSession;
    this.#nextSession += 1;

    return number;
  }

  /** The item as last written (the map is refreshed on every journal write). */
  item(itemId: number): ItemRecord {
    const item = this.items.get(itemId);
    if (item === undefined) throw new Error(`item ${itemId} is not part of phase ${this.phase}`);

    return item;
  }

  remember(item: ItemRecord): ItemRecord {
    this.items.set(item.id, item);

    return item;
  }

  /** Sends an event to the listener and, for the history-worthy types, to the journal. */
  emit(input: ProgressEventInput): void {
    const reconciled = input.type === "record-settled" && input.via === "reconcile";
    const journaled = journaledTypes.has(input.type) || reconciled;
    if (!journaled && !this.listened) return;

    const elapsedMs = this.elapsedMs;
    if (journaled) {
      const { type, ...fields } = input;
      const itemId = "itemId" in input ? input.itemId : undefined;
      const journalType =
        input.type === "operation-event" ? input.name : reconciled ? reconciledEventType : type;
      try {
        this.journal.appendEvent(
          this.runId,
          {
            type: journalType,
            phase: this.phase,
            ...(itemId === undefined ? {} : { itemId }),
            data: { ...fields, elapsedMs },
          },
          { durable: false },
        );
      } catch (error) {
        this.logger.warn({ error: String(error), type }, "could not write an event to the journal");
      }
    }

    if (!this.listened) return;

    const event: ProgressEvent = { ...input, runId: this.runId, phase: this.phase, elapsedMs };
    if (this.#debug) this.logger.debug({ ...event }, `p21kit engine ${event.type}`);
    try {
      this.options.onProgress?.(event);
    } catch (error) {
      this.logger.warn({ error: String(error), type: event.type }, "progress listener threw");
    }
  }

  /** Wakes every worker waiting for a change (queue, worker count, stop). */
  notify(): void {
    const waiting = this.#wakeUp;
    this.#wakeUp = [];
    for (const wake of waiting) wake();
  }

  /** Resolves on the next notify(). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#wakeUp.push(resolve));
  }

  /**
   * Before the first sessions of a phase that would run several, when the engine does not know
   * yet: whether a new token of this user invalidates the older ones. Checked once per engine,
   * with two sign-ins and no session (see probeTokenContention).
   */
  async checkTokens(): Promise<void> {
    if (!this.tokens.worthProbing || this.workerCount.target <= 1) return;

    this.tokens.probed();
    const second = this.clientFor(1);
    const exclusive = await probeTokenContention(this.clientFor(0), second, this.stop.hard);
    if (exclusive === true) this.#tokensInvalidateEachOther("probe");
  }

  /**
   * Notes how a session ended. Several recent sessions lost young to expired sessions or
   * tokens, while more than one worker runs, mean that this user's tokens invalidate each other.
   */
  sessionEnded(lostYoung: boolean): void {
    this.#recentSessions.push(lostYoung);
    if (this.#recentSessions.length > contentionWindow) this.#recentSessions.shift();

    const lost = this.#recentSessions.filter(Boolean).length;
    if (lost < contentionThreshold || this.workerCount.target <= 1) return;

    this.#recentSessions.length = 0;
    this.#tokensInvalidateEachOther("sessions lost");
  }

  /**
   * One session and one client from now on, for this phase and (through the engine's
   * TokenKnowledge) every later one: the client of the newest token, the one the server still
   * honours. Said once per engine.
   */
  #tokensInvalidateEachOther(evidence: "probe" | "sessions lost"): void {
    // Known limit: sessions lost with their tokens before this (only when the check before the
    // first sessions could not tell) are not counted against the pool; while they fill it, the
    // one session left waits for an instance like any other, until the server reaps them.
    this.#soleClient ??= this.#newestToken ?? 0;
    const before = this.workerCount.target;
    this.workerCount.tokenContention();
    if (!this.tokens.learnExclusive()) return;

    const found =
      evidence === "probe"
        ? "a second sign-in of this user invalidated the first one's token"
        : "sessions keep expiring soon after they open: the tokens of this user seem to " +
          "invalidate each other (the sessions of the replaced tokens cannot be ended; the " +
          "server reaps them after their idle timeout)";
    this.emit({
      type: "warning",
      code: "P21_TOKEN_CONTENTION",
      message:
        `${found}; continuing with ${this.workerCount.target} session(s) instead of ` +
        `${before} for the rest of the run`,
    });
  }
}
