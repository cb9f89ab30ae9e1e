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
 */
export function splitIntoBatches(
  phase: string,
  items: readonly SplittableItem[],
  batchSize: number,
  options: Omit<BatchUnitOptions, "groupKey">,
  firstBatchNumber = 1,
): BatchUnit[] {
  const ordered = [...items].sort((left, right) => left.sequence - right.sequence);
  const groups = new Map<string | undefined, SplittableItem[]>();

  for (const item of ordered) {
    const members = groups.get(item.groupKey);
    if (members === undefined) groups.set(item.groupKey, [item]);
    else members.push(item);
  }

  const batches: BatchUnit[] = [];
  for (const [groupKey, members] of groups) {
    for (let start = 0; start < members.length; start += batchSize) {
      batches.push({
        phase,
        batch: firstBatchNumber + batches.length,
        itemIds: members.slice(start, start + batchSize).map((item) => item.id),
        options: groupKey === undefined ? { ...options } : { ...options, groupKey },
      });
    }
  }

  return batches;
}
