import type { Database } from "better-sqlite3";

import { currentSchemaVersion } from "./schema-version.js";

export { currentSchemaVersion } from "./schema-version.js";

/** One step of the journal's schema, from version `version - 1` to `version`. */
export interface Migration {
  version: number;
  description: string;
  /** Runs inside the transaction that also sets `user_version`. */
  apply(database: Database): void;
}

/** Marks a SQLite file as a p21kit journal (`PRAGMA application_id`, "P21K"). */
export const journalApplicationId = 0x5032314b;

/**
 * The schema's history, oldest first. A released step is never edited: a change of shape is a
 * new step (and a new `currentSchemaVersion`), and a journal file of the previous version is
 * kept under `test/fixtures/journal/`.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: "runs, items and events",
    apply(database) {
      database.exec(`
        CREATE TABLE runs (
          id TEXT PRIMARY KEY NOT NULL,
          kind TEXT NOT NULL,
          state TEXT NOT NULL
            CHECK (state IN ('pending', 'running', 'interrupted', 'completed', 'failed')),
          options TEXT NOT NULL CHECK (json_valid(options)),
          input_digest TEXT NOT NULL,
          base_url TEXT NOT NULL,
          username TEXT,
          parent_run_id TEXT REFERENCES runs (id),
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          finished_at TEXT
        );

        CREATE INDEX runs_by_creation ON runs (created_at);

        CREATE TABLE items (
          id INTEGER PRIMARY KEY,
          run_id TEXT NOT NULL REFERENCES runs (id),
          phase TEXT NOT NULL,
          sequence INTEGER NOT NULL CHECK (sequence >= 1),
          natural_key TEXT NOT NULL,
          input TEXT NOT NULL CHECK (json_valid(input)),
          state TEXT NOT NULL
            CHECK (state IN ('pending', 'in_flight', 'succeeded', 'failed', 'skipped')),
          attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
          result TEXT CHECK (result IS NULL OR json_valid(result)),
          error_code TEXT,
          error_message TEXT,
          batch INTEGER,
          session INTEGER,
          started_at TEXT,
          settled_at TEXT,
          duration_ms INTEGER,
          UNIQUE (run_id, phase, natural_key),
          UNIQUE (run_id, phase, sequence)
        );

        CREATE INDEX items_by_state ON items (run_id, state);

        CREATE TABLE events (
          id INTEGER PRIMARY KEY,
          run_id TEXT NOT NULL REFERENCES runs (id),
          at TEXT NOT NULL,
          type TEXT NOT NULL,
          item_id INTEGER REFERENCES items (id),
          phase TEXT,
          data TEXT NOT NULL CHECK (json_valid(data))
        );

        CREATE INDEX events_by_run ON events (run_id, id);
      `);
    },
  },
];

/** The `user_version` of an open database. */
export function readSchemaVersion(database: Database): number {
  return database.pragma("user_version", { simple: true }) as number;
}

/**
 * Brings the schema up to `toVersion`, one step per immediate transaction. Each step reads the
 * version again under the write lock (another process may have migrated meanwhile) and sets
 * `user_version` in the same transaction, so that a crash leaves a known version.
 */
export function migrate(database: Database, toVersion: number = currentSchemaVersion): void {
  for (const migration of migrations) {
    if (migration.version > toVersion) break;

    const step = database.transaction(() => {
      if (readSchemaVersion(database) >= migration.version) return;

      migration.apply(database);
      database.pragma(`application_id = ${journalApplicationId}`);
      database.pragma(`user_version = ${migration.version}`);
    });
    step.immediate();
  }
}
