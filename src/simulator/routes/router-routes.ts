import type { FastifyInstance, FastifyRequest } from "fastify";
import { WireError, type Answer } from "../http/answer.js";
import { addRoute, authenticate } from "../http/route.js";
import { toDataContractXml, XmlContracts } from "../http/xml.js";
import { UI_SERVER_PREFIX, type Runtime } from "../runtime.js";
import { answersXml } from "./auth-routes.js";

/** Application versions reported per build profile. */
export const PROFILE_VERSIONS = {
  "26.1.5950": "26.1.5950.0",
  "26.1.5910": "26.1.5910.3",
  "25.2": "25.2.5776.1",
} as const;

const NO_BEARER = {
  Description: "Authorization header was not present or 'Bearer' was missing.",
  Error: "invalid_request",
  Uri: "",
};

/** The UI-server root as the caller reached the simulator (scheme and Host header). */
export function uiServerUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${UI_SERVER_PREFIX}`;
}

function redirectPage(location: string): string {
  return `<html><head><title>Object moved</title></head><body><h2>Object moved to <a href="${location}">here</a>.</h2></body></html>`;
}

/**
 * The router (`GET /api/ui/router/v1/?urlType=external`, and a 307 from the slashless form)
 * and `GET {ui}/ui/common/v1/serverinfo` (XML unless JSON is asked for).
 */
export function registerRouterRoutes(app: FastifyInstance, runtime: Runtime): void {
  addRoute(app, runtime, {
    method: "GET",
    url: "/api/ui/router/v1",
    interactive: false,
    authenticated: false,
    run: (call) => {
      const queryStart = call.request.url.indexOf("?");
      const location = `/api/ui/router/v1/${queryStart >= 0 ? call.request.url.slice(queryStart) : ""}`;
      return {
        statusCode: 307,
        headers: { location },
        body: redirectPage(location),
        rawContentType: "text/html; charset=utf-8",
      };
    },
  });

  addRoute(app, runtime, {
    method: "GET",
    url: "/api/ui/router/v1/",
    interactive: false,
    authenticated: false,
    run: async (call) => {
      if (!(call.request.headers.authorization ?? "").startsWith("Bearer ")) {
        throw new WireError(401, NO_BEARER);
      }

      authenticate(runtime, call.request);
      await runtime.latency.pay("router", runtime.closing);
      const url = uiServerUrlOf(call.request);
      if (answersXml(runtime, call.request.headers.accept)) {
        return {
          statusCode: 200,
          body: toDataContractXml("RouterResponse", { Url: url }, XmlContracts.common),
          rawContentType: "application/xml; charset=utf-8",
        };
      }

      return { statusCode: 200, body: { Url: url } } satisfies Answer;
    },
  });

  addRoute(app, runtime, {
    method: "GET",
    url: `${UI_SERVER_PREFIX}/ui/common/v1/serverinfo`,
    interactive: false,
    xmlWithoutJson: true,
    run: async (call) => {
      await runtime.latency.pay("serverInfo", runtime.closing);
      const version = PROFILE_VERSIONS[runtime.options.profile];
      const shortVersion = version.split(".").slice(0, 2).join(".");
      return {
        statusCode: 200,
        xmlRoot: "ServerInfo",
        body: {
          Result: {
            "Version/Application Version": version,
            "Version/Build Framework": ".NET Core",
            "Version/Database Version": version,
            "Monitoring/fullversion": version,
            "Monitoring/shortversion": shortVersion,
            "Monitoring/isproduction": null,
            "Monitoring/cloudroleinstance": "p21kit-simulator",
            "Monitoring/configurationid": "0",
            "Session/State": "None",
            "Session/User": call.token.username,
            "Server/Name": "p21kit-simulator",
            "Server/Time": new Date(runtime.clock()).toISOString(),
          },
        },
      };
    },
  });
}
