/** ResultStatus of P21.UI.Service.Model.Interactive.V2.ResultWrapper. */
export const ResultStatus = { None: 0, Success: 1, Failure: 2, Blocked: 3 } as const;
export type ResultStatusCode = (typeof ResultStatus)[keyof typeof ResultStatus];

/** Message types (inferred mapping: 0 Information, 1 Warning, 2 Error). */
export const MessageType = { Information: 0, Warning: 1, Error: 2 } as const;

export interface ResultMessage {
  Text: string;
  Type: number;
}

export interface ResultEvent {
  Name: string;
  Data: { Key: string; Value: string }[];
}

/** The result envelope of change, tab, row, save, clear, tools and close. */
export interface ResultEnvelope {
  Status: ResultStatusCode;
  Messages: ResultMessage[];
  Events: ResultEvent[];
  ResponseWindowId: "";
}

export function result(
  status: ResultStatusCode,
  messages: ResultMessage[] = [],
  events: ResultEvent[] = [],
): ResultEnvelope {
  return { Status: status, Messages: messages, Events: events, ResponseWindowId: "" };
}

export function success(events: ResultEvent[] = [], messages: ResultMessage[] = []) {
  return result(ResultStatus.Success, messages, events);
}

/** A `Status: 2` result with one Type-2 message. */
export function failure(text: string): ResultEnvelope {
  return result(ResultStatus.Failure, [{ Text: text, Type: MessageType.Error }]);
}

export function event(name: string, data: Record<string, string>): ResultEvent {
  return { Name: name, Data: Object.entries(data).map(([Key, Value]) => ({ Key, Value })) };
}
