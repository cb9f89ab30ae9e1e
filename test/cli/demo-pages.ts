import type { SimulatorHandle } from "../../src/simulator/index.js";

/** The active page (704) of a supplier and product group, as the simulator holds it. */
export function activePage(
  simulator: SimulatorHandle,
  supplierId: number,
  productGroupId: string,
): Record<string, unknown> | undefined {
  return simulator
    .rows("price_page")
    .find(
      (row) =>
        row.supplier_id === supplierId &&
        row.product_group_id === productGroupId &&
        row.row_status_flag === 704,
    );
}
