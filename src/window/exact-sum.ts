/**
 * Exact integer arithmetic that stays on fast `number`s while values are safe integers
 * and moves to `bigint` only when they are not. Share difficulties are small in practice
 * (2·10^9), so sums of millions of shares never leave the fast path; hostile or exotic
 * data still comes out exact.
 * @packageDocumentation
 */

/** An exact integer: a safe-integer `number` or a `bigint`. */
export type ExactInt = number | bigint;

/** `a + b`, exactly. */
export function addExact(a: ExactInt, b: ExactInt): ExactInt {
  if (typeof a === "number" && typeof b === "number") {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return normalize(BigInt(a) + BigInt(b));
}

/** `a − b`, exactly. */
export function subtractExact(a: ExactInt, b: ExactInt): ExactInt {
  if (typeof a === "number" && typeof b === "number") {
    const difference = a - b;
    if (Number.isSafeInteger(difference)) return difference;
  }
  return normalize(BigInt(a) - BigInt(b));
}

/** The value as a `bigint`. */
export function toBigInt(value: ExactInt): bigint {
  return typeof value === "bigint" ? value : BigInt(value);
}

/** A `bigint` back on the fast path when it fits. */
function normalize(value: bigint): ExactInt {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
