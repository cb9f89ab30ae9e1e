import { request } from "undici";
import type { SimulatorHandle } from "../../../src/simulator/index.js";

export interface WireAnswer {
  status: number;
  body: unknown;
  text: string;
}

/** One JSON request with `Accept: application/json` and an optional bearer token. */
export async function send(
  url: string,
  method: "GET" | "POST" | "PUT" | "DELETE",
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<WireAnswer> {
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-type": "application/json",
    ...options.headers,
  };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await request(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.body.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }

  return { status: response.statusCode, body, text };
}

/** A password token of the default user. */
export async function tokenOf(simulator: SimulatorHandle): Promise<string> {
  const answer = await send(`${simulator.url}/api/security/token/v2`, "POST", {
    body: { username: "api_user", password: "api_password" },
  });
  return (answer.body as { AccessToken: string }).AccessToken;
}

/** A token with an open session. */
export async function openSession(
  simulator: SimulatorHandle,
  parameters: Record<string, unknown> = { ResponseWindowHandlingEnabled: false },
): Promise<string> {
  const token = await tokenOf(simulator);
  const answer = await send(`${simulator.uiServerUrl}/api/ui/interactive/sessions`, "POST", {
    token,
    body: parameters,
  });
  if (answer.status !== 200)
    throw new Error(`session create answered ${answer.status}: ${answer.text}`);
  return token;
}

export async function openWindow(simulator: SimulatorHandle, token: string, serviceName: string) {
  const answer = await send(`${simulator.uiServerUrl}/api/ui/interactive/v2/window`, "POST", {
    token,
    body: { ServiceName: serviceName },
  });
  return (answer.body as { WindowId: string }).WindowId;
}

export function change(
  simulator: SimulatorHandle,
  token: string,
  windowId: string,
  fields: [tab: string, datawindow: string, field: string, value: string][],
) {
  return send(`${simulator.uiServerUrl}/api/ui/interactive/v2/change`, "PUT", {
    token,
    body: {
      WindowId: windowId,
      List: fields.map(([TabName, DatawindowName, FieldName, Value]) => ({
        TabName,
        DatawindowName,
        FieldName,
        Value,
      })),
    },
  });
}

export function save(simulator: SimulatorHandle, token: string, windowId: string) {
  return send(`${simulator.uiServerUrl}/api/ui/interactive/v2/data`, "PUT", {
    token,
    body: windowId,
  });
}

/** The FORM and VALUES fields of a new Supplier / Product Group page, in order. */
export function newPageFields(supplierId: string, groupId: string, effective = "2030-01-01") {
  return {
    form: [
      ["FORM", "form", "price_page_type_cd", "Supplier / Product Group"],
      ["FORM", "form", "company_id", "ACME"],
      ["FORM", "form", "product_group_id", groupId],
      ["FORM", "form", "supplier_id", supplierId],
      ["FORM", "form", "description", `${supplierId} ${groupId}`],
      ["FORM", "form", "pricing_method_cd", "Source"],
      ["FORM", "form", "source_price_cd", "Supplier List Price"],
      ["FORM", "form", "effective_date", effective],
      ["FORM", "form", "expiration_date", "2030-12-31"],
    ] as [string, string, string, string][],
    values: [
      ["VALUES", "values", "calculation_method_cd", "Multiplier"],
      ["VALUES", "values", "calculation_value1", "0.5"],
    ] as [string, string, string, string][],
  };
}

/** Keys every field of a new page, one per request; resolves when the window is ready to save. */
export async function keyNewPage(
  simulator: SimulatorHandle,
  token: string,
  windowId: string,
  supplierId: string,
  groupId: string,
): Promise<void> {
  const fields = newPageFields(supplierId, groupId);
  for (const field of fields.form) await change(simulator, token, windowId, [field]);
  await send(`${simulator.uiServerUrl}/api/ui/interactive/v2/tab`, "PUT", {
    token,
    body: { WindowId: windowId, PageName: "VALUES" },
  });
  for (const field of fields.values) await change(simulator, token, windowId, [field]);
}
