import type { Socket } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TokenRecord } from "../auth/tokens.js";
import { bearerTokenOf } from "../auth/tokens.js";
import { faultStatsKey, type FaultDecision } from "../faults.js";
import { routeKey, type Runtime } from "../runtime.js";
import { errorEnvelope, refusals, refuse, WireError, type Answer } from "./answer.js";
import { acceptsJson, toDataContractXml, XmlContracts } from "./xml.js";

export interface RouteCall {
  readonly request: FastifyRequest;
  readonly body: unknown;
  readonly query: Record<string, unknown>;
  /** The bearer token, when the route requires one. */
  readonly token: TokenRecord;
  /** Whether the request asked for JSON (`Accept` contains `application/json`). */
  readonly wantsJson: boolean;
  /** A `corrupt` fault strikes the window this request names. */
  readonly corrupt: boolean;
  /** A `drop-rows` fault strikes this save: its new grid rows are not persisted. */
  readonly dropRows: boolean;
}

export interface RouteSpecification {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  /** Random faults and the build's Accept rules apply to interactive routes only. */
  interactive: boolean;
  /** Faults may strike after it is applied (change, save). */
  write?: boolean;
  /** It names or opens a window that a `corrupt` fault can hit. */
  window?: boolean;
  /** `true`: a valid bearer token is required (401 otherwise). @default true */
  authenticated?: boolean;
  /** Answer in DataContract XML when the caller did not ask for JSON. */
  xmlWithoutJson?: boolean;
  /**
   * On 26.1.5910, what a request without `Accept: application/json` does before its empty 500;
   * an answer it returns is sent instead of the 500.
   */
  withoutAccept?: (call: RouteCall) => Promise<Answer | undefined> | Answer | undefined;
  run(call: RouteCall): Promise<Answer> | Answer;
}

const NO_TOKEN = Object.freeze({}) as TokenRecord;

/** The valid token of a request, or the documented 401. */
export function authenticate(runtime: Runtime, request: FastifyRequest): TokenRecord {
  const accessToken = bearerTokenOf(request.headers.authorization);
  const token = accessToken === undefined ? undefined : runtime.tokens.find(accessToken);
  if (token === undefined) throw refusals.unauthorized();
  return token;
}

/** What a `refuse` fault answers: a rule of the server no client can know of beforehand. */
const REFUSED_BY_RULE = "Refused by a business rule of the server (a simulated refuse fault).";

/**
 * Registers a route behind the simulator's common steps: faults (before or after the work),
 * authentication, the build's `Accept` rules, and serialisation of the answer.
 */
export function addRoute(
  app: FastifyInstance,
  runtime: Runtime,
  specification: RouteSpecification,
) {
  const key = routeKey(specification.method, specification.url);
  app.route({
    method: specification.method,
    url: specification.url,
    handler: async (request, reply) => {
      const decision = runtime.faults.decide({
        route: key,
        interactive: specification.interactive,
        write: specification.write === true,
        window: specification.window === true,
      });
      if (decision !== undefined) runtime.stats.countFault(faultStatsKey(decision.kind));
      if (
        decision?.phase === "before" &&
        strikeConnection(runtime, decision, key, request, reply)
      ) {
        return reply;
      }

      if (decision?.kind === "expire-session" || decision?.kind === "expire-token") {
        expireEarly(runtime, decision.kind, request);
      }

      const wantsJson = acceptsJson(request.headers.accept);
      let answer: Answer;
      try {
        if (decision?.kind === "refuse") throw refuse(400, REFUSED_BY_RULE);
        answer = await runSpecification(runtime, specification, request, wantsJson, decision);
      } catch (error) {
        if (runtime.closing.aborted) {
          reply.hijack();
          request.raw.socket.destroy();
          return reply;
        }

        answer = answerOfError(error);
      }

      if (decision?.phase === "after" && strikeConnection(runtime, decision, key, request, reply)) {
        return reply;
      }

      const asXml = specification.xmlWithoutJson === true && !wantsJson;
      return send(reply, answer, asXml);
    },
  });
}

