import { type Milliseconds, type Seconds, wholeSeconds } from "./units.js";

/**
 * A clock returning Unix epoch milliseconds. The library has one: it is given once, to
 * the backend (its `now` option), and everything built on the backend — the cache, the
 * HTTP routes, the health check — reads that one, so tests and replays fix time in one
 * place. Nothing else in the library reads the real time.
 */
export type Clock = () => number;

/** The wall clock, `Date.now`: the one place the library reads the real time. */
export const systemClock: Clock = () => Date.now();

/** One reading of `clock`, in typed milliseconds. @internal */
export function readClock(clock: Clock): Milliseconds {
  return clock() as Milliseconds;
}

/**
 * Unix seconds from a clock reading, truncated as the original's
 * `util.MakeTimestamp() / 1000` is.
 * @internal
 */
export function unixSeconds(ms: number): Seconds {
  return wholeSeconds(ms);
}
