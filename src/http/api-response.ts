import type { ContentCoding, SharedBody } from "./shared-body.js";

/**
 * One HTTP response of the API, independent of any server framework: a host writes
 * `status`, `headers` and `body` with whatever it uses (`node:http`, Fastify, Express,
 * Hono…). The body is the exact bytes to send; the host adds `Content-Length` (or lets
 * its framework do it).
 *
 * A host that wants the shared bytes, compression and `304`s too passes the response and
 * the request's headers through {@link negotiateResponse} and writes what it returns.
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
  /**
   * The body bytes: Go's `encoding/json` text plus `"\n"`, or empty. For a body made of
   * several shared pieces (`/api/miners`, `/api/stats`) this is their concatenation, made
   * when first read; `chunks` are the pieces themselves.
   */
  readonly body: string | Buffer;
  /**
   * The body as the Buffers it is made of, to write in order (`writev`): per-snapshot
   * pieces shared by every response and small per-request ones (`now`, the live nodes).
   * Absent on responses a host builds itself; then `body` is all there is.
   */
  readonly chunks?: readonly Buffer[];
  /**
   * A strong validator of the identity body when its bytes are the same for a whole
   * snapshot (`/api/blocks`, `/api/payments`) or account entry; never on `/api/stats` or
   * `/api/miners`, whose `now` changes the bytes.
   */
  readonly etag?: string | undefined;
  /**
   * The body content-coded: the chunks of its gzip or brotli form and that form's
   * validator, or `undefined` while the compression of this snapshot's body is still
   * running (it is computed once, off the event loop) or when that coding is not worth it
   * (small or mostly per-request bodies). Call it on the response (`response.encoded("gzip")`).
   */
  readonly encoded?: (coding: ContentCoding) => ApiEncodedBody | undefined;
  /**
   * A failure behind this response, for the host to log: a node read that failed or was
   * late (the body then has the last good node list, or `"nodes":null` as the original's
   * when there is none), a Redis failure (503), luck rows left out because they were not
   * finite, or an unexpected error (500).
   */
  readonly failure?: ApiFailure | undefined;
}

/** A response body in one content coding (see {@link ApiResponse.encoded}). */
export interface ApiEncodedBody {
  readonly chunks: readonly Buffer[];
  readonly etag?: string;
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

/**
 * A response whose body is `shared` with the per-request `values` filled in: the chunks
 * reference the shared Buffers, `body` is concatenated only if someone reads it.
 * @internal
 */
export function sharedResponse<N extends string>(
  status: number,
  shared: SharedBody<N>,
  values: Readonly<Record<N, Buffer>>,
  extra?: Readonly<Record<string, string>>,
  failure?: ApiFailure,
): ApiResponse {
  return new SharedApiResponse(status, shared, values, extra, failure);
}

/**
 * The {@link ApiResponse} of a shared body. A class, so that every response has the same
 * shape (an object literal with a getter and optional fields costs V8 its fast path: a
 * few µs per request).
 */
class SharedApiResponse<N extends string> implements ApiResponse {
  readonly headers: Readonly<Record<string, string>>;
  readonly chunks: readonly Buffer[];
  readonly etag: string | undefined;
  private joined: Buffer | undefined;

  constructor(
    readonly status: number,
    private readonly shared: SharedBody<N>,
    private readonly values: Readonly<Record<N, Buffer>>,
    extra: Readonly<Record<string, string>> | undefined,
    readonly failure: ApiFailure | undefined,
  ) {
    const headers: Record<string, string> = { ...API_HEADERS };
    if (extra !== undefined) for (const name in extra) headers[name] = extra[name] as string;
    this.headers = headers;
    this.chunks = shared.identity(values);
    this.etag = shared.etag();
  }

  encoded(coding: ContentCoding): ApiEncodedBody | undefined {
    const chunks = this.shared.encoded(coding, this.values);
    if (chunks === undefined) return undefined;
    const etag = this.shared.etag(coding);
    return etag === undefined ? { chunks } : { chunks, etag };
  }

  /** The chunks as one Buffer, made on first use. */
  get body(): Buffer {
    this.joined ??= this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    return this.joined;
  }
}
