import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { clearInterval, clearTimeout, setInterval, setTimeout } from "node:timers";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { type DurationInput, parseDuration } from "../go/duration.js";
import { jsonExtrasOf } from "../json/extra-fields.js";
import type { StatsSource } from "../model/seams.js";
import { ConnectionGuard, type ConnectionGuardStats } from "./connection-guard.js";
import { type ApiHandlerOptions, createListener } from "./create-api-handler.js";
import { SnapshotEventStream, type SnapshotEventStreamOptions } from "./event-stream.js";
import { snapshotBodies } from "./snapshot-bodies.js";

/** Options of {@link createApiServer}: the handler's, and the server's bounds. */
export interface ApiServerOptions extends ApiHandlerOptions {
  /**
   * Connections at once; Node closes further ones as they come.
   * @defaultValue `4096`
   */
  readonly maxConnections?: number;
  /**
   * Requests of one connection answered at once (HTTP/1.1 pipelining); further ones wait
   * for earlier responses to be sent, and more than twice this many ahead close the connection.
   * @defaultValue `32`
   */
  readonly maxPipelined?: number;
  /**
   * Bytes of responses one connection may have queued but not yet handed to the kernel.
   * Past it the connection is not read any more, and it is closed if it stays past it
   * for `overloadGrace`.
   * @defaultValue 2 × the largest body served so far, at least 1 MiB
   */
  readonly maxUnsentBytes?: number;
  /**
   * How long a connection may stay past `maxUnsentBytes` (a client that does not read)
   * before it is closed.
   * @defaultValue `"5s"`
   */
  readonly overloadGrace?: DurationInput;
  /**
   * Time to receive a request's headers (Node's `headersTimeout`; checked every second).
   * @defaultValue `"10s"`
   */
  readonly headersTimeout?: DurationInput;
  /**
   * Time to receive a whole request (Node's `requestTimeout`).
   * @defaultValue `"30s"`
   */
  readonly requestTimeout?: DurationInput;
  /**
   * How long an idle keep-alive connection is kept (Node's `keepAliveTimeout`).
   * @defaultValue `"5s"`
   */
  readonly keepAliveTimeout?: DurationInput;
  /**
   * A connection with no traffic either way for this long is closed (Node's `timeout`),
   * whatever it is waiting for.
   * @defaultValue `"60s"`
   */
  readonly idleTimeout?: DurationInput;
  /**
   * The snapshot event stream ({@link SnapshotEventStream}): its path and bounds, or
   * `false` for none.
   * @defaultValue `{ path: "/api/events" }`
   */
  readonly events?: (Omit<SnapshotEventStreamOptions, "onDropped"> & { readonly path?: string }) | false;
  /**
   * Told about every connection the server closed to keep its bounds (to log it).
   * Exceptions it throws are ignored.
   */
  readonly onConnectionDropped?: (event: ConnectionDroppedEvent) => void;
  /**
   * Wraps the API's request listener, to add a host's own routes next to the original's
   * (a status page, `/metrics`) or to instrument it. What it returns is what the server
   * runs, inside the same bounds and timeouts. `/api/events` is answered before it.
   */
  readonly wrapListener?: (api: RequestListener) => RequestListener;
}

/** A connection {@link createApiServer} closed to keep its bounds. */
export interface ConnectionDroppedEvent {
  /**
   * - `overloaded`: it left more than `maxUnsentBytes` unread for longer than `overloadGrace`;
   * - `pipelining`: it sent more than twice `maxPipelined` requests ahead of its responses;
   * - `slow-event-client`: an `/api/events` client left more than `maxBufferedBytes` unread.
   */
  readonly reason: "overloaded" | "pipelining" | "slow-event-client";
  /** The client's address, as the socket reports it. */
  readonly remoteAddress: string | undefined;
}

/** A `node:http` server of the API, from {@link createApiServer}. */
export interface ApiServer extends Server {
  /** The snapshot event stream, or `undefined` with `events: false`. */
  readonly events: SnapshotEventStream | undefined;
  /** What the per-connection bounds have done so far. */
  connectionStats(): ConnectionGuardStats;
  /**
   * Stops accepting connections, ends the event streams, closes idle keep-alive
   * connections at once and lets requests in flight finish; connections still open after
   * `grace` are closed. Resolves once every connection is gone.
   */
  shutdown(grace?: DurationInput): Promise<void>;
}

const MIB = 1024 * 1024;

/**
 * The original API as a `node:http` server hardened against hostile clients, over a
 * {@link StatsCache} (or any {@link StatsSource}): {@link createApiHandler}'s answers, plus
 *
 * - bounded memory per connection: at most `maxPipelined` requests answered at a time and
 *   `maxUnsentBytes` of queued output; a connection past them is no longer read and is
 *   closed after `overloadGrace` (docs/RELIABILITY.md gives the worst case as a formula);
 * - header, request, keep-alive and idle timeouts, and a bound on connections;
 * - `GET /api/events`, a server-sent event per new snapshot;
 * - each snapshot's bodies built, and their compression started, when the snapshot lands
 *   (through the source's `collected` event) instead of on the first request.
 *
 * Call `listen()` as on any server; `shutdown()` stops it gracefully.
 *
 * @throws {@link InvalidArgumentError} for a bad option, at once
 */
