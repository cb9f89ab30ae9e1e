import type { Database } from "better-sqlite3";

import type { EventRow, ItemRow, RunRow } from "./rows.js";
import type { ItemState, RunState } from "./types.js";

const unfinishedRunStates = "('pending', 'running', 'interrupted')";

/** The columns a settlement writes, by its item's id. */
interface SettledColumns {
  id: number;
  state: ItemState;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  settled_at: string | null;
  duration_ms: number | null;
}

/** What a write from a held record checks the row against. */
interface HeldRow {
  checked_state: ItemState;
  checked_attempts: number;
}

/** The part of a prepared better-sqlite3 statement the journal uses. */
export interface PreparedStatement<Parameters extends unknown[], Row> {
  run(...parameters: Parameters): { changes: number };
  get(...parameters: Parameters): Row | undefined;
  all(...parameters: Parameters): Row[];
}

function prepare<Parameters extends unknown[], Row = unknown>(
  database: Database,
  source: string,
): PreparedStatement<Parameters, Row> {
  return database.prepare<Parameters, Row>(source);
}

/** Every SQL statement of the journal, prepared once per connection. */
export function prepareStatements(database: Database) {
  return {
    insertRun: prepare<[RunRow], RunRow>(
      database,
      `
      INSERT INTO runs (id, kind, state, options, input_digest, base_url, username,
        parent_run_id, created_at, updated_at, finished_at)
      VALUES (@id, @kind, @state, @options, @input_digest, @base_url, @username,
        @parent_run_id, @created_at, @updated_at, @finished_at)
      RETURNING *`,
    ),
    selectRun: prepare<[string], RunRow>(database, "SELECT * FROM runs WHERE id = ?"),
    listRuns: prepare<[number], RunRow>(
      database,
      "SELECT * FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?",
    ),
    latestUnfinishedRun: prepare<[], RunRow>(
      database,
      `
      SELECT * FROM runs WHERE state IN ${unfinishedRunStates}
      ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    ),
    updateRunState: prepare<
      [{ id: string; state: RunState; updated_at: string; finished_at: string | null }]
    >(
      database,
      "UPDATE runs SET state = @state, updated_at = @updated_at, finished_at = @finished_at WHERE id = @id",
    ),
    lastSequence: prepare<[{ run_id: string; phase: string }], { last: number | null }>(
      database,
      "SELECT max(sequence) AS last FROM items WHERE run_id = @run_id AND phase = @phase",
    ),
    insertItem: prepare<
      [{ run_id: string; phase: string; sequence: number; natural_key: string; input: string }],
      ItemRow
    >(
      database,
      `
      INSERT INTO items (run_id, phase, sequence, natural_key, input, state, attempts)
      VALUES (@run_id, @phase, @sequence, @natural_key, @input, 'pending', 0)
      RETURNING *`,
    ),
    selectItem: prepare<[number], ItemRow>(database, "SELECT * FROM items WHERE id = ?"),
    selectItems: prepare<
      [{ run_id: string; phase: string | null; states: string | null; ids: string | null }],
      ItemRow
    >(
      database,
      `
      WITH phase_order AS (
        SELECT phase, min(id) AS first_id FROM items WHERE run_id = @run_id GROUP BY phase
      )
      SELECT items.* FROM items JOIN phase_order ON phase_order.phase = items.phase
      WHERE items.run_id = @run_id
        AND (@phase IS NULL OR items.phase = @phase)
        AND (@states IS NULL OR items.state IN (SELECT value FROM json_each(@states)))
        AND (@ids IS NULL OR items.id IN (SELECT value FROM json_each(@ids)))
      ORDER BY phase_order.first_id, items.sequence`,
    ),
    countItems: prepare<
      [{ run_id: string; phase: string | null }],
      { state: ItemState; count: number }
    >(
      database,
      `
      SELECT state, count(*) AS count FROM items
      WHERE run_id = @run_id AND (@phase IS NULL OR phase = @phase)
      GROUP BY state`,
    ),
    phases: prepare<[string], { phase: string }>(
      database,
      "SELECT phase FROM items WHERE run_id = ? GROUP BY phase ORDER BY min(id)",
    ),
    // The item updates return nothing: their callers hold the row they read in the same
    // transaction and build the new one themselves, which costs less than reading it back.
    startItem: prepare<
      [{ id: number; state: ItemState; batch: number; session: number; started_at: string }]
    >(
      database,
      `
      UPDATE items SET state = @state, attempts = attempts + 1, batch = @batch,
        session = @session, started_at = @started_at, settled_at = NULL, duration_ms = NULL
      WHERE id = @id`,
    ),
    // The writes below change a row only if it is still the one the caller holds: same state and
    // attempts (every start counts one, so no other write leaves both as they were). No change
    // means another process wrote it, and the caller reads the row.
    startCheckedItem: prepare<
      [{ id: number; batch: number; session: number; started_at: string } & HeldRow]
    >(
      database,
      `
      UPDATE items SET state = 'in_flight', attempts = attempts + 1, batch = @batch,
        session = @session, started_at = @started_at, settled_at = NULL, duration_ms = NULL
      WHERE id = @id AND state = @checked_state AND attempts = @checked_attempts`,
    ),
    settleItem: prepare<[SettledColumns]>(
      database,
      `
      UPDATE items SET state = @state, result = @result, error_code = @error_code,
        error_message = @error_message, settled_at = @settled_at, duration_ms = @duration_ms
      WHERE id = @id`,
    ),
    settleCheckedItem: prepare<[SettledColumns & HeldRow]>(
      database,
      `
      UPDATE items SET state = @state, result = @result, error_code = @error_code,
        error_message = @error_message, settled_at = @settled_at, duration_ms = @duration_ms
      WHERE id = @id AND state = @checked_state AND attempts = @checked_attempts`,
    ),
    returnItem: prepare<[{ id: number; state: ItemState }]>(
      database,
      "UPDATE items SET state = @state WHERE id = @id",
    ),
    resetItems: prepare<[{ run_id: string; from: ItemState; to: ItemState }]>(
      database,
      `
      UPDATE items SET state = @to, result = NULL, error_code = NULL, error_message = NULL,
        settled_at = NULL, duration_ms = NULL
      WHERE run_id = @run_id AND state = @from`,
    ),
    insertEvent: prepare<[Omit<EventRow, "id">]>(
      database,
      `
      INSERT INTO events (run_id, at, type, item_id, phase, data)
      VALUES (@run_id, @at, @type, @item_id, @phase, @data)`,
    ),
    selectEvents: prepare<[{ run_id: string; types: string | null }], EventRow>(
      database,
      `
      SELECT * FROM events
      WHERE run_id = @run_id
        AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
      ORDER BY id`,
    ),
  };
}

/** The journal's prepared statements. */
export type Statements = ReturnType<typeof prepareStatements>;
