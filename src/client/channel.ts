import type { Logger } from "./logger.js";

/** Per-call options of every window operation. */
export interface CallOptions {
  /** Aborts this call. */
  signal?: AbortSignal;
  /** Overrides the timeout of this call, in milliseconds. */
  timeoutMs?: number;
}

/** One request on the Interactive surface (`{ui}/api/ui/interactive`). @internal */
export interface InteractiveRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below `{ui}/api/ui/interactive`, for example `/v2/change`. */
  route: string;
  query?: Record<string, string>;
  /** Encoded as JSON; a string becomes a bare JSON string. */
  body?: unknown;
  /** Short name for events and messages: `change`, `save`, `tools`, … */
  operation: string;
  /** What the call does, for error messages: "change of form.description on SalesPricePage". */
  description: string;
  windowId?: string;
  field?: string;
  /** The request may change data on the server (its lost answer is ambiguous). */
  write?: boolean;
  /** `save` uses the save timeout; everything else the default one. */
  timeoutKind?: "default" | "save";
  options?: CallOptions;
}

/** What a window needs from its session. @internal */
export interface InteractiveChannel {
  readonly sessionId: string;
  readonly logger: Logger;
  /** Sends the request with the session's token; resolves with the decoded body; throws P21Errors. */
  call(request: InteractiveRequest): Promise<unknown>;
  /** Refuses use when the session is not open. */
  assertOpen(action: string): void;
  /** Called when the window closes, so the session stops tracking it. */
  forgetWindow(windowId: string): void;
}
