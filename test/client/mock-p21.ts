import { MockAgent } from "undici";
import { afterEach } from "vitest";
import { P21Client } from "../../src/client/index.js";
import type { P21ClientOptions, Session } from "../../src/client/index.js";

export const mockBaseUrl = "http://p21.test";
export const mockUiServerUrl = `${mockBaseUrl}/uiserver0`;

export interface RecordedRequest {
  method: string;
  /** Path with query. */
  path: string;
  pathname: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  rawBody: string | undefined;
}

export interface MockAnswer {
  status?: number;
  /** Encoded as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  contentType?: string;
}

type Responder = MockAnswer | ((request: RecordedRequest) => MockAnswer);

interface Route {
  method: string;
  pathname: string;
  answers: Responder[];
  sticky: boolean;
}

function normaliseHeaders(headers: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (Array.isArray(headers)) {
    for (let index = 0; index + 1 < headers.length; index += 2) {
      result[String(headers[index]).toLowerCase()] = String(headers[index + 1]);
    }
  } else if (typeof headers === "object" && headers !== null) {
    for (const [key, value] of Object.entries(headers)) result[key.toLowerCase()] = String(value);
  }

  return result;
}

/**
 * A scripted P21 on an undici MockAgent: answers by method and path, records every request.
 * Defaults cover token, router, session create/end and window open; `on` overrides them.
 */
export class MockP21 {
  readonly agent = new MockAgent();
  readonly requests: RecordedRequest[] = [];
  readonly #routes: Route[] = [];

  constructor() {
    this.agent.disableNetConnect();
    this.on("POST", "/api/security/token/v2", {
      body: { AccessToken: "token-one", ExpiresInSeconds: 86_400, TokenType: "Bearer" },
    });
    this.on("POST", "/api/security/token", {
      body: { AccessToken: "token-one", ExpiresInSeconds: 86_400, TokenType: "Bearer" },
    });
    this.on("GET", "/api/ui/router/v1/", { body: { Url: mockUiServerUrl } });
    this.on("POST", "/uiserver0/api/ui/interactive/sessions", { body: { Id: "session-1" } });
    this.on("DELETE", "/uiserver0/api/ui/interactive/sessions", { body: {} });
    this.on("POST", "/uiserver0/api/ui/interactive/v2/window", {
      body: { WindowId: "window-1", Title: "Sales Price Page" },
    });
    this.agent
      .get(mockBaseUrl)
      .intercept({ path: () => true, method: () => true })
      .reply((options) => {
        const url = new URL(options.path, mockBaseUrl);
        const rawBody = typeof options.body === "string" ? options.body : undefined;
        let body: unknown = rawBody;
        if (rawBody !== undefined) {
          try {
            body = JSON.parse(rawBody);
          } catch {
            body = rawBody;
          }
        }

        const request: RecordedRequest = {
          method: options.method,
          path: options.path,
          pathname: url.pathname,
          query: url.searchParams,
          headers: normaliseHeaders(options.headers),
          body,
          rawBody,
        };
        this.requests.push(request);
        const answer = this.#answer(request);
        const text = answer.text ?? (answer.body === undefined ? "" : JSON.stringify(answer.body));

        return {
          statusCode: answer.status ?? 200,
          data: text,
          responseOptions: {
            headers: {
              "content-type":
                answer.contentType ??
                (answer.text === undefined ? "application/json; charset=utf-8" : "text/plain"),
            },
          },
        };
      })
      .persist();
  }

  #answer(request: RecordedRequest): MockAnswer {
    const matching = this.#routes.filter(
      (route) => route.method === request.method && route.pathname === request.pathname,
    );
    // One-shot answers first, in the order they were given; then the latest standing answer.
    const ordered = [
      ...matching.filter((route) => !route.sticky),
      ...matching.filter((route) => route.sticky).reverse(),
    ];
    for (const route of ordered) {
      const responder =
        route.sticky && route.answers.length === 1 ? route.answers[0] : route.answers.shift();
      if (responder === undefined) continue;

      return typeof responder === "function" ? responder(request) : responder;
    }

    return {
      status: 404,
      body: { ErrorMessage: `no mock for ${request.method} ${request.pathname}` },
    };
  }

  /** Answers `method path` with `answer` from now on (the last answer of a list sticks). */
  on(method: string, pathname: string, ...answers: Responder[]): this {
    this.#routes.push({ method, pathname, answers, sticky: true });

    return this;
  }

  /** Answers the next matching request(s) once each, then falls back to earlier routes. */
  once(method: string, pathname: string, ...answers: Responder[]): this {
    this.#routes.push({ method, pathname, answers, sticky: false });

    return this;
  }

  /** Interactive route shorthand: `interactive("PUT", "/v2/change", …)`. */
  interactive(method: string, route: string, ...answers: Responder[]): this {
    return this.on(method, `/uiserver0/api/ui/interactive${route}`, ...answers);
  }

  interactiveOnce(method: string, route: string, ...answers: Responder[]): this {
    return this.once(method, `/uiserver0/api/ui/interactive${route}`, ...answers);
  }

  requestsTo(method: string, pathname: string): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.method === method && request.pathname.endsWith(pathname),
    );
  }

  client(options: Partial<P21ClientOptions> = {}, now?: () => number): P21Client {
    const credentials =
      options.consumerKey === undefined ? { username: "api_user", password: "api_password" } : {};

    return new P21Client(
      { baseUrl: mockBaseUrl, ...credentials, ...options },
      {
        dispatcher: this.agent,
        ...(now === undefined ? {} : { now }),
      },
    );
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * For a test file: `open()` starts a mock server, a client on it and a session, all closed after
 * each test; `mock` is the server of the test under way.
 */
export function mockSessionPerTest(): { readonly mock: MockP21; open(): Promise<Session> } {
  let mock: MockP21 | undefined;
  let client: P21Client | undefined;
  afterEach(async () => {
    await client?.close();
    await mock?.close();
    client = undefined;
    mock = undefined;
  });

  return {
    get mock(): MockP21 {
      if (mock === undefined) throw new Error("no session was opened in this test");

      return mock;
    },
    async open(): Promise<Session> {
      mock = new MockP21();
      client = mock.client();

      return client.startSession();
    },
  };
}
