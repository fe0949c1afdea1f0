/**
 * ZSET scores: the double Redis holds, and the integer the original makes of it.
 * Every reader of a score reply goes through {@link redisScore}, so all of them agree on
 * what `inf`, `-inf` and garbage mean.
 * @packageDocumentation
 */

// Redis prints scores with %.17g or as inf/-inf; this accepts that and plain decimals only
// (Number() alone would also take "0x10", " 5" and "").
const FLOAT_SYNTAX = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const TWO_POW_63 = 2 ** 63;

/**
 * The double a score reply stands for: its value, `±Infinity` for `inf`/`+inf`/`-inf`
 * (any case, as Redis accepts them), `NaN` for text that is not a score at all.
 */
export function redisScore(raw: string | number): number {
  if (typeof raw === "number") return raw;
  if (FLOAT_SYNTAX.test(raw)) return Number(raw);
  switch (raw.toLowerCase()) {
    case "inf":
    case "+inf":
      return Number.POSITIVE_INFINITY;
    case "-inf":
      return Number.NEGATIVE_INFINITY;
    default:
      return Number.NaN;
  }
}

/**
 * A ZSET score as the original turns it into an integer: `int64(score)`, truncating
 * toward zero. The result is the exact value of the stored double, so a `number` holds
 * it without loss.
 *
 * @returns `undefined` for NaN, ±inf and |score| ≥ 2^63, where Go's conversion is
 *   undefined (it yields −2^63 on amd64)
 */
export function parseScore(score: string | number): number | undefined {
  const value = redisScore(score);
  if (!Number.isFinite(value) || Math.abs(value) >= TWO_POW_63) return undefined;
  const truncated = Math.trunc(value);
  return truncated === 0 ? 0 : truncated; // no -0
}

/** A score as a `ZRANGE … BYSCORE` bound: `+inf`/`-inf` (not JS's `Infinity`), else the number. */
export function formatScoreBound(score: number): string {
  if (score === Number.POSITIVE_INFINITY) return "+inf";
  if (score === Number.NEGATIVE_INFINITY) return "-inf";
  return String(score);
}
