import type { PoolCharts } from "./charts.js";
import type { LuckStats, PoolStats } from "./results.js";

/**
 * One collection of the pool statistics, as {@link StatsCache} serves it: deeply frozen,
 * and replaced as a whole by the next successful collection (readers never see a mix).
 */
export interface StatsSnapshot {
  /** 1 for the first successful collection, then +1 for each; never reused. */
  readonly version: number;
  /** The cache's clock (epoch ms) when the collection started, before its Redis reads. */
  readonly collectedAt: number;
  /** How long the collection took by the cache's clock (both reads), in ms. */
  readonly durationMs: number;
  /** The pool statistics: the original's `CollectStats`. */
  readonly stats: PoolStats;
  /** The luck rows (the original's `CollectLuckStats`), or `null` when `luckWindow` is empty. */
  readonly luck: LuckStats | null;
  /**
   * The pool's chart series (`P:charts:pool`) with its averages, read with the collection
   * when `charts.enabled`; absent otherwise. When a read of it fails the previous one is
   * kept (absent if there was none).
   */
  readonly charts?: PoolCharts;
}
