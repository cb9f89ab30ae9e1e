import { defaultJournalPath } from "./config/options.js";

/** A shell word: as it is when it is plain, else in single quotes. */
function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The command line that acts on a run (`p21kit resume RUN`), naming its journal when it is not
 * the default one: the hint must work as printed.
 */
export function runCommandLine(
  command: "resume" | "retry-failed" | "runs show",
  runId: string,
  journal: string | undefined,
): string {
  const journalFlag =
    journal === undefined || journal === defaultJournalPath
      ? ""
      : ` --journal ${shellWord(journal)}`;

  return `p21kit ${command} ${runId}${journalFlag}`;
}
