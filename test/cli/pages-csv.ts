import { writeFile } from "node:fs/promises";
import { join } from "node:path";

const header =
  "supplier_id,product_group_id,company_id,description,effective_date,expiration_date,calculation_value1";

/** A price-pages input file of `rows`, under the header of its columns, as CRLF CSV. */
export function pagesCsv(rows: readonly string[]): string {
  return [header, ...rows].join("\r\n") + "\r\n";
}

/** Writes {@link pagesCsv} of `rows` to the file `name` in `directory`. */
export async function writePagesCsv(
  directory: string,
  name: string,
  rows: readonly string[],
): Promise<void> {
  await writeFile(join(directory, name), pagesCsv(rows));
}