async function runSpecification(
  runtime: Runtime,
  specification: RouteSpecification,
  request: FastifyRequest,
  wantsJson: boolean,
  decision: FaultDecision | undefined,
): Promise<Answer> {
  const token = specification.authenticated === false ? NO_TOKEN : authenticate(runtime, request);
  const call: RouteCall = {
    request,
    body: request.body,
    query: (request.query ?? {}) as Record<string, unknown>,
    token,
    wantsJson,
    corrupt: decision?.kind === "corrupt",
    dropRows: decision?.kind === "drop-rows",
  };

  if (specification.interactive && !wantsJson && runtime.options.profile === "26.1.5910") {
    try {
      const answer = await specification.withoutAccept?.(call);
      if (answer !== undefined) return answer;
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
    }

    return { statusCode: 500 };
  }

  return specification.run(call);
}

/** http500, reset and stall: true when the request was answered (or never will be). */
function strikeConnection(
  runtime: Runtime,
  decision: FaultDecision,
  key: string,
  request: FastifyRequest,
  reply: FastifyReply,
): boolean {
  const [method = ""] = key.split(" ");
  const socket = request.raw.socket;
  switch (decision.kind) {
    case "http500":
      void reply.code(500).send();
      return true;
    case "reset":
      reply.hijack();
      socket.destroy();
      runtime.events.emit("request", { method, route: key, status: 0 });
      return true;
    case "stall":
      reply.hijack();
      holdStalled(runtime, socket);
      runtime.events.emit("request", { method, route: key, status: 0 });
      return true;
    default:
      return false;
  }
}

/** Holds a stalled request's connection: until it closes, or for `stallMs` and then drops it. */
function holdStalled(runtime: Runtime, socket: Socket): void {
  runtime.stalledSockets.add(socket);
  const { stallMs } = runtime.options;
  const timer =
    stallMs === undefined ? undefined : setTimeout(() => socket.destroy(), stallMs).unref();
  socket.once("close", () => {
    clearTimeout(timer);
    runtime.stalledSockets.delete(socket);
  });
}

/** Ends the caller's session early, or invalidates its token (its session is orphaned). */
function expireEarly(
  runtime: Runtime,
  kind: "expire-session" | "expire-token",
  request: FastifyRequest,
) {
  const accessToken = bearerTokenOf(request.headers.authorization);
  const token = accessToken === undefined ? undefined : runtime.tokens.find(accessToken);
  if (token === undefined) return;

  if (kind === "expire-token") {
    runtime.tokens.invalidate(token);
    return;
  }

  const session = runtime.sessions.forToken(token);
  if (session !== undefined) runtime.sessions.end(session);
}

/** A thrown error as an answer; anything but a `WireError` is a simulator bug, still answered. */
export function answerOfError(error: unknown): Answer {
  if (error instanceof WireError) return { statusCode: error.statusCode, body: error.body };
  const message = error instanceof Error ? error.message : String(error);
  return { statusCode: 500, body: errorEnvelope(message, "System.Exception") };
}

/** Writes an answer as JSON, DataContract XML, raw text, or an empty body. */
export function send(reply: FastifyReply, answer: Answer, asXml: boolean): FastifyReply {
  void reply.code(answer.statusCode);
  if (answer.headers !== undefined) void reply.headers(answer.headers);
  if (answer.body === undefined) return reply.send();
  if (answer.rawContentType !== undefined) {
    return reply.type(answer.rawContentType).send(answer.body);
  }

  if (asXml) {
    const root = answer.xmlRoot ?? (isErrorBody(answer.body) ? "Error" : "Result");
    const contract = root === "Session" ? XmlContracts.request : XmlContracts.interactive;
    return reply
      .type("application/xml; charset=utf-8")
      .send(toDataContractXml(root, answer.body, contract));
  }

  return reply.type("application/json; charset=utf-8").send(JSON.stringify(answer.body));
}

function isErrorBody(body: unknown): boolean {
  return typeof body === "object" && body !== null && "ErrorMessage" in body;
}
