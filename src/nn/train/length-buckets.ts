/**
 * Padding host batches to a few fixed shapes, so each compiled program is traced once per
 * bucket rather than once per length.
 */

/** One training batch on the host; rows may have different lengths (same length per row). */
export interface TrainingBatch {
  /** Input ids per row. */
  ids: ArrayLike<number>[];
  /** Target ids per row (the next token of each input position). */
  targets: ArrayLike<number>[];
  /** 1 where the target is scored (assistant tokens), 0 elsewhere. */
  mask: ArrayLike<number>[];
}

/** A batch padded to `[rows, length]`, flat row-major. */
export interface PaddedBatch {
  /** Rows after padding. */
  rows: number;
  /** Bucket length. */
  length: number;
  /** Input ids (padding: `paddingId`). */
  ids: Int32Array;
  /** Targets (padding: `paddingId`). */
  targets: Int32Array;
  /** Mask (padding: 0). */
  mask: Float32Array;
  /** Number of scored positions (Σ mask). */
  scoredTokens: number;
}

/** The smallest bucket that holds `length`; throws when none does. */
export function chooseBucket(length: number, buckets: readonly number[]): number {
  const sorted = [...buckets].sort((a, b) => a - b);
  const bucket = sorted.find((candidate) => candidate >= length);
  if (bucket === undefined) throw new Error(`sequence of length ${length} exceeds the largest bucket ${sorted[sorted.length - 1]}`);
  return bucket;
}

/**
 * Pads every row to the batch's bucket length and the row count to `rows` (extra rows fully
 * masked), after checking ids, targets and mask agree per row.
 */
export function padBatch(batch: TrainingBatch, buckets: readonly number[], options: { rows?: number; paddingId?: number } = {}): PaddedBatch {
  const rowCount = batch.ids.length;
  if (batch.targets.length !== rowCount || batch.mask.length !== rowCount) {
    throw new Error(`batch has ${rowCount} id rows, ${batch.targets.length} target rows and ${batch.mask.length} mask rows`);
  }
  const rows = Math.max(options.rows ?? rowCount, rowCount);
  const longest = batch.ids.reduce((top, row) => Math.max(top, row.length), 1);
  const length = chooseBucket(longest, buckets);
  const paddingId = options.paddingId ?? 0;
  const ids = new Int32Array(rows * length).fill(paddingId);
  const targets = new Int32Array(rows * length).fill(paddingId);
  const mask = new Float32Array(rows * length);
  let scoredTokens = 0;
  for (let row = 0; row < rowCount; row++) {
    const rowIds = batch.ids[row]!;
    const rowTargets = batch.targets[row]!;
    const rowMask = batch.mask[row]!;
    if (rowTargets.length !== rowIds.length || rowMask.length !== rowIds.length) {
      throw new Error(`row ${row}: ${rowIds.length} ids, ${rowTargets.length} targets, ${rowMask.length} mask values`);
    }
    for (let position = 0; position < rowIds.length; position++) {
      ids[row * length + position] = rowIds[position]!;
      targets[row * length + position] = rowTargets[position]!;
      mask[row * length + position] = rowMask[position]!;
      scoredTokens += rowMask[position]!;
    }
  }
  return { rows, length, ids, targets, mask, scoredTokens };
}
