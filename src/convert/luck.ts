import type { BlockRow, LuckRow } from "../model/rows.js";
import { upperRegularizedGamma } from "./gamma.js";

/**
 * The original's luck rows over `blocks` (immature, then matured, each newest first).
 *
 * For each window in ascending order it takes at most `w` blocks and emits a row keyed by
 * the number actually taken (`"4"`, not `"5"`, when only 4 exist), then stops at the first
 * window that could not be filled. With no blocks the result is `{"0": zeros}`.
 *
 * Unlike the original, a block whose ratio is not a finite float64 (see {@link luckRatio}:
 * difficulty 0, which makes Go fail the whole `/api/blocks` body, or numbers beyond
 * float64) is left out of the `luck` mean; it still counts in the rates. (The backend
 * reports such blocks as `zero-difficulty` or `luck-overflow`.)
 *
 * Each row also says how many blocks its mean holds and the probability of a luck at
 * least that bad by chance: `Q(blocks, Σ shares/difficulty)` (see `LuckRow.probability`).
 *
 * @param windows - positive window sizes; sorted here (the original sorts them at start-up)
 */
export function convertLuck(blocks: readonly BlockRow[], windows: readonly number[]): Map<string, LuckRow> {
  const rows = new Map<string, LuckRow>();
  const sorted = [...windows].sort((a, b) => a - b);
  const ratios = blocks.map(luckRatio);
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
      blocks: counted,
      probability: counted > 0 ? probability(counted, sharesDiff) : null,
    });
    if (total < window) break;
  }
  return rows;
}

/** `Q(blocks, Σ ratios)`, or `null` where it is not a number (a negative sum: junk data). */
function probability(blocks: number, ratios: number): number | null {
  const p = upperRegularizedGamma(blocks, ratios);
  return Number.isNaN(p) ? null : p;
}

/**
 * A block's `shares / difficulty` as the original computes it, `float64(shares) / float64(difficulty)`.
 *
 * @returns `undefined` when that is not a finite number: difficulty 0 (NaN or ±Inf, which
 *   Go's encoder refuses), or a share sum beyond float64's range (~1.8e308), which only
 *   exact bigints can hold (the original clamps it to int64 first)
 */
export function luckRatio(block: Pick<BlockRow, "shares" | "difficulty">): number | undefined {
  const ratio = Number(block.shares) / Number(block.difficulty);
  return Number.isFinite(ratio) ? ratio : undefined;
}
