/**
 * Edit distance (Levenshtein, one row of memory) between two strings.
 */
export function editDistance(left: string, right: string): number {
  if (left === right) {
    return 0;
  }

  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let leftIndex = 1; leftIndex <= left.length; leftIndex += 1) {
    const current = [leftIndex];
    for (let rightIndex = 1; rightIndex <= right.length; rightIndex += 1) {
      const substitution =
        (previous[rightIndex - 1] ?? 0) + (left[leftIndex - 1] === right[rightIndex - 1] ? 0 : 1);
      const deletion = (previous[rightIndex] ?? 0) + 1;
      const insertion = (current[rightIndex - 1] ?? 0) + 1;
      current.push(Math.min(substitution, deletion, insertion));
    }

    previous = current;
  }

  return previous[right.length] ?? 0;
}

/**
 * The candidate closest to `value` (compared case-insensitively), or undefined when none is
 * close enough to be a plausible typo: at most 40 % of the longer string in edits, and never
 * more than 3 ("notes" is not a typo of "books"), or a candidate that holds the value whole
 * ("page_uid" for "price_page_uid").
 */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  const needle = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }

  if (best === undefined) {
    return undefined;
  }

  const allowed = Math.min(3, Math.ceil(Math.max(needle.length, best.length) * 0.4));
  if (bestDistance <= allowed) return best;

  return needle.length >= 4
    ? candidates.find((candidate) => candidate.toLowerCase().includes(needle))
    : undefined;
}
