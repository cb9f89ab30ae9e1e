import { P21Client } from "../client/index.js";
import type { Logger } from "../client/index.js";
import type { ConnectionSettings } from "./config/connection.js";

/** A new client for the connection: its own token and connections. */
export function createClient(
  connection: ConnectionSettings,
  options: { logger?: Logger; signal?: AbortSignal } = {},
): P21Client {
  return new P21Client({
    baseUrl: connection.baseUrl,
    ...(connection.username === undefined ? {} : { username: connection.username }),
    ...(connection.password === undefined ? {} : { password: connection.password }),
    ...(connection.consumerKey === undefined ? {} : { consumerKey: connection.consumerKey }),
    tls: connection.tls,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
