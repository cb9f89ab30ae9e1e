import type { TokenManager } from "./auth.js";
import { P21ProtocolError, SessionExistsError, TokenExpiredError } from "./errors.js";
import type { P21Error } from "./errors.js";
import type { Logger } from "./logger.js";
import type { ResolvedSessionOptions } from "./options.js";
import type { Redactor } from "./redact.js";
import { errorFromAnswer, isOutOfScope } from "./server-answers.js";
import type { SessionOrigin } from "./session.js";
import { buildOf, sessionIdOf } from "./session.js";
import type { Transport } from "./transport.js";

/** What creating a session needs from the client. @internal */
export interface SessionStartHost {
  readonly transport: Transport;
  readonly tokens: TokenManager;
  readonly redactor: Redactor;
  readonly logger: Logger;
  readonly defaultTimeoutMs: number;
}

/** One session creation. @internal */
export interface SessionStartRequest {
  readonly uiServerUrl: string;
  readonly settings: ResolvedSessionOptions;
  readonly signal: AbortSignal | undefined;
  readonly description: string;
}

/**
 * What a create is given beyond the default timeout: P21 holds a create for up to 60 s while
 * its pool is full, which the default of 60 s + this allows for (a lower default does not).
 */
const poolWaitAllowanceMs = 15_000;

function createBody(settings: ResolvedSessionOptions): Record<string, unknown> {
  return {
    SessionType: settings.type,
    SessionTimeout: settings.timeoutSeconds,
    ResponseWindowHandlingEnabled: settings.responseWindowHandling,
    ClientPlatformApp: settings.clientPlatformApp,
    ...(settings.workstationId === undefined ? {} : { WorkstationID: settings.workstationId }),
  };
}

/**
 * `POST /sessions` with the client's token. A 401 re-authenticates once; a 409 (a session of
 * this token that was never ended) ends that session on the same token and creates again, once.
 * @internal
 */
export async function createSession(
  host: SessionStartHost,
  request: SessionStartRequest,
): Promise<SessionOrigin> {
  const { uiServerUrl, signal, description } = request;
  const url = `${uiServerUrl}/api/ui/interactive/sessions`;
  const body = createBody(request.settings);
  let token = await host.tokens.token(signal);
  let refusedToken = false;
  let endedLeakedSession = false;

  for (;;) {
    const answer = await host.transport.send({
      method: "POST",
      url,
      operation: "start-session",
      description,
      headers: { authorization: `Bearer ${token.accessToken}` },
      body,
      timeoutMs: host.defaultTimeoutMs + poolWaitAllowanceMs,
      signal,
    });

    if (answer.status >= 200 && answer.status < 300) {
      const id = sessionIdOf(answer.body);
      if (id === undefined) {
        throw new P21ProtocolError(`${description}: the answer carries neither Id nor SessionId`, {
          method: "POST",
          path: answer.path,
          status: answer.status,
        });
      }

      return { id, token, uiServerUrl, build: buildOf(answer.body), raw: answer.body };
    }

    if (answer.status === 401 && !isOutOfScope(answer)) {
      host.tokens.invalidate(token);
      if (refusedToken) {
        throw new TokenExpiredError(
          `${description} was refused with HTTP 401 even with a fresh token`,
          {
            method: "POST",
            path: answer.path,
            status: 401,
          },
        );
      }

      refusedToken = true;
      token = await host.tokens.authenticate(signal);
      continue;
    }

    const error = errorFromAnswer(answer, { method: "POST", description }, host.redactor);
    if (!(error instanceof SessionExistsError) || endedLeakedSession) throw error;

    endedLeakedSession = true;
    await endLeakedSession(host, url, token.accessToken, error, signal);
  }
}

async function endLeakedSession(
  host: SessionStartHost,
  url: string,
  accessToken: string,
  conflict: P21Error,
  signal: AbortSignal | undefined,
): Promise<void> {
  const description = "end of a leaked session of this token";
  host.logger.warn({ status: conflict.status }, "p21 session already exists; ending it");
  const answer = await host.transport.send({
    method: "DELETE",
    url,
    operation: "end-session",
    description,
    headers: { authorization: `Bearer ${accessToken}` },
    timeoutMs: host.defaultTimeoutMs,
    signal,
  });
  if (answer.status >= 200 && answer.status < 300) return;

  const refusal = errorFromAnswer(answer, { method: "DELETE", description }, host.redactor);
  throw new SessionExistsError(
    `a session already exists for this token and could not be ended: ${refusal.message}`,
    { method: "DELETE", path: answer.path, status: answer.status, cause: refusal },
  );
}
