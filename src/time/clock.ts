/**
 * A clock returning Unix epoch milliseconds. Every time-dependent part of the library
 * takes one (the `now` option), so tests and replays can fix time.
 */
export type Clock = () => number;

/** The wall clock, `Date.now`. */
export const systemClock: Clock = () => Date.now();

/**
 * Unix seconds from a clock reading, truncated as the original's
 * `util.MakeTimestamp() / 1000` is.
 * @internal
 */
export function unixSeconds(ms: number): number {
  return Math.trunc(ms / 1000);
}
