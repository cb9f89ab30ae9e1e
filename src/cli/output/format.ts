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
