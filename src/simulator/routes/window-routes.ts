import type { FastifyInstance } from "fastify";
import { refuse, refusals, type Answer } from "../http/answer.js";
import { addRoute, type RouteCall } from "../http/route.js";
import type { LatencyOperation } from "../latency.js";
import { UI_SERVER_PREFIX, type Runtime } from "../runtime.js";
import type { InteractiveSession } from "../sessions/session.js";
import { closeWindow } from "../windows/dialogs.js";
import { ResultStatus, result } from "../windows/result.js";
import { openService } from "../windows/services.js";
import type { WindowContext } from "../windows/window-types.js";
import type { InteractiveWindow } from "../windows/window.js";
import { sessionOf } from "./session-routes.js";
import {
  asObject,
  changeItems,
  optionalString,
  windowIdOfBody,
  windowIdOfQuery,
} from "./window-requests.js";

const V2 = `${UI_SERVER_PREFIX}/api/ui/interactive/v2`;

function windowContext(runtime: Runtime, session: InteractiveSession): WindowContext {
  return {
    store: runtime.store,
    username: session.username,
    profile: runtime.options.profile,
    responseWindowHandling: session.parameters.responseWindowHandling,
    register: (window) => {
      if (session.state === "open") session.windows.set(window.id, window);
    },
    unregister: (window) => {
      session.windows.delete(window.id);
    },
    emitCommitted: (info) => {
      runtime.events.emit("committed", info);
    },
  };
}

function resultAnswer(body: unknown): Answer {
  return { statusCode: 200, body, xmlRoot: "Result" };
}

/**
 * Serves a window request in its session's queue: the latency is paid, then the window is
 * found (404 when it is not in this session) and admitted (corrupted, burned, blocked).
 */
async function onWindow(
  runtime: Runtime,
  call: RouteCall,
  windowId: () => string,
  cost: LatencyOperation | number,
  operation: "close" | "other",
  work: (window: InteractiveWindow, session: InteractiveSession) => Answer,
): Promise<Answer> {
  const session = sessionOf(runtime, call.token);
  const id = windowId();
  return session.serve(async () => {
    await runtime.latency.pay(cost, runtime.closing, session.latency);
    if (session.state !== "open") throw refusals.invalidSession();

    const window = session.windows.get(id);
    if (window === undefined) throw refusals.windowNotFound();
    if (call.corrupt) window.corrupted = true;
    window.admit(operation);
    return work(window, session);
  }, runtime.clock);
}

