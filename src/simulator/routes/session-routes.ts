import type { FastifyInstance } from "fastify";
import type { TokenRecord } from "../auth/tokens.js";
import { errorEnvelope, refuse, refusals, type Answer } from "../http/answer.js";
import { addRoute, type RouteCall } from "../http/route.js";
import { UI_SERVER_PREFIX, type Runtime } from "../runtime.js";
import type { InteractiveSession, SessionParameters, SessionType } from "../sessions/session.js";
import { PROFILE_VERSIONS } from "./router-routes.js";

const SESSIONS = `${UI_SERVER_PREFIX}/api/ui/interactive/sessions`;
const SESSION_TYPES: readonly SessionType[] = ["User", "Auto", "AutoInteractive"];

/** Checks the create body ("UserParameters"; every field optional). */
export function sessionParameters(body: unknown, defaultTimeoutSeconds: number): SessionParameters {
  const parameters: SessionParameters = {
    sessionType: "User",
    timeoutSeconds: defaultTimeoutSeconds,
    // Omitting ResponseWindowHandlingEnabled behaves like false (fact sheet §2.2).
    responseWindowHandling: false,
    clientPlatformApp: null,
    workstationId: null,
  };
  if (body === undefined || body === null) return parameters;
  if (typeof body !== "object" || Array.isArray(body)) {
    throw refuse(400, "The session parameters must be a JSON object.");
  }

  const fields = body as Record<string, unknown>;
  const {
    SessionType: type,
    SessionTimeout,
    ResponseWindowHandlingEnabled,
    ClientPlatformApp,
    WorkstationID,
  } = fields;
  if (type !== undefined && type !== null) {
    const match = SESSION_TYPES.find(
      (candidate) => typeof type === "string" && candidate.toLowerCase() === type.toLowerCase(),
    );
    if (match === undefined)
      throw refuse(400, `SessionType must be one of ${SESSION_TYPES.join(", ")}.`);
    parameters.sessionType = match;
  }

  if (SessionTimeout !== undefined && SessionTimeout !== null) {
    if (
      typeof SessionTimeout !== "number" ||
      !Number.isInteger(SessionTimeout) ||
      SessionTimeout <= 0
    ) {
      throw refuse(400, "SessionTimeout must be a whole number of seconds greater than 0.");
    }

    parameters.timeoutSeconds = SessionTimeout;
  }

  if (ResponseWindowHandlingEnabled !== undefined && ResponseWindowHandlingEnabled !== null) {
    if (typeof ResponseWindowHandlingEnabled !== "boolean") {
      throw refuse(400, "ResponseWindowHandlingEnabled must be true or false.");
    }

    parameters.responseWindowHandling = ResponseWindowHandlingEnabled;
  }

  for (const [name, value] of [
    ["ClientPlatformApp", ClientPlatformApp],
    ["WorkstationID", WorkstationID],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== "string") {
      throw refuse(400, `${name} must be a string.`);
    }
  }

  parameters.clientPlatformApp = typeof ClientPlatformApp === "string" ? ClientPlatformApp : null;
  parameters.workstationId = typeof WorkstationID === "string" ? WorkstationID : null;
  return parameters;
}

/** The session of a token, or the documented 400 "Invalid session". */
export function sessionOf(runtime: Runtime, token: TokenRecord): InteractiveSession {
  const session = runtime.sessions.forToken(token);
  if (session === undefined) throw refusals.invalidSession();
  return session;
}

function assertRealUser(runtime: Runtime, token: TokenRecord): void {
  if (token.username === "" || !runtime.tokens.isKnownUser(token.username)) {
    throw refuse(400, "Error retrieving/validating user");
  }
}

/** The 409 of a create on a token that has a session, as JSON whatever the caller accepts. */
function sessionExistsJson(): Answer {
  return {
    statusCode: 409,
    rawContentType: "application/json; charset=utf-8",
    body: JSON.stringify(errorEnvelope("Session already exists.")),
  };
}

function createdAnswer(runtime: Runtime, session: InteractiveSession): Answer {
  if (runtime.options.profile === "25.2") {
    return {
      statusCode: 200,
      xmlRoot: "Session",
      body: { SessionId: session.id, Status: "Active" },
    };
  }

  const version = PROFILE_VERSIONS[runtime.options.profile];
  return {
    statusCode: 200,
    xmlRoot: "Session",
    body: {
      Id: session.id,
      Properties: [
        {
          Name: "Telemetry",
          Properties: { fullversion: version, shortversion: "26.1", configurationid: "0" },
        },
        {
          Name: "SessionHandling",
          Properties: {
            SessionCleanupExpiration: "00:06:00",
            TimedCleanupInterval: "00:01:00",
            PoolSize: String(runtime.options.poolSize),
            WarmStartCount: "0",
          },
        },
      ],
    },
  };
}

