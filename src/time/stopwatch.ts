import { performance } from "node:perf_hooks";

/** Reads elapsed milliseconds since the stopwatch started. */
export type Stopwatch = () => number;

/**
 * Starts a stopwatch on the monotonic clock (`performance.now()`): for measuring how long
 * something took (metrics' latencies), never for what time it is — that is the one
 * `Clock` of the backend. With `clock.ts`, the only place the library reads time.
 */
export function startStopwatch(): Stopwatch {
  const start = performance.now();
  return () => performance.now() - start;
}
