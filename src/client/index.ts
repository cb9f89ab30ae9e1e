export { P21Client } from "./client.js";
export type { ClientInternals, ServerInfo } from "./client.js";
export type { P21ClientOptions, SessionOptions, TimeoutOptions, TlsOptions } from "./options.js";
export { Session } from "./session.js";
export type { SessionState } from "./session.js";
export { Window } from "./window.js";
export type { FieldChange, RunToolOptions, ToolsOptions, WindowLifecycle } from "./window.js";
export type { CallOptions } from "./channel.js";
export { Dialog } from "./dialog.js";
export type { DialogButton } from "./dialog.js";
export { Message, Result, ResultEvent } from "./result.js";
export type { EventDatum, MessageType, ResultStatus, ResultStatusName } from "./result.js";
export { Datawindow } from "./window-data.js";
export type {
  DatawindowDefinition,
  FieldDefinition,
  TabPage,
  Tool,
  WindowDefinition,
} from "./window-data.js";
export { ODataClient } from "./odata.js";
export type { ODataQueryAllOptions, ODataQueryOptions, Row } from "./odata.js";
export {
  ODataExpression,
  and,
  eq,
  filterText,
  ge,
  gt,
  le,
  literal,
  lt,
  ne,
  not,
  or,
  raw,
} from "./odata-filter.js";
export type { ODataFilter, ODataValue } from "./odata-filter.js";
export type { ClientEvents, RequestEvent } from "./events.js";
export type { LogMethod, Logger } from "./logger.js";
export { silentLogger } from "./logger.js";
export {
  AccessDeniedError,
  AuthenticationError,
  DatawindowNotFoundError,
  InputError,
  InvalidOptionsError,
  LifecycleError,
  P21AbortError,
  P21Error,
  P21HttpError,
  P21NetworkError,
  P21ProtocolError,
  P21TimeoutError,
  PoolExhaustedError,
  RequestSwallowedError,
  ServerRefusedError,
  SessionExistsError,
  SessionExpiredError,
  TokenExpiredError,
  UnexpectedResponseWindowError,
  WindowStateError,
  isRetryable,
  retryClass,
  scrubSecrets,
} from "./errors.js";
export type { P21ErrorCode, P21ErrorDetails, RetryClass, WindowStateCode } from "./errors.js";
