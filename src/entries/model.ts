/**
 * `open-pool-stats/model`: every type the library's results, options and events are
 * made of, the seams a wrapper implements, and the defaults of the options.
 * @packageDocumentation
 */

export { HASHRATE_WINDOW_DEFAULTS, type ResolvedHashrateWindowOptions } from "../backend/hashrate-window.js";
export type { AccountCacheSizes } from "../cache/account-cache.js";
export { DEFAULT_CHART_LEASE_MS, STATS_CACHE_CONFIG_DEFAULTS } from "../cache/cache-config.js";
export { STATS_CACHE_OPTION_DEFAULTS } from "../cache/cache-options.js";
export { CHART_STORE_DEFAULTS, type ChartStoreOptions } from "../charts/redis-chart-store.js";
export type { PoolStatsErrorOptions } from "../errors/pool-stats-error.js";
export type { Account, AccountFound, AccountNotFound, AccountResult } from "../model/account.js";
export type {
  ChartAverage,
  ChartAverages,
  ChartSampleReport,
  ChartSeries,
  ChartSettings,
  ChartStore,
  MinerChartPoint,
  MinerCharts,
  PoolChartPoint,
  PoolCharts,
} from "../model/charts.js";
export type {
  ChartsConfig,
  ResolvedChartsConfig,
  ResolvedStatsCacheConfig,
  StatsCacheConfig,
} from "../model/config.js";
export type {
  PurgedEvent,
  StatsCacheErrorEvent,
  StatsCacheEventMap,
  StatsCacheListener,
  StatsCacheOperation,
} from "../model/events.js";
export type {
  AccountWindow,
  HashrateReadReport,
  HashrateSweepReport,
  HashrateWindow,
  HashrateWindowOptions,
} from "../model/hashrate.js";
export type { MalformedCounts, MalformedEvent, MalformedReason, MalformedSink } from "../model/malformed.js";
export type {
  LuckStats,
  MinerStats,
  NodeStates,
  PoolStats,
  PurgeResult,
  ReadReport,
  WorkersStats,
} from "../model/results.js";
export type {
  AccountPayment,
  BlockRow,
  HashrateUncertainty,
  LuckRow,
  MinerHashrate,
  MinersHashrate,
  NodeState,
  PaymentRow,
  PoolPayment,
  StringIntMap,
  WorkerHashrate,
  WorkersHashrate,
} from "../model/rows.js";
export type { StatsBackend, StatsSource } from "../model/seams.js";
export type { StatsSnapshot } from "../model/snapshot.js";
export { BULK_DEFAULTS, type BulkConnectionOptions } from "../redis/bulk-link.js";
export type { CommandReply, RedisClient, RedisCommand } from "../redis/client.js";
export type { Clock } from "../time/clock.js";
export type { Milliseconds, Seconds } from "../time/units.js";
