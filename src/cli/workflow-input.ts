import { isAbsolute, resolve } from "node:path";
import type { WorkflowKind, WorkflowSpec } from "../pricing/index.js";
import {
  DEFAULT_PROBLEM_LIMIT,
  looksLikeFormula,
  readExpirationFile,
  readLinkFile,
  readPricePageFile,
  withRowProblems,
  type InputReading,
} from "../pricing/read-input.js";
import { CellProblem, readBookList } from "../pricing/cells.js";
import { readCalendarDate } from "../pricing/dates.js";
import { replaceDateProblems } from "../pricing/page-overlaps.js";
import { InputInvalidError, UsageError } from "./errors.js";
import type { CliIo } from "./io.js";

/** The flags of `price-pages` that shape the workflow. */
export interface WorkflowFlags {
  books?: string;
  expireDate?: string;
  old?: string;
  company?: string;
  changeMode: "tab" | "field";
  linkMode: "grouped" | "per-link";
  readBack: "batch" | "record";
  /** Only the first records of the file, once all of it is valid. */
  limit?: number;
}

/** A validated input, ready to become a run. */
export interface WorkflowInput {
  readonly spec: WorkflowSpec;
  /** sha256 of the input file(s). */
  readonly digest: string;
  /** How many records the run takes from the input. */
  readonly records: number;
  /** How many the file holds, when `--limit` took fewer. */
  readonly recordsInFile?: number;
  /** The input file as the user named it. */
  readonly file: string;
  /** A replace's `--old FILE`, as the user named it. */
  readonly oldFile?: string;
}

/** `--books`, read as the `books` column is: upper-cased, each id checked, no repeats. */
function parseBooks(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const listed = value.replace(/^[\s,;|]+|[\s,;|]+$/g, "");
  if (listed === "") throw new UsageError(`--books "${value}" names no book`);

  const books = readBookList(listed);
  if (books instanceof CellProblem) throw new UsageError(`--books: ${books.message}`);
  const formula = books.find(looksLikeFormula);
  if (formula !== undefined) {
    throw new UsageError(`--books: book id "${formula}" would run as a spreadsheet formula`);
  }

  return [...books];
}

function checkDate(flag: string, value: string | undefined): void {
  if (value === undefined) return;
  const reading = readCalendarDate(value);
  if (!reading.ok) throw new UsageError(`${flag} "${value}": ${reading.message}`);
}

/** The error of readings with problems; a file that could not be read at all is named so. */
function invalidInput(readings: readonly InputReading<unknown>[]): InputInvalidError {
  const problems = readings.flatMap((reading) => [...reading.problems]);
  const omitted = readings.reduce((sum, reading) => sum + reading.omitted, 0);
  const unreadable = readings
    .filter((reading) => reading.unreadable)
    .map((reading) => reading.file);
  if (unreadable.length === 0) return new InputInvalidError(problems, omitted);

  const relative = unreadable.some((file) => !isAbsolute(file))
    ? " (relative to this directory)"
    : "";
  const rows = readings.some((reading) => !reading.ok && !reading.unreadable)
    ? ", fix the rows above"
    : "";
  return new InputInvalidError(problems, omitted, {
    hint: `Check the path of ${unreadable.join(" and ")}${relative}${rows}; nothing was sent to the server.`,
  });
}

/** The rows a run takes: the first `limit` of them, or all. */
function limited<T>(rows: readonly T[], limit: number | undefined): readonly T[] {
  return limit === undefined || limit >= rows.length ? rows : rows.slice(0, limit);
}

/** How many records the input holds, and how many the file had when `--limit` took fewer. */
function recordCounts(
  taken: number,
  inFile: number,
): Pick<WorkflowInput, "records" | "recordsInFile"> {
  return taken < inFile ? { records: taken, recordsInFile: inFile } : { records: taken };
}

/** The input of a command that reads one file of records (expire, link), or its problems. */
function singleFileInput<T>(
  reading: InputReading<T>,
  records: (rows: T[]) => Pick<WorkflowSpec, "kind" | "expirations" | "links">,
  input: { path: string; file: string; limit: number | undefined },
  common: Omit<WorkflowSpec, "kind">,
): WorkflowInput {
  if (!reading.ok) throw invalidInput([reading]);

  const rows = limited(reading.rows, input.limit);

  return {
    spec: {
      ...records(rows.map((row) => row.value)),
      inputFile: input.path,
      inputRows: rows.map((row) => row.row),
      ...common,
    },
    digest: reading.digest,
    ...recordCounts(rows.length, reading.rows.length),
    file: input.file,
  };
}

