/** Messages between a backup's coordinator and its walk worker (walk-worker.ts). */

/** Items per message: large enough that messaging costs little, small enough to stream. */
export const WALK_BATCH_ITEMS = 512;
/** Batches the worker may send ahead of the coordinator: bounds the memory of a fast walk. */
export const WALK_AHEAD_BATCHES = 4;

export const WALK_KIND = { entry: 0, excluded: 1, problem: 2 } as const;

/**
 * A batch of walk items, packed: `kinds` per item; `texts` two per item (the absolute path, then the
 * snapshot path, the exclusion rule or the problem); `stats` the FileStat of each entry, in order.
 */
export interface WalkBatch {
  type: 'items';
  kinds: Uint8Array;
  texts: string[];
  stats: ArrayBuffer;
  last: boolean;
}

/** The coordinator took a batch: the worker may send one more. */
export type WalkRequest = { type: 'more' };
