/**
 * Splits a CSV file of simple cells (p21kit's own output) into rows of cells; a leading byte
 * order mark is dropped, as a spreadsheet does.
 */
export function parseCsv(file: string): string[][] {
  const text = file.startsWith("\uFEFF") ? file.slice(1) : file;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ",") {
      row.push(cell);
      cell = "";
    } else if (character === "\n") {
      row.push(cell.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      cell = "";
    } else cell += character;
  }

  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}
