/**
 * Go's integer rules, as the original applies them to the text Redis holds: the syntax
 * of `strconv.ParseInt(s, 10, 64)`, the int64 range, and int64 arithmetic.
 * @packageDocumentation
 */

/** The largest int64, `2^63 − 1`. */
export const INT64_MAX = (1n << 63n) - 1n;
/** The smallest int64, `−2^63`. */
export const INT64_MIN = -(1n << 63n);

const INT_SYNTAX = /^[+-]?[0-9]+$/;

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
  return value !== undefined && value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
}

/**
 * What the original's `n, _ := strconv.ParseInt(text, 10, 64)` leaves in `n` when it
 * ignores the error: 0 for anything that is not an integer, the int64 limit for one
 * beyond it. The writers need it where the original does arithmetic on such a value.
 * @internal
 */
export function goParseIntValue(text: string): bigint {
  const value = parseGoInt(text);
  if (value === undefined) return 0n;
  if (value > INT64_MAX) return INT64_MAX;
  if (value < INT64_MIN) return INT64_MIN;
  return value;
}

/** Go's int64 arithmetic result: `value` wrapped modulo 2^64 into int64. @internal */
export function wrapInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}
