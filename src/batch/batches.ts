/**
 * A unit of work: the items of one phase that run in one session. Plain and serialisable, so
 * that a distributed job runner can carry it as is.
 */
export interface BatchUnit {
  phase: string;
  /** Batch number within the phase (1-based, continued across resumes). */
  batch: number;
  /** Journal item ids, in sequence order. */
  itemIds: number[];
  options: BatchUnitOptions;
}

/** The parts of the engine's options a batch needs to run anywhere. */
export interface BatchUnitOptions {
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** For group operations: the key the batch's items share. */
  groupKey?: string;
}

/** What splitting needs to know of an item. */
export interface SplittableItem {
  id: number;
  sequence: number;
  /** For group operations: the group the item belongs to. */
  groupKey?: string | undefined;
}

/**
 * Splits items into batches of at most `batchSize`, in sequence order. Items with a group key
 * are batched per group (groups in the order of their first item), so that one batch is one
 * window load and one save. Pure.
 *
 * Batches are as even as they can be, and with several `workers` their number is rounded up
 * to a multiple of the workers: 700 records in batches of 25 on 5 sessions make 30 batches of
 * 23 or 24, not 28 of 25 whose last round leaves 2 sessions idle while the phase waits for
 * the other 3. Each extra batch costs one session more; the idle tail costs more than that.
 */
export function splitIntoBatches(
  phase: string,
  items: readonly SplittableItem[],
  batchSize: number,
  options: Omit<BatchUnitOptions, "groupKey">,
  firstBatchNumber = 1,
  workers = 1,
): BatchUnit[] {
  const ordered = [...items].sort((left, right) => left.sequence - right.sequence);
  const groups = new Map<string | undefined, SplittableItem[]>();

  for (const item of ordered) {
    const members = groups.get(item.groupKey);
    if (members === undefined) groups.set(item.groupKey, [item]);
    else members.push(item);
  }

  const members = [...groups.values()];
  const counts = batchCounts(
    members.map((group) => group.length),
    batchSize,
    workers,
  );
  const batches: BatchUnit[] = [];
  [...groups.keys()].forEach((groupKey, groupIndex) => {
    const group = members[groupIndex] ?? [];
    const count = counts[groupIndex] ?? 1;
    let start = 0;
    for (let index = 0; index < count; index += 1) {
      const size = Math.floor(group.length / count) + (index < group.length % count ? 1 : 0);
      batches.push({
        phase,
        batch: firstBatchNumber + batches.length,
        itemIds: group.slice(start, start + size).map((item) => item.id),
        options: groupKey === undefined ? { ...options } : { ...options, groupKey },
      });
      start += size;
    }
  });

  return batches;
}

/**
 * How many batches each group gets: enough for `batchSize`, then, while the total is not a
 * multiple of `workers`, one more for the group whose batches are fullest (never more batches
 * than a group has items).
 */
function batchCounts(groupSizes: readonly number[], batchSize: number, workers: number): number[] {
  const counts = groupSizes.map((size) => Math.ceil(size / batchSize));
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (workers <= 1) return counts;

  const target = Math.ceil(total / workers) * workers;
  for (let added = total; added < target; added += 1) {
    let fullest = -1;
    for (let index = 0; index < counts.length; index += 1) {
      const size = groupSizes[index] ?? 0;
      const count = counts[index] ?? 1;
      if (count >= size) continue;

      const best = fullest < 0 ? 0 : (groupSizes[fullest] ?? 0) / (counts[fullest] ?? 1);
      if (fullest < 0 || size / count > best) fullest = index;
    }
    if (fullest < 0) break;

    counts[fullest] = (counts[fullest] ?? 0) + 1;
  }

  return counts;
}
