/**
 * The rows a terminal shows once it has been sent `output`, for the controls p21kit writes:
 * carriage return, line feed, cursor up (`ESC[nA`), erase to the end of the screen (`ESC[0J`)
 * or of the line (`ESC[0K`); styles and other controls are ignored. Rows do not wrap.
 */
export function screenAfter(output: string): string[] {
  const rows: string[] = [""];
  let row = 0;
  let column = 0;
  // eslint-disable-next-line no-control-regex -- the escape character is what is looked for
  const tokens = /\u001b\[([\d;]*)([A-Za-z])|\r|\n|[^\u001b\r\n]+/gu;
  for (const [token, parameter = "", command] of output.matchAll(tokens)) {
    const current = rows[row] ?? "";
    if (token === "\r") {
      column = 0;
    } else if (token === "\n") {
      row += 1;
      rows[row] ??= "";
    } else if (command === "A") {
      row = Math.max(0, row - Number(parameter === "" ? 1 : parameter));
    } else if (command === "J" || command === "K") {
      rows[row] = current.slice(0, column);
      if (command === "J") rows.length = row + 1;
    } else if (command === undefined) {
      rows[row] =
        current.padEnd(column).slice(0, column) + token + current.slice(column + token.length);
      column += token.length;
    }
  }

  return rows;
}
