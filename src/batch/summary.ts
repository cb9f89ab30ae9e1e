/** What {@link BatchEngine.runPhase} reports when the phase is done or stopped. */
export interface PhaseSummary {
  phase: string;
  /** Items of the phase, settled before this run or not. */
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Items still unsettled (pending, or in flight after a hard stop or a failed reconciliation). */
  unsettled: number;
  /** Extra attempts made after transient or ambiguous failures. */
  retries: number;
  /** Windows closed and reopened after an error. */
  reopens: number;
  sessionsOpened: number;
  /** In-flight items settled by asking the server instead of re-sending. */
  reconciled: number;
  /** True when a stop signal ended the phase before every item was settled. */
  interrupted: boolean;
  elapsedMs: number;
}
