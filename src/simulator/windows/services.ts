import { PriceBookWindow } from "./price-book-window.js";
import { PricePageWindow } from "./price-page-window.js";
import type { WindowContext } from "./window-types.js";
import type { InteractiveWindow } from "./window.js";

type WindowFactory = (context: WindowContext) => InteractiveWindow;

const SERVICES = new Map<string, WindowFactory>([
  ["salespricepage", (context) => new PricePageWindow(context)],
  ["salespricebook", (context) => new PriceBookWindow(context)],
]);

/** Service names the simulator can open (`POST /v2/window {"ServiceName"}`). */
export const SERVICE_NAMES = ["SalesPricePage", "SalesPriceBook"] as const;

/** Opens a window by service name (case-insensitive); `undefined` for an unknown service. */
export function openService(
  serviceName: string,
  context: WindowContext,
): InteractiveWindow | undefined {
  return SERVICES.get(serviceName.trim().toLowerCase())?.(context);
}
