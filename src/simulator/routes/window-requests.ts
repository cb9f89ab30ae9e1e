import { refuse, refusals } from "../http/answer.js";
import type { RouteCall } from "../http/route.js";
import type { ChangeItem } from "../windows/window-types.js";

/** Reading and checking the bodies and query strings of the `/v2` window routes. */

export function asObject(body: unknown): Record<string, unknown> | undefined {
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

/** `WindowId` of a request body, or the documented 422. */
export function windowIdOfBody(body: unknown): string {
  const windowId = asObject(body)?.WindowId;
  if (typeof windowId !== "string" || windowId === "") throw refusals.windowIdMissing();
  return windowId;
}

/**
 * `?id=` of window and data routes: `?windowId=` there is a 422; no id at all (for example
 * `DELETE /v2/window?button=No`) is a 400 with the same message.
 */
export function windowIdOfQuery(call: RouteCall): string {
  const id = call.query.id;
  if (typeof id === "string" && id !== "") return id;
  if (call.query.windowId !== undefined) throw refusals.windowIdMissing();
  throw refuse(400, "Window ID was not provided");
}

function notString(path: string): never {
  throw refuse(400, `The JSON value could not be converted to System.String. Path: ${path}`);
}

export function optionalString(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") notString(path);
  return value;
}

/** Checks the `List` of a change request. */
export function changeItems(body: Record<string, unknown>): ChangeItem[] {
  const list = body.List;
  if (!Array.isArray(list)) throw refuse(400, "The List field is required.");

  return list.map((entry: unknown, index): ChangeItem => {
    const path = `$.List[${index}]`;
    const item = asObject(entry);
    if (item === undefined)
      throw refuse(400, `The JSON value could not be converted to a change. Path: ${path}`);

    const fieldName = optionalString(item.FieldName, `${path}.FieldName`);
    if (fieldName === null || fieldName === "")
      throw refuse(400, `The FieldName field is required. Path: ${path}`);

    const valueType = optionalString(item.ValueType, `${path}.ValueType`);
    if (valueType !== null && !["display", "data"].includes(valueType.toLowerCase())) {
      throw refuse(400, `ValueType must be Display or Data. Path: ${path}.ValueType`);
    }

    return {
      TabName: optionalString(item.TabName, `${path}.TabName`),
      DatawindowName: optionalString(item.DatawindowName, `${path}.DatawindowName`),
      FieldName: fieldName,
      Value: optionalString(item.Value, `${path}.Value`),
      ValueType: valueType?.toLowerCase() === "data" ? "Data" : "Display",
    };
  });
}
