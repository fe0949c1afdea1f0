import { RedisStatsBackend, type RedisStatsBackendOptions } from "../../src/backend/redis-stats-backend.js";
import type { DurationInput } from "../../src/go/duration.js";
import type { HashrateWindow } from "../../src/model/hashrate.js";
import type { PoolStats } from "../../src/model/results.js";
import type { RedisClient } from "../../src/redis/client.js";
import { OriginalMethodBackend } from "../../src/testing/original-method-backend.js";

/**
 * The three ways a window can be read, which must all give the same results:
 * - `incremental`: the backend's own window, kept between calls (the default);
 * - `chunked`: a new window for every call, so every call reads the whole window in chunks;
 * - `original`: the original's trim and full `ZRANGE` ({@link OriginalMethodBackend}).
 */
export type ReadStrategy = "incremental" | "chunked" | "original";

/** A backend reading with `readStrategy` (default incremental). */
export function strategyBackend(
  redis: RedisClient,
  options: RedisStatsBackendOptions & { readonly readStrategy?: ReadStrategy },
): RedisStatsBackend {
  const { readStrategy = "incremental", ...rest } = options;
  if (readStrategy === "original") return new OriginalMethodBackend(redis, rest);
  if (readStrategy === "chunked") return new ChunkedBackend(redis, rest);
  return new RedisStatsBackend(redis, rest);
}

/** Reads the whole window every time: a fresh window per call. */
class ChunkedBackend extends RedisStatsBackend {
  override collectStats(
    window: DurationInput | HashrateWindow,
    maxBlocks: number,
    maxPayments: number,
  ): Promise<PoolStats> {
    const fresh =
      typeof window === "object" ? this.hashrateWindow(window.windowSeconds * 1000) : this.hashrateWindow(window);
    return super.collectStats(fresh, maxBlocks, maxPayments);
  }
}
