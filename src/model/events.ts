import type { ChartSampleReport } from "./charts.js";
import type { PurgeResult } from "./results.js";
import type { StatsSnapshot } from "./snapshot.js";

/** A successful purge, as the `purged` event reports it. */
export interface PurgedEvent {
  /** What the purge removed. */
  readonly result: PurgeResult;
  /** The cache's clock (epoch ms) when the purge started. */
  readonly at: number;
  /** How long the purge took by the cache's clock, in ms. */
  readonly durationMs: number;
}

/**
 * What failed: the snapshot collection, the purge, a background account refresh, or the
 * charts (a read of the pool series, which keeps the previous one, or a sampling turn).
 */
export type StatsCacheOperation = "collect" | "purge" | "account" | "charts";

/** A failure the cache handled itself (nobody awaited it), as the `error` event reports it. */
export interface StatsCacheErrorEvent {
  readonly operation: StatsCacheOperation;
  /** Usually a `BackendUnavailableError`. */
  readonly error: unknown;
  /** The cache's clock (epoch ms) when the failed run started. */
  readonly at: number;
  /** The account whose background refresh failed (`operation: "account"` only). */
  readonly login?: string;
}

/**
 * The events of {@link StatsCache} and what each listener receives:
 *
 * - `collected`: every new snapshot, right after it is in place;
 * - `purged`: every successful purge;
 * - `sampled`: a chart sampling turn that acquired the lease or found a round due (charts only);
 * - `error`: a failed collection or purge (the previous snapshot stays), a failed
 *   stale-while-revalidate background refresh, or a failed chart read or sampling turn.
 *   Failures of a `getAccount` call are not events: that call rejects.
 */
export interface StatsCacheEventMap {
  readonly collected: StatsSnapshot;
  readonly purged: PurgedEvent;
  readonly sampled: ChartSampleReport;
  readonly error: StatsCacheErrorEvent;
}

/** A listener of event `K`. Its exceptions (and rejections, if it is async) are swallowed. */
export type StatsCacheListener<K extends keyof StatsCacheEventMap> = (event: StatsCacheEventMap[K]) => void;
