import { randomBytes } from "node:crypto";

import { JournalError } from "./errors.js";
import { redactSecrets, stripUrlCredentials } from "./redact.js";
import { toRunRecord } from "./rows.js";
import type { RunRow } from "./rows.js";
import { runTransition } from "./state-machine.js";
import { isUniqueViolation } from "./storage-errors.js";
import type { NewRun, RunRecord, RunState } from "./types.js";
import {
  optionalText,
  requireRunId,
  requireRunState,
  requireText,
  toJsonText,
} from "./validate.js";
import { requireRun } from "./write-scope.js";
import type { WriteScope } from "./write-scope.js";

/** A sortable run id: the UTC creation time to the second, then six random hex digits. */
export function generateRunId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);

  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

export function insertRun(scope: WriteScope, run: NewRun): RunRecord {
  const context = { operation: "createRun", journalPath: scope.journalPath };
  const now = scope.now();
  const at = now.toISOString();
  const id = run.id === undefined ? generateRunId(now) : requireRunId(run.id, context);
  const parentRunId = run.parentRunId === undefined ? null : requireRunId(run.parentRunId, context);
  if (parentRunId !== null) requireRun(scope, parentRunId, context);

  const row: RunRow = {
    id,
    kind: requireText(run.kind, "kind", context),
    state: "pending",
    options: toJsonText(redactSecrets(run.options), "options", context),
    input_digest: requireText(run.inputDigest, "inputDigest", context),
    base_url: stripUrlCredentials(requireText(run.baseUrl, "baseUrl", context)),
    username: optionalText(run.username, "username", context),
    parent_run_id: parentRunId,
    created_at: at,
    updated_at: at,
    finished_at: null,
  };
  try {
    return toRunRecord(scope.statements.insertRun.get(row) as RunRow);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;

    throw new JournalError("P21_JOURNAL_DUPLICATE_RUN", `run ${id} is already in the journal`, {
      ...context,
      runId: id,
      cause: error,
    });
  }
}

export function changeRunState(scope: WriteScope, runId: string, state: RunState): void {
  const context = { operation: "setRunState", journalPath: scope.journalPath, runId };
  const run = requireRun(scope, runId, context);
  const to = runTransition(run.state, requireRunState(state, context));
  if (to instanceof JournalError) {
    throw new JournalError(to.code, `run ${runId}: ${to.message}`, context);
  }

  if (to === run.state) return;

  const at = scope.now().toISOString();
  const finishedAt = to === "completed" || to === "failed" ? at : null;
  scope.statements.updateRunState.run({
    id: runId,
    state: to,
    updated_at: at,
    finished_at: finishedAt,
  });
}
