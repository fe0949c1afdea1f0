import type { RedisStatsBackend } from "../backend/redis-stats-backend.js";

/**
 * The reads {@link StatsCache} uses: a `RedisStatsBackend`, or anything with the same
 * methods (a wrapper that adds metrics or tracing, for example).
 */
export type StatsCacheBackend = Pick<
  RedisStatsBackend,
  | "collectStats"
  | "collectLuckStats"
  | "flushStaleStats"
  | "minerExists"
  | "getMinerStats"
  | "collectWorkersStats"
  | "getNodeStates"
>;
