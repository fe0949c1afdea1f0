/**
 * open-pool-stats: an open-ethereum-pool pool's statistics, read out of Redis with the
 * original's key layout, numbers and JSON bytes.
 *
 * The root holds what a host uses: the backend, the cache, the HTTP handler, their
 * options and results, the errors. The rest is behind subpaths: `open-pool-stats/model`
 * (every type), `/convert` (the pure converters and Go's parsing rules), `/json` (the
 * original's JSON shapes), `/http` (the router and the framework-agnostic builders),
 * `/writer` (the original's writers), `/keys` (the key layout) and `/testing` (seeding,
 * the original's read method, a throwaway redis-server).
 * @packageDocumentation
 */

export { RedisStatsBackend, type RedisStatsBackendOptions } from "./backend/redis-stats-backend.js";
export type { StatsCacheOptions } from "./cache/cache-options.js";
export { StatsCache } from "./cache/stats-cache.js";
export { BackendUnavailableError } from "./errors/backend-unavailable-error.js";
export { ClusterSlotError } from "./errors/cluster-slot-error.js";
export { CommandFailedError } from "./errors/command-failed-error.js";
export { InvalidArgumentError } from "./errors/invalid-argument-error.js";
export { InvalidDurationError } from "./errors/invalid-duration-error.js";
export { isPoolStatsError, PoolStatsError, type PoolStatsErrorCode } from "./errors/pool-stats-error.js";
export { ReadOnlyReplicaError } from "./errors/read-only-replica-error.js";
export { UnsupportedJsonValueError } from "./errors/unsupported-json-value-error.js";
export { type DurationInput, parseDuration } from "./go/duration.js";
export { toGoJson } from "./go/json.js";
export { type ApiHandlerOptions, createApiHandler } from "./http/create-api-handler.js";
export type { Account, AccountResult } from "./model/account.js";
export type { StatsCacheConfig } from "./model/config.js";
export type {
  AccountWindow,
  HashrateReadReport,
  HashrateWindow,
  HashrateWindowOptions,
} from "./model/hashrate.js";
export type { LuckStats, MinerStats, NodeStates, PoolStats, PurgeResult, WorkersStats } from "./model/results.js";
export type { StatsSnapshot } from "./model/snapshot.js";
export type { RedisClient } from "./redis/client.js";
export { SERVICE_CLUSTER_OPTIONS, SERVICE_REDIS_OPTIONS } from "./redis/service-options.js";
export type { Clock } from "./time/clock.js";
