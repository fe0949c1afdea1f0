import type { DurationInput } from "../go/duration.js";
import type { Clock } from "../time/clock.js";
import type { AccountResult } from "./account.js";
import type { ChartSettings, ChartStore } from "./charts.js";
import type { ResolvedStatsCacheConfig } from "./config.js";
import type { StatsCacheErrorEvent, StatsCacheEventMap, StatsCacheListener } from "./events.js";
import type { AccountWindow, HashrateWindow } from "./hashrate.js";
import type { LuckStats, MinerStats, NodeStates, PoolStats, PurgeResult, WorkersStats } from "./results.js";
import type { StatsSnapshot } from "./snapshot.js";

/**
 * What a `StatsCache` needs from its backend: the reads of the original's storage layer
 * and the one clock. `RedisStatsBackend` implements it; so can a wrapper that adds
 * metrics or tracing around one (delegate every member).
 */
export interface StatsBackend {
  /** The clock, epoch ms: the cache and everything built on it read this one. */
  readonly now: Clock;
  /** A pool window of `window` held in memory, for `collectStats`. */
  hashrateWindow(window: DurationInput): HashrateWindow;
  collectStats(window: DurationInput | HashrateWindow, maxBlocks: number, maxPayments: number): Promise<PoolStats>;
  collectLuckStats(windows: readonly number[]): Promise<LuckStats>;
  flushStaleStats(window: DurationInput, largeWindow: DurationInput): Promise<PurgeResult>;
  minerExists(login: string): Promise<boolean>;
  getMinerStats(login: string, maxPayments: number): Promise<MinerStats>;
  /** The account's workers; with `window` (from {@link StatsBackend.accountWindow}) only what changed is read. */
  collectWorkersStats(
    smallWindow: DurationInput,
    largeWindow: DurationInput,
    login: string,
    window?: AccountWindow,
  ): Promise<WorkersStats>;
  /**
   * Optional: an account window held in memory, for `collectWorkersStats`. A backend
   * without it reads each account's large window in full on every refresh.
   */
  accountWindow?(login: string, smallWindow: DurationInput, largeWindow: DurationInput): AccountWindow;
  getNodeStates(): Promise<NodeStates>;
  /**
   * Optional: resolves once the connection can take commands (`true`), or with `false`
   * after `timeoutMs` or when it never will (closed, or never opened); never rejects.
   * `StatsCache.start()` awaits it before its first purge and collection.
   */
  whenReady?(timeoutMs: number): Promise<boolean>;
  /**
   * A store of the pool's chart series with these rules, for a cache with
   * `charts.enabled`. Optional: a backend without it cannot serve charts (the cache then
   * refuses `charts.enabled`).
   */
  chartStore?(settings: ChartSettings): ChartStore;
}

/**
 * What the HTTP layer (the router, the response builders, the health check) reads: a
 * `StatsCache`, or anything with the same members (a wrapper that adds metrics, say).
 */
export interface StatsSource {
  /** The clock the routes answer by (`now` in bodies, ages in headers, health). */
  readonly now: Clock;
  /**
   * The settings the routes need: `Retry-After` and staleness follow the collection
   * interval; `charts` (non-null) and `uncertainty` add their fields to the bodies.
   */
  readonly config: Pick<ResolvedStatsCacheConfig, "statsCollectIntervalMs"> &
    Partial<Pick<ResolvedStatsCacheConfig, "charts" | "uncertainty">>;
  /** The latest pool snapshot, `undefined` before the first. */
  readonly snapshot: StatsSnapshot | undefined;
  /** The latest failure of the collection loop, if it has not recovered. */
  readonly lastError: StatsCacheErrorEvent | undefined;
  /**
   * The proxies' live node states. The routes await it at most their `nodesWait` and serve
   * the last good list when it fails or is late, so it may take as long as Redis does.
   */
  getNodeStates(): Promise<NodeStates>;
  /**
   * A miner's account (login as requested; lower-cased by the source). Should settle
   * within a short bound (a `StatsCache` rejects after its `accountWait`): the route awaits it.
   */
  getAccount(login: string): Promise<AccountResult>;
  /**
   * Listens to the source's events (a `StatsCache`'s `collected`, `purged`, `error`) and
   * returns a function that removes the listener. Optional: without it there is no
   * `/api/events` stream, and a server builds a snapshot's bodies on its first request
   * instead of when it lands.
   */
  on?<K extends keyof StatsCacheEventMap>(event: K, listener: StatsCacheListener<K>): () => void;
}
