import { open, rename, rm } from "node:fs/promises";

/** A file to write whole: its path and its text. */
export interface FileText {
  readonly path: string;
  readonly text: string;
}

async function writeDurably(path: string, text: string): Promise<void> {
  // 0600 on creation: result files hold the run's input.
  const file = await open(path, "w", 0o600);
  try {
    await file.writeFile(text);
    // What cannot be synced (a pipe, some network file systems: EINVAL, ENOTSUP) is left as
    // written.
    await file.datasync().catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EINVAL" && code !== "ENOTSUP") throw error;
    });
  } finally {
    await file.close();
  }
}

/**
 * Writes each file beside its path under a temporary name (the path, this process's id and
 * `.tmp`: one name per writer, and one a killed writer's successor with the same id overwrites),
 * then renames them all into place.
 * A failure while writing (a full disk, a directory that may not be written) leaves the files
 * that were there as they were, never cut short or mixed with the new set; a rename refused
 * (a file a spreadsheet holds open, on Windows) leaves those renamed before it new. Either way
 * no temporary file stays behind, but for a process killed while it wrote them.
 */
export async function replaceFiles(files: readonly FileText[]): Promise<void> {
  const suffix = `.${String(process.pid)}.tmp`;
  const temporary = (path: string) => `${path}${suffix}`;
  try {
    for (const { path, text } of files) await writeDurably(temporary(path), text);
    for (const { path } of files) await rename(temporary(path), path);
  } catch (error) {
    await Promise.all(files.map(({ path }) => rm(temporary(path), { force: true })));

    throw error;
  }
}
