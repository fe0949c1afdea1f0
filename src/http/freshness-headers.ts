/**
 * How fresh the data behind a body is, in headers only, so the bodies stay byte-identical
 * to the original's: `X-Stats-Age-Ms` (ms since the data was read, by the request's
 * clock, never negative) and, for the pool snapshot, `X-Stats-Version`.
 * @internal
 */
export function freshnessHeaders(readAt: number, now: number, version?: number): Record<string, string> {
  const age = String(Math.max(0, Math.trunc(now - readAt)));
  return version === undefined
    ? { "X-Stats-Age-Ms": age }
    : { "X-Stats-Version": String(version), "X-Stats-Age-Ms": age };
}

/** Go's `int64` of a clock reading: `now` in the bodies is whole milliseconds. @internal */
export function wholeMs(now: number): string {
  return String(Math.trunc(now));
}
