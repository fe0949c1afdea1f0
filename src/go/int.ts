/**
 * Parsing rules of the Go standard library, as the original applies them to Redis text.
 * @packageDocumentation
 */

const INT_SYNTAX = /^[+-]?[0-9]+$/;
const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
// Redis prints scores with %.17g or as inf/-inf; this accepts that and plain decimals only
// (Number() alone would also take "0x10", " 5" and "").
const FLOAT_SYNTAX = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const TWO_POW_63 = 2 ** 63;

/**
 * Parses `text` as Go's `strconv.ParseInt(text, 10, 64)` reads its syntax: an optional `+`
 * or `-`, then ASCII digits (leading zeros allowed). Spaces, `""`, decimals, exponents,
 * hex and `_` are rejected. Unlike Go the value is never clamped: a number beyond int64
 * comes back exact.
 *
 * @returns the exact value, or `undefined` when the text is not an integer
 */
export function parseGoInt(text: string): bigint | undefined {
  return INT_SYNTAX.test(text) ? BigInt(text) : undefined;
}

/**
 * Like {@link parseGoInt} but also requires the value to fit int64, as `convertStringMap`
 * does in the original: anything else stays a string there.
 */
export function parseGoInt64(text: string): bigint | undefined {
  const value = parseGoInt(text);
  return value !== undefined && value >= MIN_INT64 && value <= MAX_INT64 ? value : undefined;
}

/**
 * Go's `strconv.ParseBool`: `1 t T TRUE true True` and `0 f F FALSE false False`.
 * @returns `undefined` for any other text (Go reads those as `false` with an error)
 */
export function parseGoBool(text: string): boolean | undefined {
  switch (text) {
    case "1":
    case "t":
    case "T":
    case "TRUE":
    case "true":
    case "True":
      return true;
    case "0":
    case "f":
    case "F":
    case "FALSE":
    case "false":
    case "False":
      return false;
    default:
      return undefined;
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
  let value: number;
  if (typeof score === "number") value = score;
  else if (FLOAT_SYNTAX.test(score)) value = Number(score);
  else return undefined;
  if (!Number.isFinite(value) || Math.abs(value) >= TWO_POW_63) return undefined;
  const truncated = Math.trunc(value);
  return truncated === 0 ? 0 : truncated; // no -0
}
