import { PlanProblemsError } from "../pricing/index.js";
import type { PlanProblem } from "../pricing/index.js";
import type { InputProblem } from "../pricing/problems.js";
import { InputInvalidError } from "./errors.js";

/** The input files a run was read from, as the user named them. */
export interface InputFiles {
  readonly input?: string | undefined;
  readonly old?: string | undefined;
}

const flagOf: Record<NonNullable<PlanProblem["setting"]>, string> = {
  books: "--books",
  expireDate: "--expire-date",
  company: "--company",
};

/**
 * The plan's problems as the command line shows input problems: `FILE:ROW:COLUMN: message`
 * where the row is known, `--flag: message` for a flag's value, the message alone otherwise.
 */
export function planProblemsAsInput(
  error: PlanProblemsError,
  files: InputFiles,
): InputInvalidError {
  const problems: InputProblem[] = [];
  const lines: string[] = [];
  for (const problem of error.problems) {
    const file = problem.source === "old" ? files.old : files.input;
    if (problem.source !== "setting" && problem.row !== undefined && file !== undefined) {
      problems.push({ file, row: problem.row, column: problem.column, message: problem.message });
    } else if (problem.setting !== undefined) {
      lines.push(`${flagOf[problem.setting]}: ${problem.message}`);
    } else {
      lines.push(problem.message);
    }
  }

  return new InputInvalidError(problems, error.omitted, {
    lines,
    hint: "Fix the rows above and run the command again: p21kit only read from the server, it wrote nothing.",
  });
}

/** Runs `work`; a plan's problems come out as input problems of `files`. */
export async function withPlanProblemsAsInput<T>(
  files: InputFiles,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PlanProblemsError) throw planProblemsAsInput(error, files);
    throw error;
  }
}
