import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";
import { RedisStatsBackend } from "../backend/redis-stats-backend.js";
import { StatsCache } from "../cache/stats-cache.js";
import { formatDuration } from "../go/duration.js";
import { type ApiServer, createApiServer } from "../http/api-server.js";
import type { ApiErrorEvent } from "../http/create-api-handler.js";
import type { StatsCacheConfig } from "../model/config.js";
import type { StatsSnapshot } from "../model/snapshot.js";
import { CliError } from "./cli-error.js";
import { formatHostPort, type HostPort } from "./host-port.js";
import { errorMessage, type Logger } from "./logger.js";

/** Settings of an {@link ApiService}. @internal */
export interface ApiServiceSettings {
  readonly redis: Redis;
  readonly prefix: string;
  readonly api: StatsCacheConfig;
  /** Where to listen; ignored in `purgeOnly` mode (no HTTP, as in the original). */
  readonly listen: HostPort;
  readonly log: Logger;
  /** Log every collection (a service does; the demo keeps quiet). @defaultValue true */
  readonly logCollections?: boolean;
  /** Whether to purge (StatsCache's `purge` option). @defaultValue true */
  readonly purge?: boolean;
}

/** How long `stop()` lets requests in flight finish before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The original API process: a {@link StatsCache} (purge, first collection, then both
 * loops) and, unless `purgeOnly`, the hardened server of {@link createApiServer}, logging
 * like the original (with timestamps).
 * @internal
 */
export class ApiService {
  /** `http://host:port` actually bound, or `undefined` in purge-only mode. */
  readonly url: string | undefined;

  private constructor(
    readonly cache: StatsCache,
    private readonly server: ApiServer | undefined,
  ) {
    const address = server?.address() as AddressInfo | null | undefined;
    this.url = address ? `http://${formatHostPort(address.address, address.port)}` : undefined;
  }

  /** Starts the cache, then listens, as the original's `Start()` does; rejects with a {@link CliError}. */
  static async start(settings: ApiServiceSettings): Promise<ApiService> {
    const { log, api } = settings;
    const purge = settings.purge ?? true;
    let cache: StatsCache;
    try {
      cache = new StatsCache(new RedisStatsBackend(settings.redis, { prefix: settings.prefix }), api, { purge });
    } catch (error) {
      throw new CliError(errorMessage(error), 1, { cause: error });
    }
    const purgeOnly = cache.config.purgeOnly;
    log.info(
      purgeOnly
        ? "Starting API in purge-only mode"
        : `Starting API on ${formatHostPort(settings.listen.host, settings.listen.port)}`,
    );
    if (!purgeOnly) log.info(`Set stats collect interval to ${formatDuration(cache.config.statsCollectIntervalMs)}`);
    log.info(
      purge ? `Set purge interval to ${formatDuration(cache.config.purgeIntervalMs)}` : "Purging disabled (--no-purge)",
    );
    watch(cache, log, settings.logCollections ?? true);
    await cache.start();
    if (purgeOnly) return new ApiService(cache, undefined);
    // The original has no server timeouts nor bounds; createApiServer's defaults have both.
    const server = createApiServer(cache, {
      onError: (event) => logRequestError(log, event),
      onConnectionDropped: ({ reason, remoteAddress }) =>
        log.error(`Closed connection from ${remoteAddress ?? "?"}: ${DROP_REASONS[reason]}`),
    });
    try {
      await listen(server, settings.listen);
    } catch (error) {
      await cache.stop();
      const where = formatHostPort(settings.listen.host, settings.listen.port);
      throw new CliError(`cannot listen on ${where}: ${errorMessage(error)}`, 1, { cause: error });
    }
    const service = new ApiService(cache, server);
    log.info(`API listening on ${service.url}`);
    return service;
  }

  /**
   * Stops the cache's loops at once (no collection starts during the shutdown), stops
   * accepting connections, ends the event streams and lets requests in flight finish
   * (closing idle keep-alive connections at once, and the rest after a grace period). No
   * request waits on a hung Redis for more than the server's bounds, and the cache's stop
   * is bounded too, so this takes about a second plus the responses in flight. The Redis
   * connection is the caller's to close afterwards.
   */
  async stop(): Promise<void> {
    const cacheStopped = this.cache.stop();
    if (this.server !== undefined) await this.server.shutdown(SHUTDOWN_GRACE_MS);
    await cacheStopped;
  }
}

const DROP_REASONS = {
  overloaded: "it left its responses unread past the server's bound",
  pipelining: "too many pipelined requests ahead of its responses",
  "slow-event-client": "an /api/events client that does not read its events",
} as const;

function listen(server: ApiServer, { host, port }: HostPort): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** The original's log lines for the loops, with what the snapshot adds. */
function watch(cache: StatsCache, log: Logger, collections: boolean): void {
  cache.on("collected", (snapshot) => {
    if (collections) log.info(`Stats collection finished ${formatDuration(snapshot.durationMs)}${details(snapshot)}`);
  });
  cache.on("purged", ({ result, durationMs }) => {
    log.info(
      `Purged stale stats from backend, ${result.removed} shares affected, elapsed time ${formatDuration(durationMs)}`,
    );
  });
  cache.on("error", ({ operation, error, login }) => {
    if (operation === "collect") log.error(`Failed to fetch stats from backend: ${errorMessage(error)}`);
    else if (operation === "purge") log.error(`Failed to purge stale data from backend: ${errorMessage(error)}`);
    else log.error(`Failed to refresh account ${login ?? "?"}: ${errorMessage(error)}`);
  });
}

function details(snapshot: StatsSnapshot): string {
  const { stats } = snapshot;
  const skipped = Object.entries({ ...stats.malformed, ...snapshot.luck?.malformed });
  const malformed =
    skipped.length === 0 ? "" : `; skipped malformed: ${skipped.map(([k, n]) => `${k}=${n}`).join(", ")}`;
  return ` (version ${snapshot.version}, ${stats.minersTotal} miners, ${stats.hashrate} H/s${malformed})`;
}

function logRequestError(log: Logger, event: ApiErrorEvent): void {
  const message = errorMessage(event.error);
  if (event.kind === "nodes") log.error(`Failed to get nodes stats from backend: ${message}`);
  else if (event.kind === "account") log.error(`Failed to fetch stats from backend: ${message} (${event.url})`);
  else if (event.kind === "luck") log.error(message);
  else log.error(`Internal error answering ${event.method} ${event.url}: ${message}`);
}
