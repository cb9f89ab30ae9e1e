import { readFileSync, realpathSync } from "node:fs";
import { hostname } from "node:os";
import { isLockedNow, parseHolder, readHolder, type LockHolder } from "./lock-file.js";

/** Whether a process of this machine is alive (a signal 0 reaches it, or is refused to us). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A run lock an earlier version holds: its file, and its holder when the file names one. */
export interface EarlierLock {
  readonly path: string;
  readonly holder: LockHolder | undefined;
}

function earlierLockPaths(journalPath: string, runId: string): string[] {
  const paths = new Set([journalPath]);
  try {
    paths.add(realpathSync.native(journalPath));
  } catch {
    // No journal there yet: only the path as given.
  }

  return [...paths].map((path) => `${path}.run-${runId}.lock`);
}

/** The earlier lock at `path` if a live process holds it. */
function heldAt(path: string): EarlierLock | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }

  // The first format: the holder in the lock file itself, and judged by it.
  const named = parseHolder(text);
  if (named !== undefined) {
    // A process of another machine cannot be asked: held, as that version itself judged it.
    const held = named.host !== hostname() || isAlive(named.pid);
    return held ? { path, holder: named } : undefined;
  }

  // The second: an empty SQLite file under an operating-system lock, its holder beside it.
  if (text.length > 0 && !text.startsWith("SQLite format 3")) return undefined;
  return isLockedNow(path) ? { path, holder: readHolder(`${path}.holder`) } : undefined;
}

/**
 * The lock of `runId` that a version before `JOURNAL.locks/` holds, if one does: such a
 * process may still be working the run when this version starts on the same journal. Those
 * versions locked `JOURNAL.run-RUN.lock` beside the journal (the path as given, not resolved
 * through links), first as a file holding its process's id, then as an SQLite file locked as
 * the current locks are. A lock of either kind whose process is gone is stale and decides
 * nothing; it is not removed (a process of that version may be taking it over at that moment).
 *
 * Known limit: a process of those versions does not see this version's locks, so one started
 * after this version took a run is not refused.
 */
export function earlierLockHeld(journalPath: string, runId: string): EarlierLock | undefined {
  for (const path of earlierLockPaths(journalPath, runId)) {
    const held = heldAt(path);
    if (held !== undefined) return held;
  }

  return undefined;
}
