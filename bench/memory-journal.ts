// The "none" configuration of the engine-overhead bench: a journal that keeps runs in memory.
import type {
  AttemptPlace,
  ItemFilter,
  ItemOutcome,
  ItemRecord,
  ItemState,
  NewEvent,
  NewItem,
  NewRun,
  RunRecord,
  RunState,
} from "../src/journal/index.js";

/**
 * The journal methods the engine calls, kept in memory and never written: the baseline that
 * shows what the durable journal costs.
 */
export class MemoryJournalShim {
  readonly #items = new Map<number, ItemRecord>();
  readonly #runs = new Map<string, RunRecord>();

  createRun(run: NewRun): RunRecord {
    const now = new Date().toISOString();
    const record: RunRecord = {
      id: run.id ?? `run-${this.#runs.size + 1}`,
      kind: run.kind,
      state: "pending",
      options: run.options,
      inputDigest: run.inputDigest,
      baseUrl: run.baseUrl,
      username: run.username,
      parentRunId: run.parentRunId,
      createdAt: now,
      updatedAt: now,
      finishedAt: undefined,
    };
    this.#runs.set(record.id, record);

    return record;
  }

  getRun(runId: string): RunRecord | undefined {
    return this.#runs.get(runId);
  }

  setRunState(runId: string, state: RunState): void {
    const run = this.#runs.get(runId);
    if (run !== undefined) run.state = state;
  }

  addItems(runId: string, phase: string, items: readonly NewItem[]): ItemRecord[] {
    return items.map((item, index) => {
      const record: ItemRecord = {
        id: this.#items.size + 1,
        runId,
        phase,
        sequence: index + 1,
        naturalKey: item.naturalKey,
        input: item.input,
        state: "pending",
        attempts: 0,
        result: undefined,
        errorCode: undefined,
        errorMessage: undefined,
        batch: undefined,
        session: undefined,
        startedAt: undefined,
        settledAt: undefined,
        durationMs: undefined,
      };
      this.#items.set(record.id, record);

      return record;
    });
  }

  items(runId: string, filter: ItemFilter = {}): ItemRecord[] {
    return [...this.#items.values()]
      .filter(
        (item) =>
          item.runId === runId &&
          (filter.phase === undefined || item.phase === filter.phase) &&
          (filter.states === undefined || filter.states.includes(item.state)) &&
          (filter.ids === undefined || filter.ids.includes(item.id)),
      )
      .map((item) => ({ ...item }));
  }

  counts(runId: string, phase?: string): Record<ItemState, number> {
    const counts = { pending: 0, in_flight: 0, succeeded: 0, failed: 0, skipped: 0 };
    for (const item of this.items(runId, phase === undefined ? {} : { phase }))
      counts[item.state] += 1;

    return counts;
  }

  markInFlight(itemId: number, at: AttemptPlace): ItemRecord {
    return this.#update(itemId, { state: "in_flight", batch: at.batch, session: at.session }, 1);
  }

  settle(itemId: number, outcome: ItemOutcome): ItemRecord {
    return this.#update(itemId, {
      state: outcome.state,
      result: outcome.result,
      errorCode: outcome.errorCode,
      errorMessage: outcome.errorMessage,
    });
  }

  returnToPending(itemId: number): ItemRecord {
    return this.#update(itemId, { state: "pending" });
  }

  appendEvent(_runId: string, _event: NewEvent): void {}

  flush(): void {}

  transaction<T>(work: () => T): T {
    return work();
  }

  close(): void {}

  #update(itemId: number, change: Partial<ItemRecord>, attempts = 0): ItemRecord {
    const item = this.#items.get(itemId);
    if (item === undefined) throw new Error(`no item ${itemId}`);

    Object.assign(item, change, { attempts: item.attempts + attempts });

    return { ...item };
  }
}
