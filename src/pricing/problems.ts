/**
 * One thing wrong with an input file. `row` is the line on which the record starts: the header
 * is line 1 of a CSV file, and a JSON record starts on the line of its object's `{`; `column`
 * is the column name (the key), absent for a problem with the file or the row as a whole.
 */
export interface InputProblem {
  readonly file: string;
  readonly row: number;
  readonly column?: string | undefined;
  readonly message: string;
}

/** `FILE:ROW:COLUMN: message`, or `FILE:ROW: message` when no column applies. */
export function formatProblem(problem: InputProblem): string {
  const place =
    problem.column === undefined
      ? `${problem.file}:${problem.row}`
      : `${problem.file}:${problem.row}:${problem.column}`;
  return `${place}: ${problem.message}`;
}

/**
 * Problems in file order: by row; within a row, the row's own problems first, then by the
 * column's place in `columns` (left to right), then as found.
 */
export function sortProblems(
  problems: readonly InputProblem[],
  columns: readonly string[] = [],
): InputProblem[] {
  const place = new Map(columns.map((column, index) => [column, index]));
  const columnPlace = (problem: InputProblem): number =>
    problem.column === undefined ? -1 : (place.get(problem.column) ?? columns.length);

  return problems
    .map((problem, index) => ({ problem, index }))
    .sort(
      (left, right) =>
        left.problem.row - right.problem.row ||
        columnPlace(left.problem) - columnPlace(right.problem) ||
        left.index - right.index,
    )
    .map((entry) => entry.problem);
}

/**
 * Collects problems for one file. Stops keeping them past `limit` (a broken file of 100,000
 * rows would otherwise give a million lines) and counts the rest.
 */
export class ProblemList {
  readonly problems: InputProblem[] = [];
  omitted = 0;

  constructor(
    readonly file: string,
    private readonly limit = 1_000,
  ) {}

  add(row: number, column: string | undefined, message: string): void {
    if (this.problems.length >= this.limit) {
      this.omitted += 1;
      return;
    }

    this.problems.push({ file: this.file, row, column, message });
  }

  get count(): number {
    return this.problems.length + this.omitted;
  }
}

/** A value cut to 60 characters for a message, so that a runaway cell stays readable. */
export function shortened(text: string): string {
  if (text.length <= 60) return text;

  const characters = [...text];
  return characters.length > 60 ? `${characters.slice(0, 57).join("")}…` : text;
}

/** A value {@link shortened} and quoted for a message. */
export function quoted(text: string): string {
  return JSON.stringify(shortened(text));
}
