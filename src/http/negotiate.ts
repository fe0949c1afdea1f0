import type { ApiResponse } from "./api-response.js";
import type { ContentCoding } from "./shared-body.js";

/** What {@link negotiateResponse} reads of the request. */
export interface NegotiationRequest {
  /** The method; a `304` answers only `GET` and `HEAD`. */
  readonly method?: string | undefined;
  /** The request's headers, lower-case names (Node's `req.headers`); only these two are read. */
  readonly headers: {
    readonly "accept-encoding"?: string | undefined;
    readonly "if-none-match"?: string | undefined;
  };
}

/** Switches of {@link negotiateResponse}; both on by default. */
export interface NegotiationOptions {
  /**
   * Serve the gzip or brotli form when `Accept-Encoding` allows and it is ready, with
   * `Vary: Accept-Encoding` on every response that has one.
   * @defaultValue `true`
   */
  readonly compression?: boolean;
  /**
   * Send `ETag` where the bytes are the same for a whole snapshot or account entry, and
   * answer `304 Not Modified` to a `GET`/`HEAD` whose `If-None-Match` names them.
   * @defaultValue `true`
   */
  readonly etag?: boolean;
}

/** A response ready to write: status, every header (`Content-Length` included) and the chunks. */
export interface NegotiatedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The bytes to write, in order; empty for a 304. */
  readonly chunks: readonly Buffer[];
}

/**
 * The bytes a response should go out as for one request: identity, gzip or brotli
 * (`Content-Encoding`), or a `304` to a matching `If-None-Match`. Without
 * `Accept-Encoding` and `If-None-Match`, the status, the original's headers and the bytes
 * are the response's own; `Vary` and `ETag` are added where they apply.
 *
 * @example
 * ```ts
 * const out = negotiateResponse(await router(req.url), req);
 * res.writeHead(out.status, out.headers);
 * for (const chunk of out.chunks) res.write(chunk);
 * res.end();
 * ```
 */
export function negotiateResponse(
  response: ApiResponse,
  request: NegotiationRequest,
  options: NegotiationOptions = {},
): NegotiatedResponse {
  const headers: Record<string, string> = {};
  for (const name in response.headers) headers[name] = response.headers[name] as string;
  let chunks: readonly Buffer[] = response.chunks ?? [bodyBuffer(response.body)];
  let etag = options.etag === false ? undefined : response.etag;
  if (options.compression !== false && response.encoded !== undefined) {
    headers.Vary = "Accept-Encoding";
    for (const coding of acceptedCodings(request.headers["accept-encoding"])) {
      const encoded = response.encoded(coding);
      if (encoded === undefined) continue;
      chunks = encoded.chunks;
      headers["Content-Encoding"] = coding;
      if (etag !== undefined) etag = encoded.etag;
      break;
    }
  }
  if (etag !== undefined && response.etag !== undefined) {
    headers.ETag = etag;
    const method = request.method ?? "GET";
    if ((method === "GET" || method === "HEAD") && matches(request.headers["if-none-match"], response.etag)) {
      delete headers["Content-Encoding"];
      return { status: 304, headers, chunks: [] };
    }
  }
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  headers["Content-Length"] = String(length);
  return { status: response.status, headers, chunks };
}

function bodyBuffer(body: string | Buffer): Buffer {
  return typeof body === "string" ? Buffer.from(body) : body;
}

/**
 * Whether `If-None-Match` names the body whose identity tag is `etag`: `*`, or any listed
 * tag, weak or strong, of any of its codings (the comparison is weak, as RFC 9110 says
 * for `If-None-Match`; the bytes behind every coding are the same).
 */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined || header === "") return false;
  const opaque = etag.slice(1, -1);
  for (const raw of header.split(",")) {
    let tag = raw.trim();
    if (tag === "*") return true;
    if (tag.startsWith("W/")) tag = tag.slice(2);
    if (tag.length < 2 || !tag.startsWith('"') || !tag.endsWith('"')) continue;
    const value = tag.slice(1, -1);
    if (value === opaque || value === `${opaque}-gzip` || value === `${opaque}-br`) return true;
  }
  return false;
}

const parsed = new Map<string, readonly ContentCoding[]>();
const MAX_PARSED = 64;

/**
 * The codings `Accept-Encoding` allows, best first: by q-value, brotli before gzip on a
 * tie (it is smaller); `*` stands for codings not named; `q=0` refuses. The few distinct
 * headers browsers send are parsed once.
 */
export function acceptedCodings(header: string | undefined): readonly ContentCoding[] {
  if (header === undefined || header === "") return [];
  let codings = parsed.get(header);
  if (codings === undefined) {
    codings = parseAcceptEncoding(header);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(header, codings);
  }
  return codings;
}

function parseAcceptEncoding(header: string): readonly ContentCoding[] {
  const q: Record<string, number> = {};
  for (const part of header.slice(0, 1024).split(",")) {
    const [name = "", ...params] = part.split(";");
    let weight = 1;
    for (const param of params) {
      const [key, value] = param.split("=").map((s) => s.trim());
      if (key?.toLowerCase() === "q") {
        const n = Number(value);
        weight = Number.isFinite(n) && n >= 0 && n <= 1 ? n : 0;
      }
    }
    const coding = name.trim().toLowerCase();
    q[coding === "x-gzip" ? "gzip" : coding] = weight;
  }
  const weightOf = (coding: ContentCoding): number => q[coding] ?? q["*"] ?? 0;
  return (["br", "gzip"] as const)
    .filter((coding) => weightOf(coding) > 0)
    .sort((a, b) => weightOf(b) - weightOf(a) || (a === "br" ? -1 : 1));
}
