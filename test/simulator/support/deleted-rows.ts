import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoContents } from "../../../src/simulator/data/demo-data.js";
import { saveStateFile } from "../../../src/simulator/data/state-file.js";
import type { StoreContents } from "../../../src/simulator/data/store.js";
import { startSimulator } from "../../../src/simulator/index.js";
import type { SimulatorHandle } from "../../../src/simulator/index.js";

/** What {@link withDeletedRows} marks deleted, and the row it adds without `delete_flag`. */
export const DELETED = {
  /** In `deletedCompanies`: served with `delete_flag` Y. */
  companyId: "OLDCO",
  /** Of company ACME, `delete_flag` Y. */
  productGroupId: "ABRAS",
  /** `delete_flag` y, lower-case. */
  supplierId: 10_250,
  /** `delete_flag` Y. */
  discountGroupId: "CLEARNC",
  /** A discount group whose row has no `delete_flag` at all, as a table without the column. */
  unflaggedDiscountGroupId: "NOFLAG",
} as const;

/**
 * The demo data with one row of each lookup table marked deleted (see {@link DELETED}), as P21
 * marks them instead of removing them, and a discount group row without the column.
 */
export function withDeletedRows(): StoreContents {
  const contents = demoContents();
  const { tables } = contents;
  const mark = (rows: readonly Record<string, unknown>[], column: string, key: unknown) => {
    const row = rows.find((candidate) => candidate[column] === key);
    if (row === undefined) throw new Error(`the data has no ${column} ${String(key)}`);

    return row;
  };
  mark(tables.product_group, "product_group_id", DELETED.productGroupId).delete_flag = "Y";
  mark(tables.supplier, "supplier_id", DELETED.supplierId).delete_flag = "y";
  mark(tables.discount_group, "discount_group_id", DELETED.discountGroupId).delete_flag = "Y";
  tables.discount_group.push({
    discount_group_id: DELETED.unflaggedDiscountGroupId,
    discount_group_description: "No flag",
  });

  return { ...contents, deletedCompanies: [DELETED.companyId] };
}

/**
 * A simulator started from `contents` through a state file, the way a saved simulator is
 * restarted; its directory is removed on close.
 */
export async function startSimulatorWith(contents: StoreContents): Promise<SimulatorHandle> {
  const directory = await mkdtemp(join(tmpdir(), "p21kit-deleted-rows-"));
  const statePath = join(directory, "state.json");
  await saveStateFile(statePath, contents);
  const simulator = await startSimulator({ statePath });
  const close = simulator.close.bind(simulator);
  simulator.close = async () => {
    await close();
    await rm(directory, { recursive: true, force: true });
  };

  return simulator;
}
