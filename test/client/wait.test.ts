// waitFor: one caller's wait on work that several callers share (the token, the router's
// answer) ends when that caller's signal aborts, and the shared work goes on for the others.
import { describe, expect, it } from "vitest";
import { P21AbortError } from "../../src/client/errors.js";
import { waitFor } from "../../src/client/wait.js";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });

  return { promise, resolve, reject };
}

describe("waitFor", () => {
  it("is the shared promise itself when there is no signal", () => {
    const shared = Promise.resolve(1);
    expect(waitFor(shared, undefined, "the token")).toBe(shared);
  });

  it("refuses at once for a signal already aborted, and leaves the shared work's failure handled", async () => {
    const shared = deferred<string>();
    const waiting = waitFor(shared.promise, AbortSignal.abort(), "the token");
    await expect(waiting).rejects.toThrow(P21AbortError);
    await expect(waiting).rejects.toThrow("the token was aborted");
    // Rejected later with nobody else waiting: no unhandled rejection ends the process.
    shared.reject(new Error("refused"));
    await new Promise((resolve) => setImmediate(resolve));
  });

  it("ends one caller's wait on abort while another caller still gets the answer", async () => {
    const shared = deferred<string>();
    const controller = new AbortController();
    const aborted = waitFor(shared.promise, controller.signal, "the router");
    const patient = waitFor(shared.promise, new AbortController().signal, "the router");
    controller.abort();
    await expect(aborted).rejects.toThrow("the router was aborted");
    shared.resolve("https://p21.example.com/uiserver0");
    await expect(patient).resolves.toBe("https://p21.example.com/uiserver0");
  });

  it("keeps the answer once it came: a later abort changes nothing", async () => {
    const shared = deferred<number>();
    const controller = new AbortController();
    const waiting = waitFor(shared.promise, controller.signal, "the token");
    shared.resolve(42);
    await expect(waiting).resolves.toBe(42);
    controller.abort();
    await expect(waiting).resolves.toBe(42);
  });

  it("passes the shared work's error on, as an Error even when it was not one", async () => {
    const failing = deferred<number>();
    const refused = new Error("credentials refused");
    const first = waitFor(failing.promise, new AbortController().signal, "the token");
    failing.reject(refused);
    await expect(first).rejects.toBe(refused);

    const odd = deferred<number>();
    const second = waitFor(odd.promise, new AbortController().signal, "the token");
    odd.reject("a bare string");
    await expect(second).rejects.toThrow(new Error("a bare string"));
  });
});
