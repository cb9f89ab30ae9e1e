import type { ItemRecord, ItemState, JournalEvent, RunRecord, RunState } from "./types.js";

/** A `runs` row as SQLite returns it. */
export interface RunRow {
  id: string;
  kind: string;
  state: RunState;
  options: string;
  input_digest: string;
  base_url: string;
  username: string | null;
  parent_run_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** An `items` row as SQLite returns it. */
export interface ItemRow {
  id: number;
  run_id: string;
  phase: string;
  sequence: number;
  natural_key: string;
  input: string;
  state: ItemState;
  attempts: number;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  batch: number | null;
  session: number | null;
  started_at: string | null;
  settled_at: string | null;
  duration_ms: number | null;
}

/** An `events` row as SQLite returns it. */
export interface EventRow {
  id: number;
  run_id: string;
  at: string;
  type: string;
  item_id: number | null;
  phase: string | null;
  data: string;
}

function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

function parseJson(text: string | null): unknown {
  return text === null ? undefined : (JSON.parse(text) as unknown);
}

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    options: parseJson(row.options),
    inputDigest: row.input_digest,
    baseUrl: row.base_url,
    username: optional(row.username),
    parentRunId: optional(row.parent_run_id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: optional(row.finished_at),
  };
}

export function toItemRecord(row: ItemRow): ItemRecord {
  return {
    id: row.id,
    runId: row.run_id,
    phase: row.phase,
    sequence: row.sequence,
    naturalKey: row.natural_key,
    input: parseJson(row.input),
    state: row.state,
    attempts: row.attempts,
    result: parseJson(row.result),
    errorCode: optional(row.error_code),
    errorMessage: optional(row.error_message),
    batch: optional(row.batch),
    session: optional(row.session),
    startedAt: optional(row.started_at),
    settledAt: optional(row.settled_at),
    durationMs: optional(row.duration_ms),
  };
}

export function toJournalEvent(row: EventRow): JournalEvent {
  const event: JournalEvent = {
    id: row.id,
    runId: row.run_id,
    at: row.at,
    type: row.type,
    data: parseJson(row.data),
  };
  if (row.item_id !== null) event.itemId = row.item_id;
  if (row.phase !== null) event.phase = row.phase;

  return event;
}
