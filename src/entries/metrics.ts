/**
 * `open-pool-stats/metrics`: the pool service's Prometheus metrics on a prom-client
 * registry the host passes — collections, snapshot age, Redis errors by code, the account
 * cache, HTTP requests by route, purges — and a wrapper that times a `node:http` listener.
 * prom-client is an optional peer dependency of this entry point only.
 * @packageDocumentation
 */

export type {
  MetricsCache,
  PoolStatsMetrics,
  PoolStatsMetricsOptions,
  RequestListener,
} from "../metrics/metric-set.js";
export { createMetricsRegistry, registerPoolStatsMetrics } from "../metrics/pool-stats-metrics.js";
export { type RouteLabelOptions, routeLabel } from "../metrics/route-label.js";
