/** "850 ms", "12.3 s", "4 min 05 s", "1 h 02 min". */
export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return "?";
  if (milliseconds < 1_000) return `${Math.round(milliseconds)} ms`;
  const seconds = milliseconds / 1_000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const wholeSeconds = Math.round(seconds);
  const minutes = Math.floor(wholeSeconds / 60);
  if (minutes < 60) return `${minutes} min ${String(wholeSeconds % 60).padStart(2, "0")} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** "12.4/s", or "-" before any record settled. */
export function formatRate(perSecond: number | undefined): string {
  if (perSecond === undefined || !Number.isFinite(perSecond) || perSecond <= 0) return "-/s";
  return perSecond >= 10 ? `${Math.round(perSecond)}/s` : `${perSecond.toFixed(1)}/s`;
}

/** Time left at the current rate, or "?" when there is no rate yet. */
export function formatEta(remaining: number, perSecond: number | undefined): string {
  if (remaining <= 0) return "0 s";
  if (perSecond === undefined || !Number.isFinite(perSecond) || perSecond <= 0) return "?";
  return formatDuration((remaining / perSecond) * 1_000);
}

/** A fixed-width bar of `width` cells, `#` done and `-` to do (Unicode blocks on a TTY). */
export function formatBar(done: number, total: number, width: number, unicode: boolean): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(fraction * width);
  const [full, empty] = unicode ? ["\u2588", "\u2591"] : ["#", "-"];
  return full.repeat(filled) + empty.repeat(width - filled);
}

/**
 * `text` cut to at most `width` visible characters, the last one an ellipsis when something
 * was cut. Escape sequences take no room and are kept up to the cut; after a cut the styles
 * are reset, so that a colour cut in half does not run on. A line that fits is returned as it
 * is. Every character is taken as one column wide (p21kit draws no wide ones).
 */
export function fitToWidth(text: string, width: number): string {
  const limit = Math.max(1, Math.floor(width));
  let visible = 0;
  /** Where the character that the ellipsis replaces starts, once it is reached. */
  let cutAt: number | undefined;
  let styled = false;
  for (let index = 0; index < text.length;) {
    const escape = escapeAt(text, index);
    if (escape !== undefined) {
      if (cutAt === undefined) styled = true;
      index += escape.length;
      continue;
    }

    if (visible === limit - 1) cutAt ??= index;
    visible += 1;
    if (visible > limit) return `${text.slice(0, cutAt)}\u2026${styled ? "\u001b[0m" : ""}`;
    index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  }

  return text;
}

/** The escape sequence (`ESC [ digits and semicolons, a letter`) that starts at `index`, if any. */
function escapeAt(text: string, index: number): string | undefined {
  if (text.charCodeAt(index) !== 0x1b || text[index + 1] !== "[") return undefined;
  let end = index + 2;
  while (end < text.length && /[0-9;]/.test(text[end] ?? "")) end += 1;

  return /[A-Za-z]/.test(text[end] ?? "") ? text.slice(index, end + 1) : undefined;
}
