import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { registerAuthRoutes } from "../routes/auth-routes.js";
import { registerInspectionRoutes } from "../routes/inspection-routes.js";
import { registerODataRoutes } from "../routes/odata-routes.js";
import { registerRouterRoutes } from "../routes/router-routes.js";
import { registerSessionRoutes } from "../routes/session-routes.js";
import { registerWindowRoutes } from "../routes/window-routes.js";
import { routeKey, type Runtime } from "../runtime.js";
import { errorEnvelope } from "./answer.js";

/** Distinct unmatched paths counted by name; later ones share one key (memory stays flat). */
const MAX_UNMATCHED_KEYS = 200;

function statsKeyOf(request: FastifyRequest, unmatched: Set<string>): string {
  const url = request.routeOptions.url;
  if (url !== undefined) return routeKey(request.method, url);

  const path = request.url.split("?")[0] ?? request.url;
  const key = routeKey(request.method, path);
  if (unmatched.has(key)) return key;
  if (unmatched.size >= MAX_UNMATCHED_KEYS) return `${request.method} (other unmatched paths)`;
  unmatched.add(key);
  return key;
}

class BodyError extends Error {
  readonly statusCode = 400;
}

/**
 * The fastify app: one body parser for every content type (JSON when it parses, so that a
 * bare JSON string works for save and an empty body counts as none), the documented error
 * envelope for every framework error (bad JSON, oversized body, unknown route), the stats
 * hooks, and every route.
 */
export function buildApp(runtime: Runtime): FastifyInstance {
  const { tls, bodyLimitBytes } = runtime.options;
  const app = Fastify({
    logger: false,
    bodyLimit: bodyLimitBytes,
    forceCloseConnections: true,
    ...(tls === undefined ? {} : { https: { cert: tls.cert, key: tls.key } }),
  }) as unknown as FastifyInstance;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }

    try {
      done(null, JSON.parse(text));
    } catch {
      const contentType = request.headers["content-type"] ?? "";
      if (contentType.toLowerCase().includes("json")) {
        done(new BodyError("The request body is not valid JSON."), undefined);
      } else {
        done(null, text);
      }
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const statusCode =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600
        ? error.statusCode
        : 500;
    const message =
      error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
        ? `The request body is larger than the limit of ${bodyLimitBytes} bytes.`
        : error.message;
    return reply
      .code(statusCode)
      .type("application/json; charset=utf-8")
      .send(JSON.stringify(errorEnvelope(message, statusCode >= 500 ? "System.Exception" : null)));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type("application/json; charset=utf-8")
      .send(
        JSON.stringify(
          errorEnvelope(
            `No HTTP resource was found that matches the request URI '${request.url}'.`,
          ),
        ),
      ),
  );

  const unmatched = new Set<string>();
  const keys = new WeakMap<FastifyRequest, string>();
  app.addHook("onRequest", (request, _reply, done) => {
    const key = statsKeyOf(request, unmatched);
    keys.set(request, key);
    runtime.stats.countRequest(key);
    done();
  });

  app.addHook("onResponse", (request, reply, done) => {
    runtime.stats.requestHandled(reply.elapsedTime);
    if (runtime.events.listenerCount("request") > 0) {
      runtime.events.emit("request", {
        method: request.method,
        route: keys.get(request) ?? routeKey(request.method, request.url),
        status: reply.statusCode,
      });
    }

    done();
  });

  registerAuthRoutes(app, runtime);
  registerRouterRoutes(app, runtime);
  registerSessionRoutes(app, runtime);
  registerWindowRoutes(app, runtime);
  registerODataRoutes(app, runtime);
  registerInspectionRoutes(app, runtime);
  return app;
}
