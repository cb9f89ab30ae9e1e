import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";

import {
  currentSchemaVersion,
  journalApplicationId,
  migrate,
  migrations,
  readSchemaVersion,
} from "../../src/journal/schema.js";

describe("schema migrations", () => {
  it("are numbered 1, 2, … in order, ending at the current version", () => {
    expect(migrations.map((migration) => migration.version)).toEqual(
      Array.from({ length: currentSchemaVersion }, (_, index) => index + 1),
    );
  });

  it("take an empty file to the current version, marked as a journal, and do nothing twice", () => {
    const database = new BetterSqlite3(":memory:");
    migrate(database);
    const tables = () =>
      database
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();

    expect(readSchemaVersion(database)).toBe(currentSchemaVersion);
    expect(database.pragma("application_id", { simple: true })).toBe(journalApplicationId);
    expect(tables()).toEqual(["events", "items", "runs"]);
    migrate(database);
    expect(readSchemaVersion(database)).toBe(currentSchemaVersion);
    database.close();
  });

  it("stop at the version asked for", () => {
    const database = new BetterSqlite3(":memory:");
    migrate(database, 0);

    expect(readSchemaVersion(database)).toBe(0);
    migrate(database, 1);
    expect(readSchemaVersion(database)).toBe(1);
    database.close();
  });

  it("enforce the item states and JSON columns in the table itself", () => {
    const database = new BetterSqlite3(":memory:");
    migrate(database);
    database.exec(
      `INSERT INTO runs VALUES ('r', 'k', 'pending', '{}', 'd', 'u', NULL, NULL, 't', 't', NULL)`,
    );
    const insert = (state: string, input: string) => () =>
      database
        .prepare(
          "INSERT INTO items (run_id, phase, sequence, natural_key, input, state) VALUES ('r', 'p', 1, 'k', ?, ?)",
        )
        .run(input, state);

    expect(insert("lost", "{}")).toThrow(/CHECK constraint/);
    expect(insert("pending", "{not json")).toThrow(/CHECK constraint/);
    expect(insert("pending", "{}")).not.toThrow();
    database.close();
  });
});
