import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { onTestFinished } from "vitest";

/** A fresh directory for one test, removed when the test finishes. */
export function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "p21kit-journal-"));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));

  return directory;
}
