import type { P21Error, P21ErrorDetails } from "./errors.js";
import {
  AccessDeniedError,
  DatawindowNotFoundError,
  P21HttpError,
  PoolExhaustedError,
  ServerRefusedError,
  SessionExistsError,
  SessionExpiredError,
  UnexpectedResponseWindowError,
  WindowStateError,
} from "./errors.js";
import type { Redactor } from "./redact.js";
import { property } from "./result.js";
import type { IncomingAnswer } from "./transport.js";

/** The server's own message in any of the error shapes P21 uses. @internal */
export function serverMessageOf(answer: IncomingAnswer): string | undefined {
  const body = answer.body;
  // An HTML page may also read as XML: it is named by its title either way. A body that reads
  // as JSON is P21's envelope whatever the server labelled it.
  if (answer.format !== "json" && isHtml(answer)) return htmlMessage(answer.text);
  if (typeof body === "string") return body === "" ? undefined : textMessage(body);

  const candidate =
    property(body, "ErrorMessage") ??
    property(body, "error_description") ??
    property(body, "Description") ??
    property(body, "Message") ??
    property(body, "error") ??
    property(body, "Error");

  return typeof candidate === "string" ? candidate : undefined;
}

/** The longest text answer kept as a server's message, in characters. */
const textMessageLength = 500;

function isHtml(answer: IncomingAnswer): boolean {
  return answer.contentType.includes("html") || /^\s*<(?:!doctype|html)/i.test(answer.text);
}

/** An HTML page (a proxy's or a web server's error page, not P21's envelope), by its title. */
function htmlMessage(text: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.replace(/\s+/g, " ").trim();
  return title === undefined || title === "" ? "an HTML page" : `an HTML page: ${title}`;
}

/** Other text on one line, cut short. */
function textMessage(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= textMessageLength ? line : `${line.slice(0, textMessageLength)}…`;
}

/** Whether a decoded body is an error envelope (`ErrorMessage` without `Status`). @internal */
export function isErrorEnvelope(body: unknown): boolean {
  return property(body, "ErrorMessage") !== undefined && property(body, "Status") === undefined;
}

/**
 * The 401 of a valid token outside its scope ("You are not authorized to access API. ..."):
 * another token of the same credentials is refused the same way, so it is not a reason to
 * authenticate again (which may also invalidate the token an open session belongs to).
 * @internal
 */
export function isOutOfScope(answer: IncomingAnswer): boolean {
  return answer.status === 401 && patterns.outOfScope.test(serverMessageOf(answer) ?? "");
}

/** What a failed request was doing. @internal */
export interface AnswerContext {
  method: string;
  description: string;
  windowId?: string | undefined;
  field?: string | undefined;
  write?: boolean | undefined;
}

const patterns = {
  outOfScope: /not authorized to access (?:the )?API/i,
  invalidSession: /invalid session|session (?:was )?not found|session (?:has )?expired/i,
  sessionExists: /session already exists/i,
  windowNotFound: /window (?:was )?not found|unknown window/i,
  datawindowNotFound: /unable to find datawindow named\s*(\S*)/i,
  unexpectedResponseWindow: /unexpected response window/i,
  poolExhausted: /no api instance|pool/i,
  disabledColumn: /column is disabled:\s*(\S+)/i,
};

/**
 * Reads a non-2xx answer of the Interactive surface (and of the session endpoints) into the
 * typed error it means. @internal
 */
export function errorFromAnswer(
  answer: IncomingAnswer,
  context: AnswerContext,
  redactor: Redactor,
): P21Error {
  const rawMessage = serverMessageOf(answer);
  const serverMessage = rawMessage === undefined ? undefined : redactor.redact(rawMessage);
  const details: P21ErrorDetails = {
    method: context.method,
    path: answer.path,
    status: answer.status,
    serverMessage,
    windowId: context.windowId,
    field: context.field,
  };
  const said = serverMessage === undefined ? "" : `: ${serverMessage}`;
  const base = `${context.description} failed with HTTP ${answer.status}${said}`;
  const message = serverMessage ?? "";

  if (isOutOfScope(answer) || answer.status === 403) {
    return new AccessDeniedError(
      `${base} (the consumer key's scope or the user's permission does not cover this call)`,
      details,
    );
  }

  if (answer.status === 409 || patterns.sessionExists.test(message)) {
    return new SessionExistsError(base, details);
  }

  if (answer.status === 400 && patterns.invalidSession.test(message)) {
    return new SessionExpiredError(`${base} (the session expired or was ended)`, details);
  }

  if (answer.status === 404 && patterns.windowNotFound.test(message)) {
    return new WindowStateError("P21_WINDOW_NOT_FOUND", base, details);
  }

  if (answer.status === 503 && patterns.poolExhausted.test(message)) {
    return new PoolExhaustedError(base, details);
  }

  const datawindow = patterns.datawindowNotFound.exec(message);
  if (answer.status < 500 && datawindow !== null) {
    return new DatawindowNotFoundError(
      `${base} (the next request on this window may be swallowed by the server)`,
      { ...details, datawindow: datawindow[1] },
    );
  }

  if (answer.status < 500 && patterns.unexpectedResponseWindow.test(message)) {
    return new UnexpectedResponseWindowError(
      `${base} (create the session with responseWindowHandling: true to answer it)`,
      details,
    );
  }

  if (
    answer.status >= 400 &&
    answer.status < 500 &&
    answer.status !== 408 &&
    answer.status !== 429
  ) {
    if (isErrorEnvelope(answer.body) || serverMessage !== undefined) {
      const column = patterns.disabledColumn.exec(message);

      return new ServerRefusedError(base, { ...details, field: column?.[1] ?? context.field });
    }
  }

  const lost = context.write === true && answer.status >= 500;

  return new P21HttpError(lost ? `${base} (it may or may not have been applied)` : base, {
    ...details,
    status: answer.status,
    ...(lost ? { retry: "ambiguous" as const } : {}),
  });
}
