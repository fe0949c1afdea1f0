import type { BlockRow } from "./blocks.js";

/** One luck row: means over the last `n` blocks, all float64 as in the original. */
export interface LuckRow {
  /** Mean of `shares / difficulty` per block (not Σshares/Σdifficulty). */
  readonly luck: number;
  /** Share of blocks that are uncles. */
  readonly uncleRate: number;
  /** Share of blocks that are orphans. */
  readonly orphanRate: number;
}

/**
 * The original's luck rows over `blocks` (immature, then matured, each newest first).
 *
 * For each window in ascending order it takes at most `w` blocks and emits a row keyed by
 * the number actually taken (`"4"`, not `"5"`, when only 4 exist), then stops at the first
 * window that could not be filled. With no blocks the result is `{"0": zeros}`.
 *
 * Unlike the original, a block with difficulty 0 (whose ratio is NaN or ±Inf, which makes
 * Go fail the whole `/api/blocks` body) is left out of the `luck` mean; it still counts
 * in the rates. (The backend reports such blocks as `zero-difficulty`.)
 *
 * @param windows - positive window sizes; sorted here (the original sorts them at start-up)
 */
export function convertLuck(blocks: readonly BlockRow[], windows: readonly number[]): Map<string, LuckRow> {
  const rows = new Map<string, LuckRow>();
  const sorted = [...windows].sort((a, b) => a - b);
  const ratios = blocks.map((block) =>
    block.difficulty === 0n ? undefined : Number(block.shares) / Number(block.difficulty),
  );
  for (const window of sorted) {
    let total = 0;
    let sharesDiff = 0;
    let counted = 0;
    let uncles = 0;
    let orphans = 0;
    for (let i = 0; i < blocks.length && i < window; i++) {
      const block = blocks[i] as BlockRow;
      if (block.uncle) uncles++;
      if (block.orphan) orphans++;
      const ratio = ratios[i];
      if (ratio !== undefined) {
        sharesDiff += ratio;
        counted++;
      }
      total++;
    }
    rows.set(String(total), {
      luck: counted > 0 ? sharesDiff / counted : 0,
      uncleRate: total > 0 ? uncles / total : 0,
      orphanRate: total > 0 ? orphans / total : 0,
    });
    if (total < window) break;
  }
  return rows;
}
