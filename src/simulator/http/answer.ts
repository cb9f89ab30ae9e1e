/**
 * What a simulator handler answers: a status and a body, serialised later as JSON (or as
 * DataContract XML when the caller did not ask for JSON and the build profile says so).
 */
export interface Answer {
  statusCode: number;
  /** `undefined` is an empty body. */
  body?: unknown;
  /** Root element name when the body is serialised as DataContract XML. */
  xmlRoot?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** A body that is already serialised text (HTML pages, redirects). */
  rawContentType?: string;
}

/** The documented error envelope: `{"ErrorMessage", "ErrorType"}`, no `Status`. */
export interface ErrorEnvelope {
  ErrorMessage: string;
  ErrorType: string | null;
  [extra: string]: unknown;
}

/**
 * Thrown anywhere below a route handler to answer with an HTTP error. The handler wrapper
 * turns it into the answer; nothing else catches it.
 */
export class WireError extends Error {
  readonly statusCode: number;
  readonly body: unknown;

  constructor(statusCode: number, body: unknown, message?: string) {
    super(message ?? describeBody(body));
    this.name = "WireError";
    this.statusCode = statusCode;
    this.body = body;
  }
}

function describeBody(body: unknown): string {
  if (body === undefined) return "empty body";
  if (typeof body === "object" && body !== null && "ErrorMessage" in body) {
    return String((body as ErrorEnvelope).ErrorMessage);
  }

  return JSON.stringify(body);
}

/** Builds the documented error envelope. */
export function errorEnvelope(message: string, errorType: string | null = null): ErrorEnvelope {
  return { ErrorMessage: message, ErrorType: errorType };
}

/** A `WireError` carrying the documented error envelope. */
export function refuse(statusCode: number, message: string, errorType: string | null = null) {
  return new WireError(statusCode, errorEnvelope(message, errorType));
}

/** An empty-bodied error answer (the empty 500s of the real server). */
export function emptyError(statusCode = 500): WireError {
  return new WireError(statusCode, undefined);
}

export function jsonAnswer(body: unknown, statusCode = 200, xmlRoot?: string): Answer {
  return xmlRoot === undefined ? { statusCode, body } : { statusCode, body, xmlRoot };
}

/** Well-known refusals shared by several routes (docs/protocol-choices.md). */
export const refusals = {
  invalidSession: () => refuse(400, "Invalid session"),
  windowNotFound: () => refuse(404, "Window not found"),
  windowIdMissing: () => refuse(422, "Window ID was not provided"),
  unauthorized: () => refuse(401, "Authorization has been denied for this request."),
  /** A valid token outside its scope: the documented 401, a bare JSON string. */
  outOfScope: () =>
    new WireError(
      401,
      "You are not authorized to access API. Please contact administrator to get access.",
    ),
  corruptedWindow: () =>
    refuse(
      500,
      "Object reference not set to an instance of an object.",
      "System.NullReferenceException",
    ),
};
