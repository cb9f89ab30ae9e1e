import { request } from "undici";

/** One HTTP answer, read to the end. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON; throws when it is not JSON. */
  json<T = unknown>(): T;
  contentType(): string;
}

export interface CallOptions {
  token?: string;
  /** A value sent as JSON. */
  json?: unknown;
  /** A body sent as is (malformed JSON, oversized bodies). */
  rawBody?: string;
  /** `null` leaves the header out. */
  accept?: string | null;
  /** `null` leaves the header out; by default it is JSON when a body is sent. */
  contentType?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The wire envelope of change, tab, row, save, clear and tools answers. */
export interface ResultEnvelope {
  Status: number | string;
  Messages: { Text: string; Type: number }[];
  Events: { Name: string; Data: { Key: string; Value: unknown }[] }[];
  ResponseWindowId: string;
}

/** The wire envelope of refusals. */
export interface ErrorEnvelope {
  ErrorMessage: string;
  ErrorType: string | null;
}

/** A datawindow of `GET /v2/data`. */
export interface DataWindow {
  Name: string;
  FullName?: string;
  ActiveRow: number;
  TotalRows: number;
  Columns: string[];
  Data: unknown[][];
}

/** One field of a `PUT /v2/change` list, in the domain's words. */
export interface FieldChange {
  tab: string | null;
  datawindow?: string | null;
  field: string;
  value: unknown;
}

/** Everything a test needs to talk to one simulator as one user. */
export interface Party {
  baseUrl: string;
  uiUrl: string;
  token: string;
}

export const DEFAULT_USER = { username: "api_user", password: "api_password" } as const;

/** Sends one request; never follows redirects. */
export async function call(
  method: string,
  url: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const accept = options.accept === undefined ? "application/json" : options.accept;
  if (accept !== null) headers["accept"] = accept;
  if (options.token !== undefined) headers["authorization"] = `Bearer ${options.token}`;

  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  if (options.json !== undefined) body = JSON.stringify(options.json);

  const contentType =
    options.contentType === undefined
      ? body === undefined
        ? null
        : "application/json"
      : options.contentType;
  if (contentType !== null) headers["content-type"] = contentType;

  const response = await request(url, {
    method: method as "GET",
    headers,
    body,
    signal: options.signal,
  });
  const text = await response.body.text();

  return {
    status: response.statusCode,
    headers: response.headers,
    text,
    json<T>() {
      return JSON.parse(text) as T;
    },
    contentType() {
      const value = response.headers["content-type"];
      return (Array.isArray(value) ? value.join(",") : (value ?? "")).toLowerCase();
    },
  };
}

/** Obtains a password-grant token, failing loudly when the server refuses. */
export async function passwordToken(
  baseUrl: string,
  username: string = DEFAULT_USER.username,
  password: string = DEFAULT_USER.password,
): Promise<string> {
  const answer = await call("POST", `${baseUrl}/api/security/token/v2`, {
    json: { username, password },
  });
  if (answer.status !== 200) throw new Error(`token: ${answer.status} ${answer.text}`);

  return answer.json<{ AccessToken: string }>().AccessToken;
}

/** A token for the default user, bound to the simulator's two roots. */
export async function party(
  simulator: { url: string; uiServerUrl: string },
  username?: string,
  password?: string,
): Promise<Party> {
  const token = await passwordToken(simulator.url, username, password);

  return { baseUrl: simulator.url, uiUrl: simulator.uiServerUrl, token };
}

/** Calls an Interactive endpoint (`path` starts after `/api/ui/interactive`). */
export function interactive(
  who: Party,
  method: string,
  path: string,
  options: Omit<CallOptions, "token"> = {},
): Promise<Answer> {
  return call(method, `${who.uiUrl}/api/ui/interactive${path}`, { token: who.token, ...options });
}

/** Creates the token's session and returns its id (`Id` on 26.1, `SessionId` on 25.2). */
export async function createSession(
  who: Party,
  body: Record<string, unknown> = { ResponseWindowHandlingEnabled: false },
): Promise<string> {
  const answer = await interactive(who, "POST", "/sessions", { json: body });
  if (answer.status !== 200) throw new Error(`session: ${answer.status} ${answer.text}`);
  const session = answer.json<{ Id?: string; SessionId?: string }>();

  return session.Id ?? session.SessionId ?? "";
}

export async function endSession(who: Party): Promise<Answer> {
  return interactive(who, "DELETE", "/sessions");
}

/** Opens a window by service name and returns its id. */
export async function openWindow(who: Party, serviceName: string): Promise<string> {
  const answer = await interactive(who, "POST", "/v2/window", {
    json: { ServiceName: serviceName },
  });
  if (answer.status !== 200)
    throw new Error(`open ${serviceName}: ${answer.status} ${answer.text}`);

  return answer.json<{ WindowId: string }>().WindowId;
}

export function changeBody(windowId: string, fields: FieldChange[]): unknown {
  return {
    WindowId: windowId,
    List: fields.map((change) => ({
      TabName: change.tab,
      ...(change.datawindow === undefined ? {} : { DatawindowName: change.datawindow }),
      FieldName: change.field,
      Value: change.value,
    })),
  };
}

export function change(who: Party, windowId: string, fields: FieldChange[]): Promise<Answer> {
  return interactive(who, "PUT", "/v2/change", { json: changeBody(windowId, fields) });
}

/** A change of one field, its datawindow named after its tab in lower case. */
export function changeOne(
  who: Party,
  windowId: string,
  tab: string,
  field: string,
  value: string,
  datawindow: string = tab.toLowerCase(),
): Promise<Answer> {
  return change(who, windowId, [{ tab, datawindow, field, value }]);
}

export function selectTab(who: Party, windowId: string, pageName: string): Promise<Answer> {
  return interactive(who, "PUT", "/v2/tab", { json: { WindowId: windowId, PageName: pageName } });
}

export function save(who: Party, windowId: string): Promise<Answer> {
  return interactive(who, "PUT", "/v2/data", { json: windowId });
}

export function clear(who: Party, windowId: string): Promise<Answer> {
  return interactive(who, "DELETE", `/v2/data?id=${windowId}`);
}

export function closeWindow(who: Party, windowId: string): Promise<Answer> {
  return interactive(who, "DELETE", `/v2/window?id=${windowId}`);
}

export async function windowData(who: Party, windowId: string): Promise<DataWindow[]> {
  const answer = await interactive(who, "GET", `/v2/data?id=${windowId}`);
  if (answer.status !== 200) throw new Error(`data: ${answer.status} ${answer.text}`);

  return answer.json<DataWindow[]>();
}

/** The active-row value of one field, or `undefined` when its datawindow is not returned. */
export async function fieldValue(
  who: Party,
  windowId: string,
  datawindow: string,
  field: string,
): Promise<unknown> {
  const found = (await windowData(who, windowId)).find((element) => element.Name === datawindow);
  if (found === undefined) return undefined;
  const row = found.Data[found.ActiveRow] ?? [];

  return row[found.Columns.indexOf(field)];
}

/** The first event of a name, or `undefined`. */
export function findEvent(result: ResultEnvelope, name: string) {
  return result.Events.find((event) => event.Name.toLowerCase() === name.toLowerCase());
}

/** The value of a key of an event's key/value list, the key compared case-insensitively. */
export function eventValue(result: ResultEnvelope, name: string, key: string): unknown {
  return findEvent(result, name)?.Data.find((pair) => pair.Key.toLowerCase() === key.toLowerCase())
    ?.Value;
}

/** The new key of a save: the first integer `Value` of its `keygenerated` event. */
export function generatedKey(result: ResultEnvelope): number | undefined {
  const pair = findEvent(result, "keygenerated")?.Data.find((entry) =>
    /^\d+$/.test(String(entry.Value)),
  );

  return pair === undefined ? undefined : Number(pair.Value);
}

/** Reads an OData table; `query` is appended as is (already encoded where needed). */
export function odata(who: Party, table: string, query = "", token = who.token): Promise<Answer> {
  const suffix = query === "" ? "" : `?${query}`;

  return call("GET", `${who.baseUrl}/odataservice/odata/table/${table}${suffix}`, { token });
}

export async function odataRows(
  who: Party,
  table: string,
  query = "",
): Promise<Record<string, unknown>[]> {
  const answer = await odata(who, table, query);
  if (answer.status !== 200) throw new Error(`odata ${table}: ${answer.status} ${answer.text}`);

  return answer.json<{ value: Record<string, unknown>[] }>().value;
}

/** Encodes an OData `$filter` expression for a query string. */
export function filter(expression: string): string {
  return `$filter=${encodeURIComponent(expression)}`;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
