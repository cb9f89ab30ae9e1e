import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  AuthenticationError,
  DatawindowNotFoundError,
  LifecycleError,
  P21AbortError,
  P21Error,
  P21HttpError,
  P21NetworkError,
  P21TimeoutError,
  PoolExhaustedError,
  RequestSwallowedError,
  ServerRefusedError,
  SessionExpiredError,
  TokenExpiredError,
  WindowStateError,
  isRetryable,
  retryClass,
  scrubSecrets,
} from "../../src/client/index.js";

describe("error family", () => {
  it("gives every kind its stable code and retry class", () => {
    const cases: [P21Error, string, string][] = [
      [new P21HttpError("x", { status: 500 }), "P21_SERVER_ERROR", "transient"],
      [new P21HttpError("x", { status: 404 }), "P21_HTTP", "permanent"],
      [new P21HttpError("x", { status: 503, retry: "ambiguous" }), "P21_SERVER_ERROR", "ambiguous"],
      [new P21NetworkError("x"), "P21_NETWORK", "transient"],
      [new P21TimeoutError("x", { timeoutMs: 5 }), "P21_TIMEOUT", "transient"],
      [new P21AbortError("x"), "P21_ABORTED", "permanent"],
      [new AuthenticationError("x"), "P21_AUTH_FAILED", "permanent"],
      [new AccessDeniedError("x"), "P21_ACCESS_DENIED", "permanent"],
      [new TokenExpiredError("x"), "P21_TOKEN_EXPIRED", "transient"],
      [new SessionExpiredError("x"), "P21_SESSION_EXPIRED", "transient"],
      [new PoolExhaustedError("x"), "P21_POOL_EXHAUSTED", "transient"],
      [new WindowStateError("P21_WINDOW_NOT_FOUND", "x"), "P21_WINDOW_NOT_FOUND", "transient"],
      [new ServerRefusedError("x"), "P21_SERVER_REFUSED", "permanent"],
      [new DatawindowNotFoundError("x"), "P21_DATAWINDOW_NOT_FOUND", "permanent"],
      [new RequestSwallowedError("x"), "P21_REQUEST_SWALLOWED", "transient"],
      [new LifecycleError("x"), "P21_CLOSED", "permanent"],
    ];

    for (const [error, code, retry] of cases) {
      expect(error).toBeInstanceOf(P21Error);
      expect(error.code).toBe(code);
      expect(error.retry).toBe(retry);
      expect(retryClass(error)).toBe(retry);
      expect(isRetryable(error)).toBe(retry === "transient");
    }
  });

  it("treats foreign errors as permanent", () => {
    expect(retryClass(new TypeError("bug"))).toBe("permanent");
    expect(isRetryable("text")).toBe(false);
  });

  it("carries its context and cause into toJSON", () => {
    const cause = new Error("socket hang up");
    const error = new ServerRefusedError("change failed", {
      method: "PUT",
      path: "/v2/change",
      status: 400,
      serverMessage: "Column is disabled: company_id",
      windowId: "w1",
      field: "company_id",
      cause,
    });

    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({
      name: "ServerRefusedError",
      code: "P21_SERVER_REFUSED",
      retry: "permanent",
      message: "change failed",
      method: "PUT",
      path: "/v2/change",
      status: 400,
      serverMessage: "Column is disabled: company_id",
      windowId: "w1",
      field: "company_id",
      cause: { name: "Error", message: "socket hang up" },
    });
  });

  it("scrubs bearer tokens, JWTs and credential fields from any text", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcGkifQ.c2lnbmF0dXJl";
    const text = `Bearer abc.def {"password":"hunter2","AccessToken":"tok"} <AccessToken>xml</AccessToken> ${jwt} password=p1`;
    const scrubbed = scrubSecrets(text);

    for (const secret of ["abc.def", "hunter2", '"tok"', ">xml<", jwt, "p1"]) {
      expect(scrubbed).not.toContain(secret);
    }

    expect(new P21NetworkError(text).message).toBe(scrubbed);
  });
});