function describe(runtime: Runtime, session: InteractiveSession) {
  const idKey = runtime.options.profile === "25.2" ? "SessionId" : "Id";
  return {
    [idKey]: session.id,
    UserName: session.username,
    SessionType: session.parameters.sessionType,
    SessionTimeout: session.parameters.timeoutSeconds,
    ResponseWindowHandlingEnabled: session.parameters.responseWindowHandling,
    ClientPlatformApp: session.parameters.clientPlatformApp,
    WorkstationID: session.parameters.workstationId,
    Created: new Date(session.createdAtMs).toISOString(),
    LastActivity: new Date(session.lastActivityMs).toISOString(),
    WindowCount: session.windows.size,
    Status: "Active",
  };
}

function namedSessionIds(call: RouteCall): string[] {
  const named: string[] = [];
  for (const key of ["id", "sessionId"]) {
    const value = call.query[key];
    if (typeof value === "string" && value !== "") named.push(value);
  }

  if (typeof call.body === "object" && call.body !== null) {
    for (const key of ["Id", "SessionId"]) {
      const value = (call.body as Record<string, unknown>)[key];
      if (typeof value === "string" && value !== "") named.push(value);
    }
  }

  return named;
}

/** Create (with and without the trailing slash), list and end Interactive sessions. */
export function registerSessionRoutes(app: FastifyInstance, runtime: Runtime): void {
  for (const url of [SESSIONS, `${SESSIONS}/`]) {
    addRoute(app, runtime, {
      method: "POST",
      url,
      interactive: true,
      xmlWithoutJson: true,
      withoutAccept: async (call) => {
        // 26.1.5910: the create half-happens (a ghost session) and answers an empty 500; later
        // creates, with or without Accept, find that session and answer the 409.
        assertRealUser(runtime, call.token);
        if (runtime.sessions.forToken(call.token) !== undefined) return sessionExistsJson();
        const parameters = sessionParameters(call.body, runtime.options.sessionTimeoutSeconds);
        const session = await runtime.sessions.create(call.token, parameters, runtime.closing);
        session.ghost = true;
        return undefined;
      },
      run: async (call) => {
        const parameters = sessionParameters(call.body, runtime.options.sessionTimeoutSeconds);
        assertRealUser(runtime, call.token);
        runtime.sessions.assertNoSession(call.token);
        await runtime.latency.pay("startSession", runtime.closing);
        const session = await runtime.sessions.create(call.token, parameters, runtime.closing);
        return createdAnswer(runtime, session);
      },
    });

    addRoute(app, runtime, {
      method: "GET",
      url,
      interactive: true,
      xmlWithoutJson: true,
      run: async (call) => {
        await runtime.latency.pay("listSessions", runtime.closing);
        const sessions = runtime.sessions.listForUser(call.token.username);
        return {
          statusCode: 200,
          xmlRoot: "ArrayOfSession",
          body: sessions.map((session) => describe(runtime, session)),
        };
      },
    });

    addRoute(app, runtime, {
      method: "DELETE",
      url,
      interactive: true,
      xmlWithoutJson: true,
      run: async (call) => {
        const session = sessionOf(runtime, call.token);
        if (namedSessionIds(call).some((id) => id !== session.id)) throw refusals.invalidSession();

        return session.serve(async () => {
          await runtime.latency.pay("endSession", runtime.closing, session.latency);
          runtime.sessions.end(session);
          const idKey = runtime.options.profile === "25.2" ? "SessionId" : "Id";
          return {
            statusCode: 200,
            xmlRoot: "Session",
            body: { [idKey]: session.id, Status: "Ended" },
          };
        }, runtime.clock);
      },
    });
  }

  for (const url of [`${SESSIONS}/help`, `${UI_SERVER_PREFIX}/ui/interactive/v1/help`]) {
    addRoute(app, runtime, {
      method: "GET",
      url,
      interactive: false,
      authenticated: false,
      run: () => ({
        statusCode: 200,
        rawContentType: "text/html; charset=utf-8",
        body: "<html><head><title>Interactive API help</title></head><body><h1>P21 Interactive API (p21kit simulator)</h1><p>POST /api/ui/interactive/sessions, then /api/ui/interactive/v2/window, change, tab, row, data, tools.</p></body></html>",
      }),
    });
  }
}
