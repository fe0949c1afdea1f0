import type { StatsCache } from "../cache/stats-cache.js";

/**
 * What the response builders read: a {@link StatsCache}, or anything with the same
 * members (a wrapper that adds metrics, for example).
 */
export type ApiStatsSource = Pick<StatsCache, "snapshot" | "config" | "lastError" | "getNodeStates" | "getAccount">;
