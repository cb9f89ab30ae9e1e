import type { CallOptions, InteractiveRequest } from "./channel.js";
import type { Tool } from "./window-data.js";

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

/** Options of {@link Window.runTool}. */
export interface RunToolOptions extends CallOptions {
  /** `ToolText`, for tools that need it. */
  toolText?: string;
  datawindow?: string;
  field?: string;
  row?: number;
}

/** The scope of a tool list (`dwName`, `fieldName`, `row`). */
export interface ToolScope {
  datawindow?: string;
  field?: string;
  row?: number;
}

/** Options of {@link Window.tools}. */
export interface ToolsOptions extends CallOptions, ToolScope {}

/** The window a request addresses: its id and how messages name it. @internal */
export interface RequestTarget {
  readonly id: string;
  readonly label: string;
}

/**
 * The wire shape of every window operation: route, query parameter (`?id=` on window and data,
 * `?windowId=` on tools), body, and the words its errors use. @internal
 */
export const windowRequests = {
  change(
    target: RequestTarget,
    changes: readonly FieldChange[],
    options?: CallOptions,
  ): InteractiveRequest {
    const names = changes.map((change) => `${change.datawindow}.${change.field}`).join(", ");
    const shown = changes.length === 1 ? ` to "${changes[0]?.value ?? ""}"` : "";

    return {
      method: "PUT",
      route: "/v2/change",
      operation: "change",
      description: `change of ${names}${shown} on ${target.label}`,
      windowId: target.id,
      field: changes.length === 1 ? changes[0]?.field : undefined,
      body: {
        WindowId: target.id,
        List: changes.map((change) => ({
          TabName: change.tab,
          DatawindowName: change.datawindow,
          FieldName: change.field,
          Value: change.value,
          ...(change.valueType === undefined ? {} : { ValueType: change.valueType }),
        })),
      },
      options,
    };
  },

  selectTab(target: RequestTarget, pageName: string, options?: CallOptions): InteractiveRequest {
    return {
      method: "PUT",
      route: "/v2/tab",
      operation: "tab",
      description: `selection of tab ${pageName} on ${target.label}`,
      windowId: target.id,
      body: { WindowId: target.id, PageName: pageName },
      options,
    };
  },

  addRow(target: RequestTarget, datawindow: string, options?: CallOptions): InteractiveRequest {
    return {
      method: "POST",
      route: "/v2/row",
      operation: "add-row",
      description: `new row in ${datawindow} on ${target.label}`,
      windowId: target.id,
      body: { WindowId: target.id, DatawindowName: datawindow },
      options,
    };
  },

  selectRow(
    target: RequestTarget,
    datawindow: string,
    row: number,
    options?: CallOptions,
  ): InteractiveRequest {
    return {
      method: "PUT",
      route: "/v2/row",
      operation: "select-row",
      description: `selection of row ${row} in ${datawindow} on ${target.label}`,
      windowId: target.id,
      body: { WindowId: target.id, DatawindowName: datawindow, Row: row },
      options,
    };
  },

  save(target: RequestTarget, options?: CallOptions): InteractiveRequest {
    return {
      method: "PUT",
      route: "/v2/data",
      operation: "save",
      description: `save of ${target.label}`,
      windowId: target.id,
      write: true,
      timeoutKind: "save",
      body: target.id,
      options,
    };
  },

  clear(target: RequestTarget, options?: CallOptions): InteractiveRequest {
    return {
      method: "DELETE",
      route: "/v2/data",
      operation: "clear",
      description: `clear of ${target.label}`,
      windowId: target.id,
      query: { id: target.id },
      options,
    };
  },

  data(target: RequestTarget, options?: CallOptions): InteractiveRequest {
    return {
      method: "GET",
      route: "/v2/data",
      operation: "data",
      description: `data of ${target.label}`,
      windowId: target.id,
      query: { id: target.id },
      options,
    };
  },

  definition(target: RequestTarget, options?: CallOptions): InteractiveRequest {
    return {
      method: "GET",
      route: "/v2/window",
      operation: "window",
      description: `state of ${target.label}`,
      windowId: target.id,
      query: { id: target.id },
      options,
    };
  },

  tools(target: RequestTarget, scope: ToolScope, options?: CallOptions): InteractiveRequest {
    const query: Record<string, string> = { windowId: target.id };
    if (scope.datawindow !== undefined) query.dwName = scope.datawindow;
    if (scope.field !== undefined) query.fieldName = scope.field;
    if (scope.row !== undefined) query.row = String(scope.row);

    return {
      method: "GET",
      route: "/v2/tools",
      operation: "tools",
      description: `tools of ${target.label}`,
      windowId: target.id,
      query,
      options,
    };
  },

  runTool(target: RequestTarget, toolName: string, options?: RunToolOptions): InteractiveRequest {
    return {
      method: "POST",
      route: "/v2/tools",
      operation: "run-tool",
      description: `tool ${toolName} on ${target.label}`,
      windowId: target.id,
      write: true,
      timeoutKind: "save",
      body: {
        WindowId: target.id,
        ToolName: toolName,
        ...(options?.toolText === undefined ? {} : { ToolText: options.toolText }),
        ...(options?.datawindow === undefined ? {} : { DatawindowName: options.datawindow }),
        ...(options?.field === undefined ? {} : { FieldName: options.field }),
        ...(options?.row === undefined ? {} : { Row: options.row }),
      },
      options,
    };
  },

  press(dialog: RequestTarget, tool: Tool, options?: CallOptions): InteractiveRequest {
    return {
      method: "POST",
      route: "/v2/tools",
      operation: "press",
      description: `press of ${tool.name} "${tool.text ?? ""}" on ${dialog.label}`,
      windowId: dialog.id,
      write: true,
      timeoutKind: "save",
      body: { WindowId: dialog.id, ToolName: tool.name },
      options,
    };
  },

  close(target: RequestTarget, options?: CallOptions): InteractiveRequest {
    return {
      method: "DELETE",
      route: "/v2/window",
      operation: "close-window",
      description: `close of ${target.label}`,
      windowId: target.id,
      query: { id: target.id },
      options,
    };
  },
};
