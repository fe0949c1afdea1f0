import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RedisStatsBackend } from "../backend/redis-stats-backend.js";
import { StatsCache } from "../cache/stats-cache.js";
import { type ApiServer, type ConnectionDroppedEvent, createApiServer } from "../http/api-server.js";
import type { ApiErrorEvent } from "../http/create-api-handler.js";
import type { PoolStatsMetrics } from "../metrics/metric-set.js";
import type { StatsCacheConfig } from "../model/config.js";
import { withStatusPage } from "../page/status-page.js";
import { CliError } from "./cli-error.js";
import type { FailureLog } from "./failure-log.js";
import { GuardedBackend } from "./guarded-backend.js";
import { formatHostPort, type HostPort } from "./host-port.js";
import { loadMetrics } from "./load-metrics.js";
import { errorMessage, type Logger } from "./logger.js";
import type { RedisLink } from "./redis-link.js";
import { watchCache } from "./watch-cache.js";

/** Settings of an {@link ApiService}. @internal */
export interface ApiServiceSettings {
  readonly link: RedisLink;
  readonly prefix: string;
  readonly api: StatsCacheConfig;
  /** Where to listen; ignored in `purgeOnly` mode (no HTTP, as in the original). */
  readonly listen: HostPort;
  readonly log: Logger;
  readonly failures: FailureLog;
  /** Log the first collection at info (a service does; the demo keeps quiet). @defaultValue true */
  readonly logCollections?: boolean;
  /** Whether to purge (StatsCache's `purge` option). @defaultValue true */
  readonly purge?: boolean;
  /** `GET /metrics`: on the API's port (`listen` undefined) or its own; `undefined` for none. */
  readonly metrics?: { readonly listen: HostPort | undefined } | undefined;
  /** Serve the built-in status page at `/` (`api.statusPage`). @defaultValue false */
  readonly statusPage?: boolean;
}

/** How long `stop()` lets requests in flight finish before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The original API process: a {@link StatsCache} on a {@link GuardedBackend} (nothing runs
 * on an unverified connection) and, unless `purgeOnly`, the hardened server of
 * {@link createApiServer} (bounded memory per connection, timeouts, `/api/events`),
 * listening at once — before Redis is there it answers the original's empty bodies and
 * `/health` 503 — plus the status page and `/metrics` when asked.
 * {@link ApiService.connect} then waits for Redis and starts the cache.
 * @internal
 */
export class ApiService {
  private constructor(
    readonly cache: StatsCache,
    private readonly link: RedisLink,
    private readonly servers: readonly Server[],
    /** `http://host:port` of the API, or `undefined` in purge-only mode. */
    readonly url: string | undefined,
    /** `http://host:port/metrics`, or `undefined` without metrics. */
    readonly metricsUrl: string | undefined,
    /** The backend, whose own bulk connection `stop()` ends. */
    private readonly backend: RedisStatsBackend,
  ) {}

  /** Builds the cache and listens; rejects with a {@link CliError} (a bad config, a port in use, no prom-client). */
  static async start(settings: ApiServiceSettings): Promise<ApiService> {
    const { log, link } = settings;
    const purge = settings.purge ?? true;
    const backend = new RedisStatsBackend(link.client, { prefix: settings.prefix });
    let cache: StatsCache;
    try {
      cache = new StatsCache(new GuardedBackend(backend, link), settings.api, { purge });
    } catch (error) {
      throw new CliError(errorMessage(error), 1, { cause: error });
    }
    // The API server's /api/events clients, once it exists (the metrics are made before it).
    let sseClients = (): number => 0;
    const metrics =
      settings.metrics === undefined
        ? undefined
        : await loadMetrics({ cache, backend, redisReady: () => link.verified, sseClients: () => sseClients() });
    if (metrics !== undefined) link.onFailure((error) => metrics.countRedisError("connection", error));
    watchCache(cache, { ...settings, link, logCollections: settings.logCollections ?? true });
    const purgeOnly = cache.config.purgeOnly;
    const servers: Server[] = [];
    try {
      let url: string | undefined;
      let metricsUrl: string | undefined;
      const ownMetrics = settings.metrics?.listen;
      // Around the API's routes: the status page, `/metrics` on the same port, and the
      // metrics' request timing, all inside the server's bounds.
      const wrap = (routes: Listener): Listener => {
        const paged = settings.statusPage === true ? withStatusPage(routes) : routes;
        if (metrics === undefined) return paged;
        return metrics.instrument(ownMetrics === undefined ? withMetrics(paged, metrics) : paged);
      };
      if (!purgeOnly) {
        const server = createApiServer(cache, {
          onError: (event) => requestFailed(settings, event, metrics),
          onConnectionDropped: (event) => connectionDropped(log, event),
          wrapListener: wrap,
        });
        sseClients = () => server.events?.stats().clients ?? 0;
        url = await listen(servers, server, settings.listen, log, "API");
        if (settings.statusPage === true) log.info(`Status page on ${url}/`);
        if (metrics !== undefined && ownMetrics === undefined) metricsUrl = `${url}/metrics`;
      } else if (metrics !== undefined && ownMetrics === undefined) {
        // In purge-only mode the original serves no HTTP: only /metrics, when asked.
        const only = withMetrics(notFound, metrics);
        metricsUrl = `${await listen(servers, plainServer(metrics.instrument(only)), settings.listen, log, "Metrics")}/metrics`;
      }
      if (metrics !== undefined && ownMetrics !== undefined) {
        const server = plainServer(withMetrics(notFound, metrics));
        metricsUrl = `${await listen(servers, server, ownMetrics, log, "Metrics")}/metrics`;
      }
      return new ApiService(cache, link, servers, purgeOnly ? undefined : url, metricsUrl, backend);
    } catch (error) {
      await Promise.all(servers.map(close));
      throw error;
    }
  }

