import { errors as undiciErrors } from "undici";
import type { Dispatcher } from "undici";

/** An answer as it came, before any decoding. @internal */
export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** What one exchange sends. @internal */
export interface ExchangeRequest {
  origin: string;
  path: string;
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body: string | undefined;
}

const contentTypeName = "content-type";

/** A UTF-8 byte-order mark, dropped as `Response.text()` drops it. */
function decodeText(chunks: readonly Buffer[]): string {
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

  return bytes.toString("utf8", bom ? 3 : 0);
}

function headerIs(name: Buffer | string, wanted: string): boolean {
  if (name.length !== wanted.length) return false;

  return (typeof name === "string" ? name : name.toString("latin1")).toLowerCase() === wanted;
}

/**
 * One request and its whole answer over undici's `dispatch`, as a single object: the handler
 * undici calls, the abort that the request's timer and signals call, and the promise of the
 * answer. It implements undici's older handler interface (onConnect, onHeaders, …), which the
 * dispatcher calls directly; the newer one goes through a wrapper that parses every header
 * into an object.
 *
 * undici's `request()` wraps each exchange in an AsyncResource, a Readable body stream and a
 * parsed header object; an answer here is a short JSON document read whole, so the chunks are
 * kept and decoded once. That is about a third of the client's CPU per request.
 *
 * An abort settles the promise at once, even while the request still waits for a connection;
 * undici's own request is ended as soon as it has one.
 *
 * Known limit: undici 7 marks that older interface deprecated in its types while its core still
 * calls it; a later major may drop it, and then this becomes an `onRequestStart`/
 * `onResponseStart`/… handler. @internal
 */
export class Exchange implements Dispatcher.DispatchHandler {
  aborted = false;
  /** The request's timer fired: its failure is a timeout. */
  timedOut = false;
  /** The answer's status, once its headers came (an answer that breaks off still has one). */
  status: number | undefined;
  readonly answer: Promise<RawAnswer>;

  #resolve!: (answer: RawAnswer) => void;
  #reject!: (error: unknown) => void;
  #settled = false;
  #abortRequest: ((reason: Error) => void) | undefined;
  #contentType = "";
  #chunks: Buffer[] = [];

  constructor() {
    this.answer = new Promise<RawAnswer>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Sends the request on `dispatcher`; the answer comes through {@link answer}. */
  send(dispatcher: Dispatcher, request: ExchangeRequest): void {
    if (this.aborted) return;

    dispatcher.dispatch(request, this);
  }

  abort(): void {
    if (this.aborted) return;

    this.aborted = true;
    const reason = new undiciErrors.RequestAbortedError();
    this.#fail(reason);
    this.#abortRequest?.(reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.aborted) abort(new undiciErrors.RequestAbortedError());
    else this.#abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: (Buffer | string)[]): boolean {
    // An informational answer (100 Continue) is not the answer.
    if (statusCode < 200) return true;

    this.status = statusCode;
    const values: string[] = [];
    for (let index = 0; index < rawHeaders.length - 1; index += 2) {
      if (headerIs(rawHeaders[index] as Buffer | string, contentTypeName)) {
        values.push(String(rawHeaders[index + 1]));
      }
    }
    this.#contentType = values.join(",").toLowerCase();

    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);

    return true;
  }

  onComplete(): void {
    if (this.status === undefined) {
      this.#fail(new Error("the answer ended before its status line"));
      return;
    }
    if (this.#settled) return;

    this.#settled = true;
    const text = this.#chunks.length === 0 ? "" : decodeText(this.#chunks);
    this.#chunks = [];
    this.#resolve({ status: this.status, contentType: this.#contentType, text });
  }

  onError(error: Error): void {
    this.#fail(error);
  }

  #fail(error: unknown): void {
    if (this.#settled) return;

    this.#settled = true;
    this.#chunks = [];
    this.#reject(error);
  }
}
