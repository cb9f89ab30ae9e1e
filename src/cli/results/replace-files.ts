import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";

/** A file to write whole: its path and its text. */
export interface FileText {
  readonly path: string;
  readonly text: string;
}

async function writeDurably(path: string, text: string): Promise<void> {
  // 0600 on creation: result files hold the run's input. `wx`: a name of our own, never another's.
  const file = await open(path, "wx", 0o600);
  try {
    await file.writeFile(text);
    await file.datasync();
  } finally {
    await file.close();
  }
}

/**
 * Writes each file beside its path under a temporary name, then renames them all into place.
 * A failure while writing (a full disk, a directory that may not be written) leaves the files
 * that were there as they were, never cut short or mixed with the new set; a rename refused
 * (a file a spreadsheet holds open, on Windows) leaves those renamed before it new. Either way
 * no temporary file stays behind.
 */
export async function replaceFiles(files: readonly FileText[]): Promise<void> {
  const suffix = `.${String(process.pid)}-${randomBytes(4).toString("hex")}.tmp`;
  const temporary = (path: string) => `${path}${suffix}`;
  try {
    for (const { path, text } of files) await writeDurably(temporary(path), text);
    for (const { path } of files) await rename(temporary(path), path);
  } catch (error) {
    await Promise.all(files.map(({ path }) => rm(temporary(path), { force: true })));

    throw error;
  }
}
