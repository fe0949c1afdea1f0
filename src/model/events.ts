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

/** What failed: the snapshot collection, the purge, or a background account refresh. */
export type StatsCacheOperation = "collect" | "purge" | "account";

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
 * - `error`: a failed collection or purge (the previous snapshot stays), or a failed
 *   stale-while-revalidate background refresh. Failures of a `getAccount` call are not
 *   events: that call rejects.
 */
export interface StatsCacheEventMap {
  readonly collected: StatsSnapshot;
  readonly purged: PurgedEvent;
  readonly error: StatsCacheErrorEvent;
}

/** A listener of event `K`. Its exceptions (and rejections, if it is async) are swallowed. */
export type StatsCacheListener<K extends keyof StatsCacheEventMap> = (event: StatsCacheEventMap[K]) => void;