/** Every `/v2` window route. */
export function registerWindowRoutes(app: FastifyInstance, runtime: Runtime): void {
  addRoute(app, runtime, {
    method: "POST",
    url: `${V2}/window`,
    interactive: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) => {
      const session = sessionOf(runtime, call.token);
      return session.serve(async () => {
        await runtime.latency.pay("openWindow", runtime.closing, session.latency);
        if (session.state !== "open") throw refusals.invalidSession();

        const body = asObject(call.body) ?? {};
        const serviceName = body.ServiceName;
        const user = session.username.toUpperCase();
        const window =
          typeof serviceName === "string"
            ? openService(serviceName, windowContext(runtime, session))
            : undefined;
        if (window === undefined) {
          const named =
            typeof body.Name === "string"
              ? body.Name
              : typeof body.MenuId === "number"
                ? String(body.MenuId)
                : "";
          throw refuse(
            400,
            `Cannot open window ${named} because is not available or user ${user} does not have permission.`,
          );
        }

        session.windows.set(window.id, window);
        if (call.corrupt) window.corrupted = true;
        return {
          statusCode: 200,
          xmlRoot: "Window",
          body: { WindowId: window.id, Title: window.title, DataElements: window.dataElements() },
        };
      }, runtime.clock);
    },
  });

  addRoute(app, runtime, {
    method: "GET",
    url: `${V2}/window`,
    interactive: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) =>
      onWindow(
        runtime,
        call,
        () => windowIdOfQuery(call),
        "windowState",
        "other",
        (window) => ({
          statusCode: 200,
          xmlRoot: "WindowState",
          body: window.state(),
        }),
      ),
  });

  addRoute(app, runtime, {
    method: "DELETE",
    url: `${V2}/window`,
    interactive: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) =>
      onWindow(
        runtime,
        call,
        () => windowIdOfQuery(call),
        "close",
        "close",
        (window) => resultAnswer(closeWindow(window)),
      ),
  });

  addRoute(app, runtime, {
    method: "PUT",
    url: `${V2}/change`,
    interactive: true,
    write: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) => {
      const body = asObject(call.body);
      const windowId = windowIdOfBody(body);
      const items = changeItems(body ?? {});
      return onWindow(
        runtime,
        call,
        () => windowId,
        runtime.latency.changeCostMs(items.length),
        "other",
        (window) => resultAnswer(window.change(items)),
      );
    },
  });

  addRoute(app, runtime, {
    method: "PUT",
    url: `${V2}/tab`,
    interactive: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) => {
      const body = asObject(call.body) ?? {};
      const windowId = windowIdOfBody(body);
      return onWindow(
        runtime,
        call,
        () => windowId,
        "selectTab",
        "other",
        (window) => {
          const pageName = body.PageName;
          if (typeof pageName === "string" && pageName !== "")
            return resultAnswer(window.selectTab(pageName));
          if (pageName === undefined && body.PagePath !== undefined)
            throw refusals.corruptedWindow();

          const tabName = body.TabName;
          if (runtime.options.profile === "25.2" && typeof tabName === "string" && tabName !== "") {
            return resultAnswer(window.selectTab(tabName));
          }

          throw refuse(400, "Tab with name or display text of  does not exist.");
        },
      );
    },
  });

  addRoute(app, runtime, {
    method: "POST",
    url: `${V2}/row`,
    interactive: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) => {
      const body = asObject(call.body) ?? {};
      const windowId = windowIdOfBody(body);
      const datawindowName = optionalString(body.DatawindowName, "$.DatawindowName") ?? "";
      return onWindow(
        runtime,
        call,
        () => windowId,
        "addRow",
        "other",
        (window) => resultAnswer(window.addRow(datawindowName)),
      );
    },
  });

  addRoute(app, runtime, {
    method: "PUT",
    url: `${V2}/row`,
    interactive: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) => {
      const body = asObject(call.body) ?? {};
      const windowId = windowIdOfBody(body);
      const datawindowName = optionalString(body.DatawindowName, "$.DatawindowName") ?? "";
      const row = body.Row;
      if (typeof row !== "number" || !Number.isInteger(row) || row < 0) {
        throw refuse(400, "The Row field must be a whole number of 0 or more.");
      }

      return onWindow(
        runtime,
        call,
        () => windowId,
        "selectRow",
        "other",
        (window) => resultAnswer(window.selectRow(datawindowName, row)),
      );
    },
  });

  addRoute(app, runtime, {
    method: "PUT",
    url: `${V2}/data`,
    interactive: true,
    write: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) => {
      const windowId = call.body;
      if (typeof windowId !== "string" || windowId === "") throw refusals.windowIdMissing();
      return onWindow(
        runtime,
        call,
        () => windowId,
        "save",
        "other",
        (window) => resultAnswer(window.save({ dropRows: call.dropRows })),
      );
    },
  });

  addRoute(app, runtime, {
    method: "GET",
    url: `${V2}/data`,
    interactive: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) =>
      onWindow(
        runtime,
        call,
        () => windowIdOfQuery(call),
        "getData",
        "other",
        (window) => ({
          statusCode: 200,
          xmlRoot: "ArrayOfDataWindow",
          body: window.dataElements(),
        }),
      ),
  });

  addRoute(app, runtime, {
    method: "DELETE",
    url: `${V2}/data`,
    interactive: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) =>
      onWindow(
        runtime,
        call,
        () => windowIdOfQuery(call),
        "clear",
        "other",
        (window) => {
          window.clear();
          return resultAnswer(result(ResultStatus.Success));
        },
      ),
  });

  addRoute(app, runtime, {
    method: "GET",
    url: `${V2}/tools`,
    interactive: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) => {
      const windowId = () => {
        const id = call.query.windowId;
        if (typeof id !== "string" || id === "")
          throw refuse(400, "The windowId field is required.");
        return id;
      };
      return onWindow(runtime, call, windowId, "listTools", "other", (window) => ({
        statusCode: 200,
        xmlRoot: "ArrayOfTool",
        body: window.tools(),
      }));
    },
  });

  addRoute(app, runtime, {
    method: "POST",
    url: `${V2}/tools`,
    interactive: true,
    write: true,
    window: true,
    xmlWithoutJson: true,
    run: (call) => {
      const body = asObject(call.body) ?? {};
      const windowId = windowIdOfBody(body);
      const toolName = optionalString(body.ToolName, "$.ToolName");
      return onWindow(
        runtime,
        call,
        () => windowId,
        "runTool",
        "other",
        (window) => {
          if (toolName === null || toolName === "")
            return resultAnswer(result(ResultStatus.Failure));
          return resultAnswer(window.runTool(toolName));
        },
      );
    },
  });
}
