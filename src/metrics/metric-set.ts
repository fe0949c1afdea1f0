import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import type { StatsCacheErrorEvent, StatsCacheEventMap, StatsCacheListener } from "../model/events.js";
import type { HashrateReadReport } from "../model/hashrate.js";
import type { StatsSnapshot } from "../model/snapshot.js";
import { summarizeFailure } from "../redis/failure-summary.js";
import { startStopwatch } from "../time/stopwatch.js";
import { type RouteLabelOptions, routeLabel } from "./route-label.js";

/** What the metrics read of a cache: a `StatsCache` has all of it. */
export interface MetricsCache {
  readonly snapshot: StatsSnapshot | undefined;
  snapshotAge(): number | undefined;
  on<K extends keyof StatsCacheEventMap>(event: K, listener: StatsCacheListener<K>): () => void;
  accountCacheSizes(): {
    readonly accounts: number;
    readonly notFound: number;
    readonly inFlight: number;
    readonly windows?: number;
    readonly windowEntries?: number;
  };
  accountCacheCounts(): { readonly hits: number; readonly misses: number; readonly notFound: number };
}

/** What {@link registerPoolStatsMetrics} observes. */
export interface PoolStatsMetricsOptions extends RouteLabelOptions {
  /** The cache: its collections, purges and errors (events), snapshot and account cache. */
  readonly cache: MetricsCache;
  /**
   * The backend, for how each collection read its window (`lastHashrateRead`: mode,
   * members read). Without it the collection histogram's `mode` is `"unknown"`.
   */
  readonly backend?: { readonly lastHashrateRead: HashrateReadReport | undefined };
  /** The SSE clients connected now (a host with an event stream passes its count). */
  readonly sseClients?: () => number;
  /** Whether the Redis connection can take commands now. */
  readonly redisReady?: () => boolean;
  /** Prefix of every metric name. @defaultValue "open_pool_stats_" */
  readonly prefix?: string;
}

/** A `node:http` request listener. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The metrics registered by {@link registerPoolStatsMetrics}, and the ways to feed them. */
export interface PoolStatsMetrics {
  /** The registry they are on. */
  readonly registry: Registry;
  /**
   * Wraps a `node:http` request listener (e.g. `createApiHandler(cache)`): each response is
   * counted by route and status and timed, when it finishes. The listener is not changed
   * otherwise: the same bytes go out.
   */
  instrument(listener: RequestListener): RequestListener;
  /** Records one finished request, for hosts with their own server (`route` from {@link routeLabel}). */
  observeRequest(route: string, status: number, seconds: number): void;
  /** Counts a Redis failure the host saw itself (a connection error, a failed account read). */
  countRedisError(operation: string, error: unknown): void;
  /** A `node:http` listener answering `GET /metrics` with the registry in the text format. */
  readonly handler: RequestListener;
  /** Stops listening to the cache's events (the metrics stay registered). */
  dispose(): void;
}

/** prom-client's module: given, so this file never imports it (the CLI loads it only on demand). */
export type PromClient = typeof import("prom-client");

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const REQUEST_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Registers the metrics of {@link registerPoolStatsMetrics} with the classes of `prom`.
 * @internal
 */