  /**
   * Waits for Redis (probing with backoff) until `signal` aborts, then starts the cache:
   * purge, first collection, both loops. Resolves `false` when aborted first.
   * @throws {@link CliError} when the Redis database does not exist
   */
  async connect(signal: AbortSignal): Promise<boolean> {
    if (!(await this.link.open(signal))) return false;
    await this.cache.start();
    return true;
  }

  /**
   * Stops the cache's loops at once (no collection starts during the shutdown), stops
   * accepting connections, ends the event streams and lets requests in flight finish
   * (closing idle keep-alive connections at once, and the rest after a grace period). No
   * request waits on a hung Redis for more than the server's bounds, and the cache's stop
   * is bounded too, so this takes about a second plus the responses in flight. The
   * backend's bulk connection is ended; the Redis connection is the caller's to close
   * afterwards.
   */
  async stop(): Promise<void> {
    const cacheStopped = this.cache.stop();
    await Promise.all(this.servers.map(close));
    await cacheStopped;
    this.backend.close();
  }
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const notFound: Listener = (_req, res) => {
  res.writeHead(404, { "Content-Length": 0 }).end();
};

/** `/metrics` (any query) to the metrics, the rest to `next`: the API's bytes are not touched. */
function withMetrics(next: Listener, metrics: PoolStatsMetrics): Listener {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") metrics.handler(req, res);
    else next(req, res);
  };
}

/** A server for `/metrics` alone: the original has no timeouts; a slow client should not hold a socket forever. */
function plainServer(listener: Listener): Server {
  const server = createServer(listener);
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  return server;
}

async function listen(servers: Server[], server: Server, at: HostPort, log: Logger, what: string): Promise<string> {
  const where = formatHostPort(at.host, at.port);
  log.info(`Starting ${what} on ${where}`);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(at.port, at.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    throw new CliError(`cannot listen on ${where}: ${errorMessage(error)}`, 1, { cause: error });
  }
  servers.push(server);
  const address = server.address() as AddressInfo;
  const url = `http://${formatHostPort(address.address, address.port)}`;
  log.info(`${what} listening on ${url}`, { url });
  return url;
}

function close(server: Server): Promise<void> {
  if (isApiServer(server)) return server.shutdown(SHUTDOWN_GRACE_MS);
  return new Promise((resolve) => {
    // A keep-alive connection whose request just finished would otherwise stay open
    // until its timeout: close idle ones as soon as they are.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** The original's log lines for failures behind a response, collapsed while they repeat. */
function requestFailed(
  settings: ApiServiceSettings,
  event: ApiErrorEvent,
  metrics: PoolStatsMetrics | undefined,
): void {
  const { failures, link } = settings;
  if (event.kind === "nodes" || event.kind === "account") {
    metrics?.countRedisError(event.kind, event.error);
    const text =
      event.kind === "nodes" ? "Failed to get nodes stats from backend" : "Failed to fetch account stats from backend";
    failures.failed(event.kind, text, link.explain(event.error), { url: event.url });
  } else if (event.kind === "luck") {
    settings.log.error(errorMessage(event.error));
  } else {
    settings.log.error(`Internal error answering ${event.method} ${event.url}: ${errorMessage(event.error)}`);
  }
}

function isApiServer(server: Server): server is ApiServer {
  return typeof (server as Partial<ApiServer>).shutdown === "function";
}

const DROP_REASONS: Readonly<Record<ConnectionDroppedEvent["reason"], string>> = {
  overloaded: "it left its responses unread past the server's bound",
  pipelining: "too many pipelined requests ahead of its responses",
  "slow-event-client": "an /api/events client that does not read its events",
};

/** A connection the server closed to keep its bounds: one line each (they are rare and chosen). */
function connectionDropped(log: Logger, event: ConnectionDroppedEvent): void {
  log.warn(`Closed connection from ${event.remoteAddress ?? "?"}: ${DROP_REASONS[event.reason]}`, {
    reason: event.reason,
    remoteAddress: event.remoteAddress,
  });
}
