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

/** One field change of `PUT /v2/change`. */
export interface FieldChange {
  /** Tab page name (`FORM`, `VALUES`), or `null` for a dialog's fields. */
  tab: string | null;
  /** Interactive datawindow name (`form`, `values`, `list_detail`). */
  datawindow: string;
  field: string;
  /** Always a string; send whole numbers as `"30"`. */
  value: string;
  /** `Display` (a label, the default) or `Data` (a raw key). */
  valueType?: "Display" | "Data";
}

/** Lifecycle of a window: `blocked` while a dialog it opened is unanswered. */
export type WindowLifecycle = "open" | "blocked" | "closed";

/** Options of {@link Window.runTool}. */
export interface RunToolOptions extends CallOptions {
  /** `ToolText`, for tools that need it. */
  toolText?: string;
  datawindow?: string;
  field?: string;
  row?: number;
}

/** Options of {@link Window.tools}. */
export interface ToolsOptions extends CallOptions {
  datawindow?: string;
  field?: string;
  row?: number;
}

/**
 * An open P21 window (Interactive v2), bound to its session. Every action answers a parsed
 * {@link Result} or throws a typed P21Error.
 */
export class Window {
  #state: WindowLifecycle = "open";
  #mayBeSwallowed = false;
  /** A close is waiting for the answer of its save-before-close dialog. */
  #closing = false;
  readonly #channel: InteractiveChannel;
  readonly #dialogHost: DialogHost;

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
    this.#dialogHost = {
      definitionOf: (windowId, options) => this.#definition(windowId, options),
      toolsOf: (windowId, options) => this.#tools(windowId, {}, options),
      pressOn: (windowId, tool, options) => this.#press(windowId, tool, options),
    };
  }

  /** `open`, `blocked` (a dialog waits for an answer) or `closed`. */
  get state(): WindowLifecycle {
    return this.#state;
  }

  #label(): string {
    return `window ${this.serviceName} (${this.id})`;
  }

  #assertUsable(action: string, allowBlocked: boolean): void {
    this.#channel.assertOpen(`${action} on ${this.#label()}`);
    if (this.#state === "closed") {
      throw new WindowStateError(
        "P21_WINDOW_CLOSED",
        `cannot ${action}: ${this.#label()} is closed`,
        { windowId: this.id },
      );
    }

    if (this.#state === "blocked" && !allowBlocked) {
      throw new WindowStateError(
        "P21_WINDOW_BLOCKED",
        `cannot ${action}: ${this.#label()} waits for an answer to a dialog (press one of its buttons first)`,
        { windowId: this.id },
      );
    }
  }

  /** Sends a request on this window, with the swallowed-request and datawindow bookkeeping. */
  async #send(request: InteractiveRequest): Promise<unknown> {
    const onThisWindow = request.windowId === this.id;
    const mayBeSwallowed = onThisWindow && this.#mayBeSwallowed;
    try {
      const body = await this.#channel.call(request);
      if (onThisWindow) this.#mayBeSwallowed = false;

      return body;
    } catch (error) {
      if (!onThisWindow || !(error instanceof P21Error)) throw error;

      this.#mayBeSwallowed = false;
      if (error instanceof DatawindowNotFoundError) {
        this.#mayBeSwallowed = true;
      } else if (error.code === "P21_WINDOW_NOT_FOUND") {
        this.#state = "closed";
        this.#channel.forgetWindow(this.id);
      } else if (
        mayBeSwallowed &&
        error.code === "P21_SERVER_ERROR" &&
        error.status === 500 &&
        (error.serverMessage === undefined || error.serverMessage === "")
      ) {
        throw new RequestSwallowedError(
          `${request.description} was swallowed by the server (an empty 500 right after a ` +
            `"datawindow not found" answer on ${this.#label()}): nothing was applied; send it again`,
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

  #result(body: unknown, request: InteractiveRequest): Result {
    if (body !== undefined && body !== null && body !== "" && !isResultEnvelope(body)) {
      throw new P21ProtocolError(`${request.description}: the answer is not a result envelope`, {
        method: request.method,
        path: request.route,
        windowId: request.windowId,
      });
    }

    const result = Result.parse(
      body,
      (dialogWindowId) => new Dialog(dialogWindowId, this.#dialogHost),
    );
    if (request.windowId === this.id && this.#state !== "closed") {
      this.#state = result.blocked ? "blocked" : "open";
    }

    return result;
  }

  async #action(request: InteractiveRequest, allowBlocked = false): Promise<Result> {
    this.#assertUsable(request.operation, allowBlocked);
    const body = await this.#send(request);

    return this.#result(body, request);
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
    const single = !Array.isArray(tabOrChanges);
    const changes: readonly FieldChange[] = single
      ? [
          {
            tab: tabOrChanges as string | null,
            datawindow: datawindowOrOptions as string,
            field: field ?? "",
            value: value ?? "",
          },
        ]
      : (tabOrChanges as readonly FieldChange[]);
    const callOptions = single ? options : (datawindowOrOptions as CallOptions | undefined);
    const names = changes.map((change) => `${change.datawindow}.${change.field}`).join(", ");
    const shown = changes.length === 1 ? ` to "${changes[0]?.value ?? ""}"` : "";

    return this.#action({
      method: "PUT",
      route: "/v2/change",
      operation: "change",
      description: `change of ${names}${shown} on ${this.#label()}`,
      windowId: this.id,
      field: changes.length === 1 ? changes[0]?.field : undefined,
      body: {
        WindowId: this.id,
        List: changes.map((change) => ({
          TabName: change.tab,
          DatawindowName: change.datawindow,
          FieldName: change.field,
          Value: change.value,
          ...(change.valueType === undefined ? {} : { ValueType: change.valueType }),
        })),
      },
      options: callOptions,
    });
  }

  /** Selects a tab page by its name (`VALUES`, `TABPAGE_17`). */
  selectTab(pageName: string, options?: CallOptions): Promise<Result> {
    return this.#action({
      method: "PUT",
      route: "/v2/tab",
      operation: "tab",
      description: `selection of tab ${pageName} on ${this.#label()}`,
      windowId: this.id,
      body: { WindowId: this.id, PageName: pageName },
      options,
    });
  }

  /** Adds a row to a list datawindow (a `Status: 2` about the previous row still adds it). */
  addRow(datawindow: string, options?: CallOptions): Promise<Result> {
    return this.#action({
      method: "POST",
      route: "/v2/row",
      operation: "add-row",
      description: `new row in ${datawindow} on ${this.#label()}`,
      windowId: this.id,
      body: { WindowId: this.id, DatawindowName: datawindow },
      options,
    });
  }

  /** Selects a row (0-based) of a list datawindow. */
  selectRow(datawindow: string, row: number, options?: CallOptions): Promise<Result> {
    return this.#action({
      method: "PUT",
      route: "/v2/row",
      operation: "select-row",
      description: `selection of row ${row} in ${datawindow} on ${this.#label()}`,
      windowId: this.id,
      body: { WindowId: this.id, DatawindowName: datawindow, Row: row },
      options,
    });
  }

  /**
   * Saves the window (the body is the bare window id). A lost answer is ambiguous: the record
   * may exist; it is never re-sent by the client.
   */
  save(options?: CallOptions): Promise<Result> {
    return this.#action({
      method: "PUT",
      route: "/v2/data",
      operation: "save",
      description: `save of ${this.#label()}`,
      windowId: this.id,
      write: true,
      timeoutKind: "save",
      body: this.id,
      options,
    });
  }

  /** Clears the window for the next record (`DELETE /v2/data`). */
  clear(options?: CallOptions): Promise<Result> {
    return this.#action({
      method: "DELETE",
      route: "/v2/data",
      operation: "clear",
      description: `clear of ${this.#label()}`,
      windowId: this.id,
      query: { id: this.id },
      options,
    });
  }

  /** The window's datawindows with their rows (only a tab-dependent subset is returned). */
  async data(options?: CallOptions): Promise<Datawindow[]> {
    this.#assertUsable("read data", true);
    const request: InteractiveRequest = {
      method: "GET",
      route: "/v2/data",
      operation: "data",
      description: `data of ${this.#label()}`,
      windowId: this.id,
      query: { id: this.id },
      options,
    };
    const body = await this.#send(request);

    return parseDatawindows(body, { method: "GET", path: request.route });
  }

  /** The window's definition (tab pages, the active tab's datawindows and fields). */
  async windowState(options?: CallOptions): Promise<WindowDefinition> {
    this.#assertUsable("read the window state", true);

    return this.#definition(this.id, options);
  }

  async #definition(windowId: string, options?: CallOptions): Promise<WindowDefinition> {
    const body = await this.#send({
      method: "GET",
      route: "/v2/window",
      operation: "window",
      description: `state of window ${windowId}`,
      windowId,
      query: { id: windowId },
      options,
    });

    return parseWindowDefinition(body);
  }

  /** The tools (buttons) of the window; the list mixes in ribbon tools. */
  tools(options?: ToolsOptions): Promise<Tool[]> {
    this.#assertUsable("list tools", true);

    return this.#tools(this.id, options ?? {}, options);
  }

  async #tools(
    windowId: string,
    scope: Omit<ToolsOptions, keyof CallOptions>,
    options?: CallOptions,
  ): Promise<Tool[]> {
    const query: Record<string, string> = { windowId };
    if (scope.datawindow !== undefined) query.dwName = scope.datawindow;
    if (scope.field !== undefined) query.fieldName = scope.field;
    if (scope.row !== undefined) query.row = String(scope.row);

    const body = await this.#send({
      method: "GET",
      route: "/v2/tools",
      operation: "tools",
      description: `tools of window ${windowId}`,
      windowId,
      query,
      options,
    });

    return parseTools(body, { method: "GET", path: "/v2/tools" });
  }

  /** Runs a tool of the window (posted as `ToolName`). May answer Blocked: see `result.dialog`. */
  runTool(toolName: string, options?: RunToolOptions): Promise<Result> {
    return this.#action({
      method: "POST",
      route: "/v2/tools",
      operation: "run-tool",
      description: `tool ${toolName} on ${this.#label()}`,
      windowId: this.id,
      write: true,
      timeoutKind: "save",
      body: {
        WindowId: this.id,
        ToolName: toolName,
        ...(options?.toolText === undefined ? {} : { ToolText: options.toolText }),
        ...(options?.datawindow === undefined ? {} : { DatawindowName: options.datawindow }),
        ...(options?.field === undefined ? {} : { FieldName: options.field }),
        ...(options?.row === undefined ? {} : { Row: options.row }),
      },
      options,
    });
  }

  async #press(dialogWindowId: string, tool: Tool, options?: CallOptions): Promise<Result> {
    this.#channel.assertOpen(`answer a dialog of ${this.#label()}`);
    const request: InteractiveRequest = {
      method: "POST",
      route: "/v2/tools",
      operation: "press",
      description: `press of ${tool.name} "${tool.text ?? ""}" on dialog ${dialogWindowId} of ${this.#label()}`,
      windowId: dialogWindowId,
      write: true,
      timeoutKind: "save",
      body: { WindowId: dialogWindowId, ToolName: tool.name },
      options,
    };
    const body = await this.#send(request);
    const result = this.#result(body, request);
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
   * then a Blocked result whose dialog decides (Yes saves, No discards), and the window closes
   * once it is answered. A window the server no longer knows counts as closed.
   */
  async close(options?: CallOptions): Promise<Result | undefined> {
    if (this.#state === "closed") return undefined;

    this.#assertUsable("close", true);
    const request: InteractiveRequest = {
      method: "DELETE",
      route: "/v2/window",
      operation: "close-window",
      description: `close of ${this.#label()}`,
      windowId: this.id,
      query: { id: this.id },
      options,
    };
    let body: unknown;
    try {
      body = await this.#send(request);
    } catch (error) {
      if (error instanceof WindowStateError && error.code === "P21_WINDOW_NOT_FOUND")
        return undefined;

      throw error;
    }

    if (body === undefined || body === null || body === "" || !isResultEnvelope(body)) {
      this.#markClosed();

      return undefined;
    }

    const result = Result.parse(
      body,
      (dialogWindowId) => new Dialog(dialogWindowId, this.#dialogHost),
    );
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
