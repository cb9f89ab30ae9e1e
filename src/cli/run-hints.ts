import { defaultJournalPath } from "./config/options.js";

/**
 * A shell word: as it is when it is plain, else quoted for the shell people use there. On
 * Windows that is cmd.exe or PowerShell, which both take a path in double quotes (a Windows
 * path holds no `"`) and a backslash as it is; elsewhere a POSIX shell, single quotes.
 */
function shellWord(text: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") return /^[\w.\\/:@%+=,-]+$/.test(text) ? text : `"${text}"`;

  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** ` --journal PATH` when `journal` is not the default one, else nothing. */
function journalFlag(journal: string | undefined, platform: NodeJS.Platform): string {
  return journal === undefined || journal === defaultJournalPath
    ? ""
    : ` --journal ${shellWord(journal, platform)}`;
}

/** `p21kit runs`, naming its journal when it is not the default one. */
export function runsCommandLine(journal: string | undefined): string {
  return `p21kit runs${journalFlag(journal, process.platform)}`;
}

/** The `p21kit doctor` command line that checks a recorded run's server as its user. */
export function doctorCommandLine(baseUrl: string, username: string | undefined): string {
  const userFlag = username === undefined ? "" : ` --username ${shellWord(username)}`;

  return `p21kit doctor --base-url ${shellWord(baseUrl)}${userFlag}`;
}

/**
 * The command line that acts on a run (`p21kit resume RUN`), naming its journal when it is not
 * the default one: the hint must work as printed, in this platform's shell.
 */
export function runCommandLine(
  command: "resume" | "retry-failed" | "runs show",
  runId: string,
  journal: string | undefined,
  platform: NodeJS.Platform = process.platform,
): string {
  return `p21kit ${command} ${runId}${journalFlag(journal, platform)}`;
}
