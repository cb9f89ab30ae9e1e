/** One finished HTTP exchange, emitted as the client's `request` event (for statistics). */
export interface RequestEvent {
  /** HTTP method. */
  readonly method: string;
  /** Path without host and query, for example `/uiserver0/api/ui/interactive/v2/change`. */
  readonly path: string;
  /** A short name of the operation, for example `change`, `save`, `token`, `odata`. */
  readonly operation: string;
  /** HTTP status, or `undefined` when no answer arrived. */
  readonly status: number | undefined;
  /** Time from sending to the end of the answer (or the failure). */
  readonly durationMs: number;
  readonly sessionId?: string | undefined;
  readonly windowId?: string | undefined;
  /** The error code when the exchange failed. */
  readonly error?: string | undefined;
}

/** The events a {@link P21Client} emits. */
export interface ClientEvents {
  request: (event: RequestEvent) => void;
}
