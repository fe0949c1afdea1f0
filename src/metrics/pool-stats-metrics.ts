import * as prom from "prom-client";
import { buildPoolStatsMetrics, type PoolStatsMetrics, type PoolStatsMetricsOptions } from "./metric-set.js";

/**
 * Registers the pool service's metrics on a prom-client `registry` the host passes (its
 * own, or prom-client's global `register`), fed by the cache's events and read from it at
 * scrape time: collection duration by window read mode (cold/tail/repair/resync) and
 * members read, snapshot age and version, Redis errors by code, the account cache's size,
 * hits, misses and "not found" answers, HTTP requests by route and status with a latency
 * histogram (through {@link PoolStatsMetrics.instrument}), SSE clients, purge duration and
 * shares removed. Register once per registry (prom-client refuses a name twice).
 *
 * prom-client is an optional peer dependency: install it to use `open-pool-stats/metrics`.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * const metrics = registerPoolStatsMetrics(registry, { cache, backend });
 * const api = metrics.instrument(createApiHandler(cache));
 * createServer((req, res) => (req.url === "/metrics" ? metrics.handler(req, res) : api(req, res))).listen(8080);
 * ```
 */
export function registerPoolStatsMetrics(registry: prom.Registry, options: PoolStatsMetricsOptions): PoolStatsMetrics {
  return buildPoolStatsMetrics(prom, registry, options);
}

/**
 * A new prom-client `Registry`, with prom-client's default process metrics (CPU, memory,
 * event-loop delay, GC) unless `defaultMetrics` is false: what `open-pool-stats serve
 * --metrics` serves.
 */
export function createMetricsRegistry(options: { readonly defaultMetrics?: boolean } = {}): prom.Registry {
  const registry = new prom.Registry();
  if (options.defaultMetrics ?? true) prom.collectDefaultMetrics({ register: registry });
  return registry;
}
