import type { Tagged } from "type-fest";

/**
 * Units of time that cannot be mixed up: a `Seconds` is not assignable where
 * `Milliseconds` are expected, nor the other way round, though both are plain numbers at
 * run time (type-fest's `Tagged`). Durations are parsed once, at the edge (config.json,
 * CLI options, public method arguments), into one of these.
 * @packageDocumentation
 */

/** A duration or a Unix time in seconds. */
export type Seconds = Tagged<number, "Seconds">;

/** A duration or an epoch time in milliseconds. */
export type Milliseconds = Tagged<number, "Milliseconds">;

/** `n` seconds. @internal */
export function seconds(n: number): Seconds {
  return n as Seconds;
}

/** `n` milliseconds. @internal */
export function milliseconds(n: number): Milliseconds {
  return n as Milliseconds;
}

/**
 * Whole seconds of a duration or time in ms, truncated as the original's
 * `util.MakeTimestamp() / 1000` and `int64(d / time.Second)` are.
 * @internal
 */
export function wholeSeconds(ms: Milliseconds | number): Seconds {
  return Math.trunc(ms / 1000) as Seconds;
}
