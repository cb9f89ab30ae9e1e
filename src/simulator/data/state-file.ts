import { readFile, rename, writeFile } from "node:fs/promises";
import { SimulatorError } from "../errors.js";
import type { TableName } from "../types.js";
import { TABLE_NAMES, type Row } from "./schema.js";
import type { StoreContents } from "./store.js";

const FORMAT = "p21kit-simulator-state";
const VERSION = 1;
/** Tables added after version 1: a file saved before them holds none, read as empty. */
const LATER_TABLES: ReadonlySet<TableName> = new Set(["discount_group"]);

interface StateFile extends StoreContents {
  format: typeof FORMAT;
  version: typeof VERSION;
}

/** Reads a state file; `undefined` when it does not exist. */
export async function loadStateFile(path: string): Promise<StoreContents | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SimulatorError("P21_SIMULATOR_STATE_FILE", `cannot read state file ${path}`, {
      cause: error,
    });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SimulatorError("P21_SIMULATOR_STATE_FILE", `state file ${path} is not JSON`, {
      cause: error,
    });
  }

  return checkState(parsed, path);
}

/** Writes the state atomically (a temporary file renamed over the old one), mode 0600. */
export async function saveStateFile(path: string, contents: StoreContents): Promise<void> {
  const state: StateFile = { format: FORMAT, version: VERSION, ...contents };
  const temporaryPath = `${path}.${process.pid}.tmp`;
  await writeFile(temporaryPath, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(temporaryPath, path);
}

function checkState(parsed: unknown, path: string): StoreContents {
  const fail = (reason: string) =>
    new SimulatorError("P21_SIMULATOR_STATE_FILE", `state file ${path} ${reason}`);
  if (typeof parsed !== "object" || parsed === null) throw fail("does not hold an object");

  const state = parsed as Partial<StateFile>;
  if (state.format !== FORMAT) throw fail(`is not a ${FORMAT} file`);
  if (state.version !== VERSION)
    throw fail(`has version ${String(state.version)}, expected ${VERSION}`);

  const counters = state.counters;
  if (
    typeof counters !== "object" ||
    counters === null ||
    !Number.isInteger(counters.nextPricePageUid) ||
    !Number.isInteger(counters.nextPriceBookXPageUid)
  ) {
    throw fail("has no valid counters");
  }

  if (!isTextList(state.companies)) throw fail("has no valid companies list");

  // A file saved before deleted companies were kept holds none.
  const deletedCompanies = state.deletedCompanies ?? [];
  if (!isTextList(deletedCompanies)) throw fail("has no valid deletedCompanies list");

  const tables = state.tables as Record<string, unknown> | undefined;
  if (typeof tables !== "object" || tables === null) throw fail("has no tables");

  const checked = {} as Record<TableName, Row[]>;
  for (const name of TABLE_NAMES) {
    const rows = tables[name] ?? (LATER_TABLES.has(name) ? [] : undefined);
    if (!Array.isArray(rows) || !rows.every((row) => typeof row === "object" && row !== null)) {
      throw fail(`has no valid "${name}" table`);
    }

    checked[name] = rows as Row[];
  }

  return { companies: state.companies, deletedCompanies, counters, tables: checked };
}

function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((id) => typeof id === "string");
}
