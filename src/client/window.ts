import type { CallOptions, InteractiveChannel, InteractiveRequest } from "./channel.js";
import { Dialog } from "./dialog.js";
import type { DialogHost } from "./dialog.js";
import {
  DatawindowNotFoundError,
  P21Error,
  P21ProtocolError,
  RequestSwallowedError,
  WindowStateError,
} from "./errors.js";
import { Result, isResultEnvelope } from "./result.js";
import type { Datawindow, Tool, WindowDefinition } from "./window-data.js";
import { parseDatawindows, parseTools, parseWindowDefinition } from "./window-data.js";
import type {
  FieldChange,
  RequestTarget,
  RunToolOptions,
  ToolScope,
  ToolsOptions,
} from "./window-requests.js";
import { windowRequests } from "./window-requests.js";

export type { FieldChange, RunToolOptions, ToolsOptions } from "./window-requests.js";

/** Lifecycle of a window: `blocked` while a dialog it opened is unanswered. */
export type WindowLifecycle = "open" | "blocked" | "closed";

function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || body === "";
}

/**
 * An open P21 window (Interactive v2), bound to its session. Every action answers a parsed
 * {@link Result} or throws a typed P21Error.
 */
export class Window {
  #state: WindowLifecycle = "open";
  /** The last answer on this window was "datawindow not found": the next may be swallowed. */
  #mayBeSwallowed = false;
  /** A close waits for the answer of its save-before-close dialog. */
  #closing = false;
  readonly #channel: InteractiveChannel;
  readonly #dialogHost: DialogHost;
  readonly #target: RequestTarget;

