import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../errors.js";

/** Where a demo writes: its input, its journal and its result files. */
export interface DemoDirectory {
  readonly path: string;
  /** A directory of the demo's own (no `--out`): its journal is removed when the demo ends. */
  readonly temporary: boolean;
}

/** `--out DIR`, made with its parents when missing, or a new temporary directory. */
export async function demoDirectory(out: string | undefined): Promise<DemoDirectory> {
  if (out === undefined) {
    return { path: await mkdtemp(join(tmpdir(), "p21kit-demo-")), temporary: true };
  }

  try {
    await mkdir(out, { recursive: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`--out ${out}: cannot make the directory (${String(code)})`);
  }

  return { path: out, temporary: false };
}

/** The demo's journal, in `directory`. */
export function demoJournal(directory: string): string {
  return join(directory, "journal.db");
}

/**
 * Removes the demo's journal and its run locks, leaving the input and result files it printed.
 * The demo's run cannot be resumed (its simulator ended with it), so its journal is scratch.
 * Best effort: a file that cannot be removed stays, and the demo's own outcome stands.
 */
export async function removeDemoJournal(directory: string): Promise<void> {
  const journal = demoJournal(directory);
  const files = ["", "-wal", "-shm", "-journal", ".locks"].map((suffix) => `${journal}${suffix}`);
  await Promise.allSettled(files.map((file) => rm(file, { recursive: true, force: true })));
}
