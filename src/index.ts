export type { Account, AccountFound, AccountNotFound, AccountResult } from "./model/account.js";
export type { ResolvedStatsCacheConfig, StatsCacheConfig } from "./model/config.js";
export type {
  PurgedEvent,
  StatsCacheErrorEvent,
  StatsCacheEventMap,
  StatsCacheListener,
  StatsCacheOperation,
} from "./model/events.js";
export type { MalformedCounts, MalformedEvent, MalformedReason, MalformedSink } from "./model/malformed.js";
export type {
  AccountPayment,
  BlockRow,
  LuckRow,
  MinerHashrate,
  MinersHashrate,
  NodeState,
  PaymentRow,
  PoolPayment,
  StringIntMap,
  WorkerHashrate,
  WorkersHashrate,
} from "./model/rows.js";
/**
 * open-pool-stats: an open-ethereum-pool pool's statistics, read out of Redis with the
 * original's key layout, numbers and JSON bytes.
 * @packageDocumentation
 */

export { RedisStatsBackend, type RedisStatsBackendOptions } from "./backend/redis-stats-backend.js";
export type { AccountCacheSizes } from "./cache/account-cache.js";
export { STATS_CACHE_CONFIG_DEFAULTS } from "./cache/cache-config.js";
export { STATS_CACHE_OPTION_DEFAULTS, type StatsCacheOptions } from "./cache/cache-options.js";
export { StatsCache } from "./cache/stats-cache.js";
export { convertBlocks, convertCandidates } from "./convert/blocks.js";
export { convertLuck, luckRatio } from "./convert/luck.js";
export { convertMinersStats, finalizeMiners } from "./convert/miners.js";
export { convertNodeStates } from "./convert/node-states.js";
export { convertPayments, isPoolPayment } from "./convert/payments.js";
export { type HashEntries, toHashEntries, toZsetWithScores, type ZsetWithScores } from "./convert/reply-shapes.js";
export {
  addShare,
  aggregateShares,
  emptyAggregate,
  MIN_TIME_ONLINE_S,
  type ShareAggregate,
  startedAtOf,
} from "./convert/shares.js";
export { convertStringMap } from "./convert/string-map.js";
export { convertWorkersStats, finalizeWorkers } from "./convert/workers.js";
export * from "./errors/index.js";
export { parseGoBool } from "./go/bool.js";
export { type DurationInput, formatDuration, parseDuration } from "./go/duration.js";
export { parseGoInt, parseGoInt64 } from "./go/int.js";
export { type GoJsonStruct, type GoJsonValue, goQuote, toGoJson } from "./go/json.js";
export { parseScore } from "./go/score.js";
export { compareUtf8 } from "./go/utf8-order.js";
export { ACCOUNT_LOGIN_PATTERN, buildAccountResponse } from "./http/account-response.js";
export type { ApiRequestContext } from "./http/api-request-context.js";
export { API_HEADERS, type ApiFailure, type ApiResponse } from "./http/api-response.js";
export { type ApiRouter, type ApiRouterOptions, createApiRouter } from "./http/api-router.js";
export { buildBlocksResponse } from "./http/blocks-response.js";
export {
  type ApiErrorEvent,
  type ApiHandlerOptions,
  type ApiRequestListener,
  createApiHandler,
} from "./http/create-api-handler.js";
export {
  buildHealthResponse,
  defaultStaleAfterMs,
  type HealthBody,
  type HealthRequestContext,
} from "./http/health-response.js";
export { buildMinersResponse } from "./http/miners-response.js";
export { buildNotFoundResponse } from "./http/not-found-response.js";
export { buildPaymentsResponse } from "./http/payments-response.js";
export { buildStatsResponse } from "./http/stats-response.js";
export {
  accountToGo,
  blocksToGo,
  blockToGo,
  luckRowToGo,
  luckToGo,
  minerStatsToGo,
  minersToGo,
  minerToGo,
  nodeStatesToGo,
  nodeStateToGo,
  paymentsToGo,
  paymentToGo,
  poolStatsToGo,
  workersStatsToGo,
  workerToGo,
} from "./json/compat-shapes.js";
export { escapeGlob, PoolKeys } from "./keys/pool-keys.js";
export type {
  LuckStats,
  MinerStats,
  NodeStates,
  PoolStats,
  PurgeResult,
  ReadReport,
  WorkersStats,
} from "./model/results.js";
export type { StatsBackend, StatsSource } from "./model/seams.js";
export type { StatsSnapshot } from "./model/snapshot.js";
export type { CommandReply, RedisClient, RedisCommand } from "./redis/client.js";
export { CLUSTER_SLOTS, crc16, keySlot } from "./redis/key-slot.js";
export { SERVICE_CLUSTER_OPTIONS, SERVICE_REDIS_OPTIONS } from "./redis/service-options.js";
export type { SeedShare, SeedSharesOptions, SeedSharesResult } from "./testing/seed-shares.js";
export { type Clock, systemClock } from "./time/clock.js";
export { formatBlockMember, formatCandidateMember } from "./writer/members.js";
export { RedisPoolWriter, type RedisPoolWriterOptions } from "./writer/redis-pool-writer.js";
export {
  type BlockInput,
  type IntegerInput,
  normalizeWorkerId,
  type PowParams,
  type RoundRewards,
} from "./writer/writer-inputs.js";
