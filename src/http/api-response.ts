/**
 * One HTTP response of the API, independent of any server framework: a host writes
 * `status`, `headers` and `body` with whatever it uses (`node:http`, Fastify, Express,
 * Hono…). The body is the exact bytes to send; the host adds `Content-Length` (or lets
 * its framework do it).
 */
export interface ApiResponse {
  /** 200, or 404 / 301 / 400 as the original answers, or 503 / 500 where it fails badly. */
  readonly status: number;
  /**
   * The original's three headers ({@link API_HEADERS}) on every response, plus, where they
   * apply, `X-Stats-Version` and `X-Stats-Age-Ms` (freshness), `Retry-After` (503) and
   * `Location` (301).
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The body bytes: Go's `encoding/json` text plus `"\n"`, or empty. */
  readonly body: string | Buffer;
  /**
   * A failure behind this response, for the host to log: a node read that failed (the
   * body then says `"nodes":null`, as the original's does), a Redis failure (503), luck
   * rows left out because they were not finite, or an unexpected error (500).
   */
  readonly failure?: ApiFailure;
}

/** What went wrong behind an {@link ApiResponse}. */
export interface ApiFailure {
  /**
   * - `nodes`: the live node read of `/api/stats` failed (200, `"nodes":null`);
   * - `account`: Redis failed during an account lookup (503);
   * - `luck`: luck rows with a NaN/±Inf value were left out of `/api/blocks` (reported
   *   once per snapshot; the original answers an empty body instead);
   * - `internal`: anything unexpected (500).
   */
  readonly kind: "nodes" | "account" | "luck" | "internal";
  /** The error, usually a `PoolStatsError` (`BackendUnavailableError`…). */
  readonly error: unknown;
}

/**
 * The headers every response of the original carries, 404s included, in its spelling.
 * (Go's server adds `Date` and `Content-Length`; no ETag, no compression.)
 */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Type": "application/json; charset=UTF-8",
  "Access-Control-Allow-Origin": "*",
  "Cache-Control": "no-cache",
});

/** A response with the original's headers plus `extra`. @internal */
export function apiResponse(
  status: number,
  body: string | Buffer,
  extra?: Readonly<Record<string, string>>,
  failure?: ApiFailure,
): ApiResponse {
  // A fresh object each time: a host may add its own headers to it.
  return { status, headers: { ...API_HEADERS, ...extra }, body, ...(failure === undefined ? {} : { failure }) };
}
