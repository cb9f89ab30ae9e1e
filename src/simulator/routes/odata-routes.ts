import type { FastifyInstance } from "fastify";
import { SERVED_TABLE_SCHEMAS, type ServedTableName } from "../data/schema.js";
import { allowsODataTable } from "../auth/tokens.js";
import { refusals, refuse } from "../http/answer.js";
import { addRoute } from "../http/route.js";
import { ODataQueryError, runQuery } from "../odata/query.js";
import type { Runtime } from "../runtime.js";

const SUPPORTED_OPTIONS = new Set([
  "$filter",
  "$select",
  "$orderby",
  "$top",
  "$skip",
  "$count",
  "$format",
]);

/** Read-only OData at `{base}/odataservice/odata/table/{name}`, Bearer auth. */
export function registerODataRoutes(app: FastifyInstance, runtime: Runtime): void {
  addRoute(app, runtime, {
    method: "GET",
    url: "/odataservice/odata/table/:name",
    interactive: false,
    run: async (call) => {
      await runtime.latency.pay("odata", runtime.closing);
      const name = (call.request.params as { name: string }).name;
      if (!allowsODataTable(call.token, name)) throw refusals.outOfScope();
      if (!Object.hasOwn(SERVED_TABLE_SCHEMAS, name)) {
        throw refuse(404, `The table '${name}' does not exist or is not exposed through OData.`);
      }

      const query: Record<string, string> = {};
      for (const [key, value] of Object.entries(call.query)) {
        if (!key.startsWith("$")) continue;
        if (!SUPPORTED_OPTIONS.has(key))
          throw refuse(400, `The query parameter '${key}' is not supported.`);
        if (typeof value !== "string")
          throw refuse(400, `The query parameter '${key}' is given more than once.`);
        query[key] = value;
      }

      const table = name as ServedTableName;
      try {
        const answer = runQuery(table, SERVED_TABLE_SCHEMAS[table], runtime.store.served(table), {
          filter: query.$filter,
          select: query.$select,
          orderby: query.$orderby,
          top: query.$top,
          skip: query.$skip,
          count: query.$count,
        });
        const base = `${call.request.protocol}://${call.request.host}/odataservice/odata`;
        const body: Record<string, unknown> = { "@odata.context": `${base}/$metadata#${table}` };
        if (answer.count !== undefined) body["@odata.count"] = answer.count;
        body.value = answer.rows;
        return { statusCode: 200, body };
      } catch (error) {
        if (error instanceof ODataQueryError)
          throw refuse(400, error.message, "Microsoft.OData.ODataException");
        throw error;
      }
    },
  });
}
