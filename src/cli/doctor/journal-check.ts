import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { journalFileSystem, unreliableJournalRisk } from "../journal-filesystem.js";
import type { CheckResult } from "./checks.js";

/** The nearest of `path`'s directories that is there: where a first run makes what is missing. */
function nearestDirectory(path: string): string {
  let directory = dirname(path);
  while (!existsSync(directory) && dirname(directory) !== directory) {
    directory = dirname(directory);
  }

  return directory;
}

function mayWrite(path: string, as: "file" | "directory"): boolean {
  try {
    accessSync(path, constants.W_OK);
    return as === "file" || statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Where runs would keep their journal: a warning when the file or its directory may not be
 * written (a run would stop before it sends anything) or lies on a network share. Reads only:
 * neither the journal nor its directory is made.
 */
export function checkJournal(journalFile: string): CheckResult {
  const exists = existsSync(journalFile);
  const directory = nearestDirectory(journalFile);
  const fileSystem = journalFileSystem(journalFile);
  const problems: { detail: string; action: string }[] = [];

  const stops = "a run would stop before it sends anything";
  if (exists && !mayWrite(journalFile, "file")) {
    problems.push({
      detail: `${journalFile} may not be written: ${stops}`,
      action: "fix its permissions, or give --journal a file this user may write",
    });
  } else if (!mayWrite(directory, "directory")) {
    problems.push({
      detail: `${directory} is not a directory this user may write: ${stops}`,
      action: "give --journal a file in a directory this user may write",
    });
  }

  if (fileSystem.kind === "unreliable") {
    problems.push({
      detail: `${journalFile} is on ${fileSystem.description}: ${unreliableJournalRisk}`,
      action: "keep --journal on a local disk",
    });
  }

  if (problems.length > 0) {
    return {
      check: "journal",
      verdict: "warn",
      detail: problems.map((problem) => problem.detail).join("; "),
      action: problems.map((problem) => problem.action).join("; "),
      durationMs: 0,
    };
  }

  const made = exists ? "" : ", not made yet (the first run makes it)";
  const detail =
    fileSystem.kind === "unknown"
      ? `${journalFile}${made}; ${fileSystem.reason}`
      : `${journalFile} on a local disk${made}`;

  return { check: "journal", verdict: "ok", detail, durationMs: 0 };
}
