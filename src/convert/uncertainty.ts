import type { HashrateUncertainty } from "../model/rows.js";

/**
 * The statistical uncertainty of the hashrates the library estimates (no pool software
 * reports it). A hashrate is the difficulty sum of the shares in a window over the time
 * they cover; shares arrive as a Poisson process, so `n` shares of equal difficulty give
 * a relative standard error of `1/√n`. A sum of estimates (the pool over its miners, an
 * account over its workers) adds their variances: `σ² = Σ hrᵢ² / nᵢ`.
 *
 * Difficulty weights: with shares of different difficulties in one estimate the error is
 * `1/√n_eff`, `n_eff = (Σd)² / Σd²`. The window keeps per-second counts and sums, not
 * `Σd²`, so the count stands for `n_eff`: exact when an estimate's shares share one
 * difficulty (the original proxy gives every share of a port the same one), and too
 * narrow by `√(n / n_eff)` for one login or worker mixing ports of different difficulty.
 * Sums over miners or workers of different difficulties are exact either way.
 *
 * Every relative error is a finite number or `null` (no shares, a hashrate of 0 or less,
 * or a sum beyond float64), so the JSON can always print it.
 * @packageDocumentation
 */

/** Fixed-point scale of the relative error when it scales a hashrate beyond 2^53. */
const SCALE = 1_000_000_000_000n;

/**
 * The ±1σ range of `hashrate` for a relative error. The range is a statistical estimate,
 * so its half-width may come from a float; the hashrate it is added to stays exact. Below
 * 2^53 (any real pool) one float product does it, which matters at 20,000 miners every
 * collection; beyond, a fixed-point bigint product keeps the width's digits.
 */
function range(hashrate: bigint, value: number, shares: number, relativeError: number | null): HashrateUncertainty {
  if (relativeError === null) return { shares, relativeError, low: hashrate, high: hashrate };
  const delta =
    value <= Number.MAX_SAFE_INTEGER
      ? BigInt(Math.trunc(value * relativeError))
      : (hashrate * BigInt(Math.round(relativeError * Number(SCALE)))) / SCALE;
  return { shares, relativeError, low: hashrate > delta ? hashrate - delta : 0n, high: hashrate + delta };
}

/**
 * The uncertainty of one estimate from `shares` shares: relative error `1/√shares`;
 * `null` (and a range of the hashrate itself) when the hashrate or the count is 0.
 */
export function shareUncertainty(hashrate: bigint, shares: number): HashrateUncertainty {
  const value = Number(hashrate);
  return range(hashrate, value, shares, shares > 0 && value > 0 ? 1 / Math.sqrt(shares) : null);
}

/**
 * Adds up the uncertainties of the parts of a summed hashrate (their variances add). The
 * standard deviation is accumulated as a scaled sum of squares (as `Math.hypot` does), so
 * no part's square overflows; a part or a total beyond float64's range (only hostile data
 * gets there) leaves the sum's relative error unknown (`null`) rather than wrong.
 */
export class UncertaintySum {
  /** The parts' σ, summed in sorted order at the end: the result must not depend on the parts' order. */
  private sigmas = new Float64Array(16);
  private count = 0;
  private overflow = false;
  private shares = 0;

  /** Adds one part: its hashrate and its uncertainty. */
  add(hashrate: bigint, part: HashrateUncertainty): void {
    this.shares += part.shares;
    if (part.relativeError === null) return;
    const sigma = Number(hashrate) * part.relativeError;
    if (!Number.isFinite(sigma)) this.overflow = true;
    else if (sigma > 0) {
      if (this.count === this.sigmas.length) {
        const grown = new Float64Array(this.sigmas.length * 2);
        grown.set(this.sigmas);
        this.sigmas = grown;
      }
      this.sigmas[this.count++] = sigma;
    }
  }

  /** √Σσᵢ², scaled by the largest σ (no overflow), smallest terms first. */
  private combined(): number {
    const sorted = this.sigmas.subarray(0, this.count).sort();
    const scale = sorted[this.count - 1] ?? 0;
    if (scale === 0) return 0;
    let scaled = 0;
    for (const sigma of sorted) scaled += (sigma / scale) ** 2;
    return scale * Math.sqrt(scaled);
  }

  /** The uncertainty of `total`, the sum of the parts' hashrates. */
  of(total: bigint): HashrateUncertainty {
    const value = Number(total);
    const known = value > 0 && Number.isFinite(value) && this.shares > 0 && !this.overflow;
    return range(total, value, this.shares, known ? this.combined() / value : null);
  }
}
