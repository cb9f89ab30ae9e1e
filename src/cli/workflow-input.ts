import { resolve } from "node:path";
import type { WorkflowKind, WorkflowSpec } from "../pricing/index.js";
import {
  readExpirationFile,
  readLinkFile,
  readPricePageFile,
  type InputReading,
} from "../pricing/read-input.js";
import { readCalendarDate } from "../pricing/dates.js";
import type { InputProblem } from "../pricing/problems.js";
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
}

/** A validated input, ready to become a run. */
export interface WorkflowInput {
  readonly spec: WorkflowSpec;
  /** sha256 of the input file(s). */
  readonly digest: string;
  /** How many records the input holds. */
  readonly records: number;
  /** The input file as the user named it. */
  readonly file: string;
}

function parseBooks(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const books = value
    .split(/[,;|]/)
    .map((book) => book.trim())
    .filter((book) => book !== "");
  if (books.length === 0) throw new UsageError(`--books "${value}" names no book`);
  return books;
}

function checkDate(flag: string, value: string | undefined): void {
  if (value === undefined) return;
  const reading = readCalendarDate(value);
  if (!reading.ok) throw new UsageError(`${flag} "${value}": ${reading.message}`);
}

function problemsOf(readings: readonly InputReading<unknown>[]): {
  problems: InputProblem[];
  omitted: number;
} {
  return {
    problems: readings.flatMap((reading) => [...reading.problems]),
    omitted: readings.reduce((sum, reading) => sum + reading.omitted, 0),
  };
}

/** The input of a command that reads one file of records (expire, link), or its problems. */
function singleFileInput<T>(
  reading: InputReading<T>,
  records: (rows: T[]) => Pick<WorkflowSpec, "kind" | "expirations" | "links">,
  path: string,
  file: string,
  common: Omit<WorkflowSpec, "kind">,
): WorkflowInput {
  if (!reading.ok) {
    const { problems, omitted } = problemsOf([reading]);
    throw new InputInvalidError(problems, omitted);
  }

  return {
    spec: {
      ...records(reading.rows.map((row) => row.value)),
      inputFile: path,
      inputRows: reading.rows.map((row) => row.row),
      ...common,
    },
    digest: reading.digest,
    records: reading.rows.length,
    file,
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
  checkDate("--expire-date", flags.expireDate);
  if (flags.old !== undefined && kind !== "replace") {
    throw new UsageError("--old is for price-pages replace only");
  }

  if (flags.expireDate !== undefined && kind !== "replace" && kind !== "expire") {
    throw new UsageError("--expire-date is for price-pages expire and replace only");
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

    return singleFileInput(reading, (rows) => ({ kind, expirations: rows }), path, file, common);
  }

  if (kind === "link") {
    const reading = await readLinkFile(path, { displayName: file });

    return singleFileInput(reading, (rows) => ({ kind, links: rows }), path, file, common);
  }

  const pageReading = await readPricePageFile(path, {
    displayName: file,
    ...(flags.company === undefined ? {} : { company: flags.company }),
  });
  const oldFile =
    kind === "replace" && flags.old !== undefined && flags.old !== "auto" ? flags.old : undefined;
  const oldReading =
    oldFile === undefined
      ? undefined
      : await readExpirationFile(resolve(io.cwd, oldFile), {
          displayName: oldFile,
          ...(flags.expireDate === undefined ? {} : { expireDate: flags.expireDate }),
        });

  const readings = oldReading === undefined ? [pageReading] : [pageReading, oldReading];
  if (readings.some((reading) => !reading.ok)) {
    const { problems, omitted } = problemsOf(readings);
    throw new InputInvalidError(problems, omitted);
  }

  const old =
    kind !== "replace"
      ? undefined
      : oldReading === undefined
        ? ("auto" as const)
        : oldReading.rows.map((row) => ({
            pricePageUid: row.value.pricePageUid,
            expirationDate: row.value.expirationDate,
          }));

  return {
    spec: {
      kind,
      inputFile: path,
      pages: pageReading.rows.map((row) => row.value),
      inputRows: pageReading.rows.map((row) => row.row),
      ...(old === undefined ? {} : { old }),
      ...common,
    },
    digest:
      oldReading === undefined ? pageReading.digest : `${pageReading.digest}+${oldReading.digest}`,
    records: pageReading.rows.length,
    file,
  };
}