export function buildPoolStatsMetrics(
  prom: PromClient,
  registry: Registry,
  options: PoolStatsMetricsOptions,
): PoolStatsMetrics {
  const { Counter, Gauge, Histogram } = prom;
  const { cache, backend } = options;
  const p = options.prefix ?? "open_pool_stats_";
  const registers = [registry];
  const collection = new Histogram({
    name: `${p}collection_duration_seconds`,
    help: "Duration of each snapshot collection, by how the pool window was read (cold, tail, repair, resync)",
    labelNames: ["mode"],
    buckets: SECONDS,
    registers,
  });
  const membersRead = new Counter({
    name: `${p}collection_members_read_total`,
    help: "Share members read from Redis by collections, by window read mode",
    labelNames: ["mode"],
    registers,
  });
  new Gauge({
    name: `${p}snapshot_age_seconds`,
    help: "Age of the snapshot being served, by the cache's clock (NaN before the first)",
    registers,
    collect() {
      const age = cache.snapshotAge();
      this.set(age === undefined ? Number.NaN : age / 1000);
    },
  });
  new Gauge({
    name: `${p}snapshot_version`,
    help: "Version of the snapshot being served (0 before the first)",
    registers,
    collect() {
      this.set(cache.snapshot?.version ?? 0);
    },
  });
  const redisErrors = new Counter({
    name: `${p}redis_errors_total`,
    help: "Redis failures by operation and code (Redis's own, e.g. WRONGPASS, LOADING; the socket's, e.g. ECONNREFUSED; or NO_ANSWER)",
    labelNames: ["operation", "code"],
    registers,
  });
  new Gauge({
    name: `${p}account_cache_entries`,
    help: "Entries of the account cache: accounts, remembered not-found answers, refreshes in flight",
    labelNames: ["kind"],
    registers,
    collect() {
      const sizes = cache.accountCacheSizes();
      this.set({ kind: "accounts" }, sizes.accounts);
      this.set({ kind: "not_found" }, sizes.notFound);
      this.set({ kind: "in_flight" }, sizes.inFlight);
      if (sizes.windows !== undefined) this.set({ kind: "windows" }, sizes.windows);
    },
  });
  new Gauge({
    name: `${p}account_window_entries`,
    help: "(worker, second) entries held by the accounts' windows, about 20 bytes each",
    registers,
    collect() {
      this.set(cache.accountCacheSizes().windowEntries ?? 0);
    },
  });
  const answers = (name: string, help: string, pick: (c: ReturnType<MetricsCache["accountCacheCounts"]>) => number) =>
    new Counter({
      name: `${p}${name}`,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(pick(cache.accountCacheCounts()));
      },
    });
  answers("account_cache_hits_total", "Account answers served from memory", (c) => c.hits);
  answers("account_cache_misses_total", "Account answers that needed Redis", (c) => c.misses);
  answers("account_cache_not_found_total", 'Account answers "no such miner"', (c) => c.notFound);
  const requests = new Counter({
    name: `${p}http_requests_total`,
    help: "HTTP responses by route and status",
    labelNames: ["route", "status"],
    registers,
  });
  const latency = new Histogram({
    name: `${p}http_request_duration_seconds`,
    help: "Time from a request's arrival to its response's end, by route",
    labelNames: ["route"],
    buckets: REQUEST_SECONDS,
    registers,
  });
  if (options.sseClients !== undefined) {
    const count = options.sseClients;
    new Gauge({
      name: `${p}sse_clients`,
      help: "Clients connected to the event stream",
      registers,
      collect() {
        this.set(count());
      },
    });
  }
  if (options.redisReady !== undefined) {
    const ready = options.redisReady;
    new Gauge({
      name: `${p}redis_ready`,
      help: "1 while the Redis connection can take commands, else 0",
      registers,
      collect() {
        this.set(ready() ? 1 : 0);
      },
    });
  }
  const purge = new Histogram({
    name: `${p}purge_duration_seconds`,
    help: "Duration of each purge of stale shares",
    buckets: SECONDS,
    registers,
  });
  const removed = new Counter({
    name: `${p}purge_removed_total`,
    help: "Stale shares removed by purges",
    registers,
  });

  const countRedisError = (operation: string, error: unknown): void => {
    redisErrors.inc({ operation, code: summarizeFailure(error).code });
  };
  const observeRequest = (route: string, status: number, seconds: number): void => {
    requests.inc({ route, status: String(status) });
    latency.observe({ route }, seconds);
  };
  const unsubscribe = [
    cache.on("collected", (snapshot) => {
      const read = backend?.lastHashrateRead;
      const mode = read?.mode ?? "unknown";
      collection.observe({ mode }, snapshot.durationMs / 1000);
      if (read !== undefined) membersRead.inc({ mode }, read.membersRead);
    }),
    cache.on("purged", (event) => {
      purge.observe(event.durationMs / 1000);
      removed.inc(event.result.removed);
    }),
    cache.on("error", (event: StatsCacheErrorEvent) => countRedisError(event.operation, event.error)),
  ];
  const routes: RouteLabelOptions = {
    ...(options.healthPath === undefined ? {} : { healthPath: options.healthPath }),
    ...(options.metricsPath === undefined ? {} : { metricsPath: options.metricsPath }),
  };
  return {
    registry,
    instrument: (listener) => (req, res) => {
      const elapsed = startStopwatch();
      const route = routeLabel(req.url ?? "/", routes);
      res.once("finish", () => observeRequest(route, res.statusCode, elapsed() / 1000));
      listener(req, res);
    },
    observeRequest,
    countRedisError,
    handler: (req, res) => {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { "Content-Type": registry.contentType, "Content-Length": Buffer.byteLength(text) });
          res.end(req.method === "HEAD" ? undefined : text);
        },
        () => {
          res.writeHead(500, { "Content-Length": 0 }).end();
        },
      );
    },
    dispose: () => {
      for (const off of unsubscribe) off();
    },
  };
}
