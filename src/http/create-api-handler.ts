import type { IncomingMessage, ServerResponse } from "node:http";
import type { StatsSource } from "../model/seams.js";
import type { ApiFailure, ApiResponse } from "./api-response.js";
import { apiResponse } from "./api-response.js";
import { type ApiRouterOptions, createApiRouter } from "./api-router.js";
import { type NegotiationOptions, negotiateResponse } from "./negotiate.js";

/** A failure behind a response, as {@link ApiHandlerOptions.onError} receives it. */
export interface ApiErrorEvent extends ApiFailure {
  /** The request method. */
  readonly method: string;
  /** The request target as received (path and query). */
  readonly url: string;
  /** The status answered (200 for a failed node read, 503, 500…). */
  readonly status: number;
}

/** Options of {@link createApiHandler}. */
export interface ApiHandlerOptions extends ApiRouterOptions, NegotiationOptions {
  /**
   * Told about every failure behind a response (failed node reads, Redis failures behind
   * 503s, luck rows left out, unexpected errors behind 500s), to log them. Exceptions it
   * throws are ignored.
   */
  readonly onError?: (event: ApiErrorEvent) => void;
}

/** A `node:http` request listener. */
export type ApiRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The original API as a plain `node:http` request listener, over a {@link StatsCache}:
 *
 * ```ts
 * http.createServer(createApiHandler(cache)).listen(8080);
 * ```
 *
 * Bodies are the original's bytes; every response has its three headers (plus
 * `Content-Length`, and the freshness headers where they apply). Bodies are shared
 * Buffers per snapshot, written with the per-request chunks in one `writev`; with
 * `Accept-Encoding` they go out gzip- or brotli-coded (compressed once per snapshot), and
 * bodies that are the same for a whole snapshot carry an `ETag` (`304` on
 * `If-None-Match`); see {@link negotiateResponse}. Every method is answered
 * like GET, as the original does (HEAD without the body). The listener never throws and
 * never leaves a request unanswered: an unexpected error is a 500 with the three headers,
 * reported to `onError`.
 *
 * @throws {@link InvalidArgumentError} for a bad option, at once
 */
export function createApiHandler(source: StatsSource, options: ApiHandlerOptions = {}): ApiRequestListener {
  return createListener(source, options);
}

/** What a server adds around the handler: the bytes each response wrote. @internal */
export interface ListenerHooks {
  /** Told the length of every body written (after negotiation: the bytes on the wire). */
  readonly written?: (res: ServerResponse, bytes: number) => void;
}

/** {@link createApiHandler} with hooks for a server's own bookkeeping. @internal */
export function createListener(
  source: StatsSource,
  options: ApiHandlerOptions,
  hooks: ListenerHooks = {},
): ApiRequestListener {
  const router = createApiRouter(source, options);
  const onError = options.onError;
  const negotiation: NegotiationOptions = {
    ...(options.compression === undefined ? {} : { compression: options.compression }),
    ...(options.etag === undefined ? {} : { etag: options.etag }),
  };
  const report = (req: IncomingMessage, status: number, failure: ApiFailure): void => {
    if (onError === undefined) return;
    try {
      onError({ ...failure, method: req.method ?? "", url: req.url ?? "", status });
    } catch {
      // A logger that throws must not take the response down with it.
    }
  };
  return (req, res) => {
    void router(req.url ?? "/")
      .then((response) => {
        if (response.failure !== undefined) report(req, response.status, response.failure);
        try {
          send(req, res, response, negotiation, hooks.written);
        } catch (error) {
          report(req, 500, { kind: "internal", error });
          if (res.headersSent) res.destroy();
          else send(req, res, apiResponse(500, ""), negotiation, hooks.written);
        }
      })
      .catch(() => {
        // Not even a 500 could be written: end the exchange rather than leave it hanging.
        res.destroy();
      });
  };
}

/**
 * Writes `response` unless the client is gone: the headers and every chunk in one corked
 * write (a `writev` of references to the shared Buffers, no copy). Node drops the body of
 * a HEAD response itself.
 * @internal
 */
export function send(
  req: IncomingMessage,
  res: ServerResponse,
  response: ApiResponse,
  negotiation: NegotiationOptions,
  written?: (res: ServerResponse, bytes: number) => void,
): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const out = negotiateResponse(response, req, negotiation);
  res.writeHead(out.status, out.headers);
  if (written !== undefined && req.method !== "HEAD") {
    let bytes = 0;
    for (const chunk of out.chunks) bytes += chunk.length;
    written(res, bytes);
  }
  writeChunks(res, out.chunks);
}

/** Ends `res` with `chunks`, corked so that they leave in one write. @internal */
export function writeChunks(res: ServerResponse, chunks: readonly Buffer[]): void {
  const last = chunks.length - 1;
  if (last < 1) {
    res.end(chunks[0]);
    return;
  }
  res.cork();
  for (let i = 0; i < last; i++) res.write(chunks[i]);
  res.end(chunks[last]); // end() uncorks
}