/**
 * Reads and validates the input of a `price-pages` command, all of it, before any request:
 * any problem ends the command with every problem listed (exit 2).
 */
export async function readWorkflowInput(
  kind: WorkflowKind,
  file: string,
  flags: WorkflowFlags,
  io: CliIo,
): Promise<WorkflowInput> {
  const path = resolve(io.cwd, file);
  const books = parseBooks(flags.books);
  // --old is a flag of replace only and --expire-date of expire and replace only: the other
  // commands refuse them as unknown options before they get here.
  checkDate("--expire-date", flags.expireDate);
  const company = flags.company?.trim();
  if (company !== undefined && (company === "" || company.length > 8)) {
    throw new UsageError(`--company "${flags.company ?? ""}": a company id has 1 to 8 characters`);
  }

  if (flags.limit !== undefined && flags.old !== undefined && flags.old !== "auto") {
    throw new UsageError(
      "--limit takes the first pages of FILE, and the pages of --old FILE are not tied to them: " +
        "use --old auto, or shorten both files",
    );
  }

  const common = {
    changeMode: flags.changeMode,
    linkMode: flags.linkMode,
    readBack: flags.readBack,
    ...(books === undefined ? {} : { books }),
    ...(flags.company === undefined ? {} : { company: flags.company }),
    ...(flags.expireDate === undefined ? {} : { expireDate: flags.expireDate }),
  };

  if (kind === "expire") {
    const reading = await readExpirationFile(path, {
      displayName: file,
      ...(flags.expireDate === undefined ? {} : { expireDate: flags.expireDate }),
    });

    return singleFileInput(
      reading,
      (rows) => ({ kind, expirations: rows }),
      { path, file, limit: flags.limit },
      common,
    );
  }

  if (kind === "link") {
    const reading = await readLinkFile(path, { displayName: file });

    return singleFileInput(
      reading,
      (rows) => ({ kind, links: rows }),
      { path, file, limit: flags.limit },
      common,
    );
  }

  const fileReading = await readPricePageFile(path, {
    displayName: file,
    ...(flags.company === undefined ? {} : { company: flags.company }),
  });
  const oldFile =
    kind === "replace" && flags.old !== undefined && flags.old !== "auto" ? flags.old : undefined;
  // With --old FILE, --expire-date only dates the rows without their own: the plan checks each
  // old page's date against the new pages of its pair.
  const pageReading =
    kind === "replace" && oldFile === undefined && flags.expireDate !== undefined
      ? withRowProblems(
          fileReading,
          replaceDateProblems(fileReading.rows, flags.expireDate, DEFAULT_PROBLEM_LIMIT),
        )
      : fileReading;
  const oldReading =
    oldFile === undefined
      ? undefined
      : await readExpirationFile(resolve(io.cwd, oldFile), {
          displayName: oldFile,
          ...(flags.expireDate === undefined ? {} : { expireDate: flags.expireDate }),
        });

  const readings = oldReading === undefined ? [pageReading] : [pageReading, oldReading];
  if (readings.some((reading) => !reading.ok)) throw invalidInput(readings);

  const old =
    kind !== "replace"
      ? undefined
      : oldReading === undefined
        ? ("auto" as const)
        : oldReading.rows.map((row) => ({
            pricePageUid: row.value.pricePageUid,
            expirationDate: row.value.expirationDate,
          }));

  const pageRows = limited(pageReading.rows, flags.limit);

  return {
    spec: {
      kind,
      inputFile: path,
      pages: pageRows.map((row) => row.value),
      inputRows: pageRows.map((row) => row.row),
      ...(old === undefined ? {} : { old }),
      ...(oldReading === undefined ? {} : { oldRows: oldReading.rows.map((row) => row.row) }),
      ...common,
    },
    digest:
      oldReading === undefined ? pageReading.digest : `${pageReading.digest}+${oldReading.digest}`,
    ...recordCounts(pageRows.length, pageReading.rows.length),
    file,
    ...(oldFile === undefined ? {} : { oldFile }),
  };
}
