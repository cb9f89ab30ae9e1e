import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { LatencyTable } from "../src/simulator/index.js";

/** Request counts per stats route key, as `SimulatorHandle.stats().requests` gives them. */
export type RouteCounts = Readonly<Record<string, number>>;

/** The modeled server time of a set of requests, in the latency table's unit. */
export interface ServerTime {
  totalMs: number;
  /** Per route key, largest first. */
  byRoute: { route: string; requests: number; ms: number; share: number }[];
}

type CostOf = (table: LatencyTable) => number;

/**
 * What each route costs in the simulator's latency model, by method and path suffix. Changes
 * are costed separately (per request and per field); routes not listed (help, inspection)
 * cost nothing.
 */
const ROUTE_COSTS: readonly { method: string; suffix: RegExp; cost: CostOf }[] = [
  { method: "POST", suffix: /\/api\/security\/token(\/v2)?$/, cost: (l) => l.authenticate },
  { method: "GET", suffix: /\/api\/ui\/router\/v1\/?$/, cost: (l) => l.router },
  { method: "GET", suffix: /\/ui\/common\/v1\/serverinfo$/, cost: (l) => l.serverInfo },
  { method: "POST", suffix: /\/interactive\/sessions\/?$/, cost: (l) => l.startSession },
  { method: "GET", suffix: /\/interactive\/sessions\/?$/, cost: (l) => l.listSessions },
  { method: "DELETE", suffix: /\/interactive\/sessions\/?$/, cost: (l) => l.endSession },
  { method: "POST", suffix: /\/v2\/window$/, cost: (l) => l.openWindow },
  { method: "GET", suffix: /\/v2\/window$/, cost: (l) => l.windowState },
  { method: "DELETE", suffix: /\/v2\/window$/, cost: (l) => l.close },
  { method: "PUT", suffix: /\/v2\/tab$/, cost: (l) => l.selectTab },
  { method: "POST", suffix: /\/v2\/row$/, cost: (l) => l.addRow },
  { method: "PUT", suffix: /\/v2\/row$/, cost: (l) => l.selectRow },
  { method: "PUT", suffix: /\/v2\/data$/, cost: (l) => l.save },
  { method: "GET", suffix: /\/v2\/data$/, cost: (l) => l.getData },
  { method: "DELETE", suffix: /\/v2\/data$/, cost: (l) => l.clear },
  { method: "GET", suffix: /\/v2\/tools$/, cost: (l) => l.listTools },
  { method: "POST", suffix: /\/v2\/tools$/, cost: (l) => l.runTool },
  { method: "GET", suffix: /^\/odataservice\/odata\//, cost: (l) => l.odata },
];

const CHANGE_ROUTE = /^PUT \S*\/v2\/change$/;

function routeCost(route: string, latency: LatencyTable): number {
  const space = route.indexOf(" ");
  const method = route.slice(0, space);
  const path = route.slice(space + 1);
  const entry = ROUTE_COSTS.find((known) => known.method === method && known.suffix.test(path));

  return entry === undefined ? 0 : entry.cost(latency);
}

/**
 * The time the simulator's latency model charges for these requests (unscaled: production
 * milliseconds): each route's cost × its count, and for `PUT /v2/change` the request cost
 * plus the field cost × `changeFields` (the entries of every change's `List`).
 */
export function modeledServerTime(
  requests: RouteCounts,
  changeFields: number,
  latency: LatencyTable,
): ServerTime {
  const rows = Object.entries(requests).map(([route, count]) => {
    const ms = CHANGE_ROUTE.test(route)
      ? count * latency.changeRequest + changeFields * latency.changeField
      : count * routeCost(route, latency);

    return { route, requests: count, ms };
  });
  const totalMs = rows.reduce((sum, row) => sum + row.ms, 0);
  const byRoute = rows
    .map((row) => ({ ...row, share: totalMs > 0 ? row.ms / totalMs : 0 }))
    .sort((left, right) => right.ms - left.ms);

  return { totalMs, byRoute };
}

/** Subtracts two route-count snapshots (`after − before`), dropping routes with no requests. */
export function routeDelta(after: RouteCounts, before: RouteCounts): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [route, count] of Object.entries(after)) {
    const difference = count - (before[route] ?? 0);
    if (difference > 0) delta[route] = difference;
  }

  return delta;
}

interface UndiciRequestCreate {
  request: { method?: string; path?: string; body?: unknown };
}

/**
 * Counts the fields the client sends in change requests, from undici's `undici:request:create`
 * diagnostics channel (the body of every `PUT …/v2/change`), without touching the client.
 * Call `stop()` when done.
 */
export function countChangeFields(): { fields(): number; stop(): void } {
  let fields = 0;
  const listener = (message: unknown): void => {
    const { request } = message as UndiciRequestCreate;
    if (request.method !== "PUT" || request.path?.split("?")[0]?.endsWith("/v2/change") !== true)
      return;

    const body = request.body;
    const text = Buffer.isBuffer(body)
      ? body.toString("utf8")
      : typeof body === "string"
        ? body
        : "";
    try {
      const parsed = JSON.parse(text) as { List?: unknown };
      fields += Array.isArray(parsed.List) ? parsed.List.length : 1;
    } catch {
      fields += 1;
    }
  };
  subscribe("undici:request:create", listener);

  return {
    fields: () => fields,
    stop: () => {
      unsubscribe("undici:request:create", listener);
    },
  };
}