export function createApiServer(source: StatsSource, options: ApiServerOptions = {}): ApiServer {
  if (typeof options !== "object" || options === null) throw new InvalidArgumentError("options", "must be an object");
  const limits = resolveServerOptions(options);
  const dropped = (reason: ConnectionDroppedEvent["reason"], socket: { remoteAddress?: string | undefined } | null) => {
    try {
      options.onConnectionDropped?.({ reason, remoteAddress: socket?.remoteAddress });
    } catch {
      // A logger that throws must not take the server down with it.
    }
  };
  let largest = 0;
  const guard = new ConnectionGuard(
    {
      maxPipelined: limits.maxPipelined,
      maxUnsentBytes: () => options.maxUnsentBytes ?? Math.max(MIB, 2 * largest),
      overloadGraceMs: limits.overloadGraceMs,
      onDropped: (socket, reason) => dropped(reason, socket),
    },
    (req, res) => route(req, res),
  );
  const api = createListener(source, options, {
    written: (res, bytes) => {
      if (bytes > largest) largest = bytes;
      guard.written(res, bytes);
    },
  });
  const eventOptions = options.events === false ? undefined : (options.events ?? {});
  const eventsPath = eventOptions?.path ?? "/api/events";
  const events =
    eventOptions === undefined
      ? undefined
      : new SnapshotEventStream(source, {
          ...eventOptions,
          onDropped: (res) => dropped("slow-event-client", res.socket),
        });
  const handler = options.wrapListener === undefined ? api : options.wrapListener(api);
  if (typeof handler !== "function") throw new InvalidArgumentError("wrapListener", "must return a request listener");
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    if (events !== undefined && (q < 0 ? url : url.slice(0, q)) === eventsPath) events.attach(req, res);
    else handler(req, res);
  };

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: 1000,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      noDelay: true,
    },
    guard.listener,
  );
  server.maxConnections = limits.maxConnections;
  server.timeout = limits.idleTimeoutMs;

  // Build each snapshot's bodies (and start compressing them) when it lands, with the
  // source's opt-in fields, as the routes build them.
  const extras = jsonExtrasOf(source.config);
  const current = source.snapshot;
  if (current !== undefined) snapshotBodies(current, extras).prepare();
  const unsubscribe = source.on?.("collected", (snapshot) => snapshotBodies(snapshot, extras).prepare());
  server.once("close", () => {
    unsubscribe?.();
    events?.close();
  });

  return Object.assign(server, {
    events,
    connectionStats: () => guard.stats(),
    shutdown: (grace: DurationInput = 10_000) => shutdown(server, events, durationOption("grace", grace)),
  });
}

function shutdown(server: Server, events: SnapshotEventStream | undefined, graceMs: number): Promise<void> {
  events?.close();
  return new Promise((resolve) => {
    // A keep-alive connection whose request just finished would otherwise stay open
    // until its timeout: close idle ones as soon as they are.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

interface ServerLimits {
  readonly maxConnections: number;
  readonly maxPipelined: number;
  readonly overloadGraceMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

function resolveServerOptions(options: ApiServerOptions): ServerLimits {
  if (options.maxUnsentBytes !== undefined) count("maxUnsentBytes", options.maxUnsentBytes);
  const events = options.events;
  if (events !== undefined && events !== false) {
    if (typeof events !== "object" || events === null)
      throw new InvalidArgumentError("events", "must be an object or false");
    if (events.path !== undefined && (typeof events.path !== "string" || !events.path.startsWith("/"))) {
      throw new InvalidArgumentError("events.path", `must be an absolute path, got ${String(events.path)}`);
    }
    if (events.maxClients !== undefined) count("events.maxClients", events.maxClients);
    if (events.maxBufferedBytes !== undefined) count("events.maxBufferedBytes", events.maxBufferedBytes);
    if (events.heartbeatMs !== undefined) count("events.heartbeatMs", events.heartbeatMs);
    if (events.retryAfterSeconds !== undefined) count("events.retryAfterSeconds", events.retryAfterSeconds);
  }
  const headersTimeoutMs = durationOption("headersTimeout", options.headersTimeout ?? 10_000);
  const requestTimeoutMs = durationOption("requestTimeout", options.requestTimeout ?? 30_000);
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new InvalidArgumentError("requestTimeout", "must not be shorter than headersTimeout (Node refuses it)");
  }
  return {
    maxConnections: count("maxConnections", options.maxConnections ?? 4096),
    maxPipelined: count("maxPipelined", options.maxPipelined ?? 32),
    overloadGraceMs: durationOption("overloadGrace", options.overloadGrace ?? 5000),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: durationOption("keepAliveTimeout", options.keepAliveTimeout ?? 5000),
    idleTimeoutMs: durationOption("idleTimeout", options.idleTimeout ?? 60_000),
  };
}

function count(path: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(path, `must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function durationOption(path: string, value: DurationInput): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError(path, error instanceof InvalidArgumentError ? error.reason : String(error), {
      cause: error,
    });
  }
  if (ms < 1 || ms > 2 ** 31 - 1) throw new InvalidArgumentError(path, `must be 1 ms … 2^31−1 ms, got ${ms} ms`);
  return ms;
}