  /** @internal */
  constructor(
    channel: InteractiveChannel,
    /** The window id (a GUID). */
    readonly id: string,
    /** The service the window was opened by, for example `SalesPricePage`. */
    readonly serviceName: string,
    /** The window title from the open answer. */
    readonly title: string | undefined,
  ) {
    this.#channel = channel;
    this.#target = { id, label: `window ${serviceName} (${id})` };
    this.#dialogHost = {
      definitionOf: (windowId, options) => this.#definition(this.#dialogTarget(windowId), options),
      toolsOf: (windowId, options) => this.#tools(this.#dialogTarget(windowId), {}, options),
      pressOn: (windowId, tool, options) =>
        this.#press(this.#dialogTarget(windowId), tool, options),
    };
  }

  /** `open`, `blocked` (a dialog waits for an answer) or `closed`. */
  get state(): WindowLifecycle {
    return this.#state;
  }

  #dialogTarget(windowId: string): RequestTarget {
    return { id: windowId, label: `dialog ${windowId} of ${this.#target.label}` };
  }

  #assertUsable(action: string, allowBlocked: boolean): void {
    this.#channel.assertOpen(`${action} on ${this.#target.label}`);
    if (this.#state === "closed") {
      throw new WindowStateError(
        "P21_WINDOW_CLOSED",
        `cannot ${action}: ${this.#target.label} is closed`,
        { windowId: this.id },
      );
    }

    if (this.#state === "blocked" && !allowBlocked) {
      throw new WindowStateError(
        "P21_WINDOW_BLOCKED",
        `cannot ${action}: ${this.#target.label} waits for an answer to a dialog (press one of its buttons first)`,
        { windowId: this.id },
      );
    }
  }

  /** Sends a request, keeping the bookkeeping of swallowed requests and vanished windows. */
  async #send(request: InteractiveRequest): Promise<unknown> {
    const onThisWindow = request.windowId === this.id;
    const mayBeSwallowed = onThisWindow && this.#mayBeSwallowed;
    try {
      const body = await this.#channel.call(request);
      if (onThisWindow) this.#mayBeSwallowed = false;

      return body;
    } catch (error) {
      if (!onThisWindow || !(error instanceof P21Error)) throw error;

      this.#mayBeSwallowed = error instanceof DatawindowNotFoundError;
      if (error.code === "P21_WINDOW_NOT_FOUND") this.#markClosed();
      if (
        mayBeSwallowed &&
        error.code === "P21_SERVER_ERROR" &&
        error.status === 500 &&
        !error.serverMessage
      ) {
        throw new RequestSwallowedError(
          `${request.description} was swallowed by the server (an empty 500 right after a ` +
            `"datawindow not found" answer on this window): nothing was applied; send it again`,
          {
            method: request.method,
            path: error.path,
            status: 500,
            windowId: this.id,
            field: request.field,
            cause: error,
          },
        );
      }

      throw error;
    }
  }

  #parse(body: unknown, request: InteractiveRequest): Result {
    if (!isEmptyBody(body) && !isResultEnvelope(body)) {
      throw new P21ProtocolError(`${request.description}: the answer is not a result envelope`, {
        method: request.method,
        path: request.route,
        windowId: request.windowId,
      });
    }

    return Result.parse(body, (dialogWindowId) => new Dialog(dialogWindowId, this.#dialogHost));
  }

  async #action(request: InteractiveRequest): Promise<Result> {
    this.#assertUsable(request.operation, false);
    const result = this.#parse(await this.#send(request), request);
    if (this.#state !== "closed") this.#state = result.blocked ? "blocked" : "open";

    return result;
  }

  /** Changes one field. */
  change(
    tab: string | null,
    datawindow: string,
    field: string,
    value: string,
    options?: CallOptions,
  ): Promise<Result>;
  /** Changes several fields in one request (sequential and fail-fast on the server, not atomic). */
  change(changes: readonly FieldChange[], options?: CallOptions): Promise<Result>;
  change(
    tabOrChanges: string | null | readonly FieldChange[],
    datawindowOrOptions?: string | CallOptions,
    field?: string,
    value?: string,
    options?: CallOptions,
  ): Promise<Result> {
    if (Array.isArray(tabOrChanges)) {
      const changes = tabOrChanges as readonly FieldChange[];

      return this.#action(
        windowRequests.change(
          this.#target,
          changes,
          datawindowOrOptions as CallOptions | undefined,
        ),
      );
    }

    const change: FieldChange = {
      tab: tabOrChanges as string | null,
      datawindow: datawindowOrOptions as string,
      field: field ?? "",
      value: value ?? "",
    };

    return this.#action(windowRequests.change(this.#target, [change], options));
  }

  /** Selects a tab page by its name (`VALUES`, `TABPAGE_17`). */
  selectTab(pageName: string, options?: CallOptions): Promise<Result> {
    return this.#action(windowRequests.selectTab(this.#target, pageName, options));
  }

  /** Adds a row to a list datawindow (a `Status: 2` about the previous row still adds it). */
  addRow(datawindow: string, options?: CallOptions): Promise<Result> {
    return this.#action(windowRequests.addRow(this.#target, datawindow, options));
  }

  /** Selects a row (0-based) of a list datawindow. */
  selectRow(datawindow: string, row: number, options?: CallOptions): Promise<Result> {
    return this.#action(windowRequests.selectRow(this.#target, datawindow, row, options));
  }

  /**
   * Saves the window (the body is the bare window id). A lost answer is ambiguous: the record
   * may exist; the client never re-sends a save.
   */
  save(options?: CallOptions): Promise<Result> {
    return this.#action(windowRequests.save(this.#target, options));
  }

  /** Clears the window for the next record (`DELETE /v2/data`). */
  clear(options?: CallOptions): Promise<Result> {
    return this.#action(windowRequests.clear(this.#target, options));
  }

  /** Runs a tool of the window (posted as `ToolName`). May answer Blocked: see `result.dialog`. */
  runTool(toolName: string, options?: RunToolOptions): Promise<Result> {
    return this.#action(windowRequests.runTool(this.#target, toolName, options));
  }

  /** The window's datawindows with their rows (only a tab-dependent subset is returned). */
  async data(options?: CallOptions): Promise<Datawindow[]> {
    this.#assertUsable("read data", true);
    const request = windowRequests.data(this.#target, options);

    return parseDatawindows(await this.#send(request), { method: "GET", path: request.route });
  }

  /** The window's definition (tab pages, the active tab's datawindows and fields). */
  windowState(options?: CallOptions): Promise<WindowDefinition> {
    this.#assertUsable("read the window state", true);

    return this.#definition(this.#target, options);
  }

  /** The tools (buttons) of the window; the list mixes in ribbon tools. */
  tools(options?: ToolsOptions): Promise<Tool[]> {
    this.#assertUsable("list tools", true);

    return this.#tools(this.#target, options ?? {}, options);
  }

  async #definition(target: RequestTarget, options?: CallOptions): Promise<WindowDefinition> {
    return parseWindowDefinition(await this.#send(windowRequests.definition(target, options)));
  }

  async #tools(target: RequestTarget, scope: ToolScope, options?: CallOptions): Promise<Tool[]> {
    const body = await this.#send(windowRequests.tools(target, scope, options));

    return parseTools(body, { method: "GET", path: "/v2/tools" });
  }

  async #press(dialog: RequestTarget, tool: Tool, options?: CallOptions): Promise<Result> {
    this.#channel.assertOpen(`answer a dialog of ${this.#target.label}`);
    const request = windowRequests.press(dialog, tool, options);
    const result = this.#parse(await this.#send(request), request);
    if (this.#state === "blocked" && !result.blocked) {
      // Known limit: whether a save-before-close answer closed the window is read from the
      // answer and the button (Cancel, or a Yes whose save failed, keeps it open), not asked
      // of the server.
      const cancelled = /cancel/i.test(`${tool.text ?? ""} ${tool.name}`);
      if (this.#closing && result.ok && !cancelled) {
        this.#markClosed();
      } else {
        this.#state = "open";
      }

      this.#closing = false;
    }

    return result;
  }

  /**
   * Closes the window. Unsaved edits may raise "Save changes before closing?": the answer is
   * then a Blocked result whose dialog decides (Yes saves, No discards, Cancel keeps the window
   * open). A window the server no longer knows counts as closed. A close the server swallowed
   * (the request after a "datawindow not found" answer, which is how a window is usually left
   * after one) applied nothing and is sent once more.
   */
  async close(options?: CallOptions): Promise<Result | undefined> {
    if (this.#state === "closed") return undefined;

    this.#assertUsable("close", true);
    const request = windowRequests.close(this.#target, options);
    let body: unknown;
    try {
      body = await this.#send(request).catch((error: unknown) => {
        if (error instanceof RequestSwallowedError) return this.#send(request);

        throw error;
      });
    } catch (error) {
      if (error instanceof WindowStateError && error.code === "P21_WINDOW_NOT_FOUND")
        return undefined;

      throw error;
    }

    if (isEmptyBody(body) || !isResultEnvelope(body)) {
      this.#markClosed();

      return undefined;
    }

    const result = this.#parse(body, request);
    if (result.blocked) {
      this.#state = "blocked";
      this.#closing = true;
    } else {
      this.#markClosed();
    }

    return result;
  }

  #markClosed(): void {
    this.#state = "closed";
    this.#channel.forgetWindow(this.id);
  }

  /** Marks the window closed without a request (its session ended). @internal */
  markSessionEnded(): void {
    this.#state = "closed";
  }
}
