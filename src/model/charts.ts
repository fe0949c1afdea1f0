import type { Milliseconds, Seconds } from "../time/units.js";
import type { MalformedCounts } from "./malformed.js";
import type { PoolStats, ReadReport } from "./results.js";

/**
 * One sample of the pool series, `P:charts:pool`, member `<x>:<hashrate>:<minersOnline>`
 * (etclabscore/open-etc-pool's layout). The three fields are the fork's int64s, exact.
 */
export interface PoolChartPoint {
  /** Unix seconds of the sample: the member's first field (the fork ignores the score). */
  readonly x: bigint;
  /** The pool hashrate (H/s) when it was sampled. */
  readonly hashrate: bigint;
  /** The pool's `minersTotal` when it was sampled (offline miners included, as in the fork). */
  readonly minersOnline: bigint;
}

/** One sample of a miner's series, `P:charts:miner:<login>`, member `<x>:<hashrate>`. */
export interface MinerChartPoint {
  /** Unix seconds of the sample. */
  readonly x: bigint;
  /** The miner's small-window hashrate (H/s) when it was sampled. */
  readonly hashrate: bigint;
}

/** The mean hashrate of the samples of one period. */
export interface ChartAverage {
  /** Σ hashrate / samples, truncated to whole H/s; `null` without a sample in the period. */
  readonly hashrate: bigint | null;
  /** Samples with `x ≥ now − period`. */
  readonly samples: number;
}

/** Mean hashrates over the last hour, six hours and day of samples. */
export interface ChartAverages {
  readonly "1h": ChartAverage;
  readonly "6h": ChartAverage;
  readonly "24h": ChartAverage;
}

/** A series as read: its points oldest first, their averages, and what was skipped. */
export interface ChartSeries<P> extends ReadReport {
  /** The samples, in the key's score order (oldest first), as the fork serves them. */
  readonly points: readonly P[];
  /** The means of the last 1 h, 6 h and 24 h of `points`, by the reading's clock. */
  readonly averages: ChartAverages;
  /**
   * Well-formed points left out because the key held more than the store keeps
   * (`maxChartPoints`): the oldest go first. 0 for any series the sampler wrote.
   */
  readonly dropped: number;
}

/** The pool series: what `/api/stats` serves as `poolCharts`. */
export type PoolCharts = ChartSeries<PoolChartPoint>;

/** A miner's series: what `/api/accounts/<login>` serves as `charts`. */
export type MinerCharts = ChartSeries<MinerChartPoint>;

/** How a chart store samples, from the `api.charts` section. */
export interface ChartSettings {
  /** At most one sample per this many seconds per series (the fork: 600). */
  readonly intervalSeconds: Seconds;
  /** Samples older than this (seconds) are trimmed at each write; miner keys expire after twice it. */
  readonly retentionSeconds: Seconds;
  /** How long the sampler lease lasts unless renewed (ms): the longest a dead sampler blocks the others. */
  readonly leaseMs: Milliseconds;
}

/**
 * What one sampling turn did.
 *
 * - `not-leader`: another instance holds the sampler lease (or Redis refused it);
 * - `not-due`: this instance holds the lease, but the newest pool sample is younger than the interval;
 * - `sampled`: a round ran: miner samples in batches, then the pool sample;
 * - `lease-lost`: the lease was lost between two batches, and the round stopped there.
 */
export interface ChartSampleReport {
  readonly outcome: "not-leader" | "not-due" | "sampled" | "lease-lost";
  /** Whether this instance holds the lease after the turn. */
  readonly leader: boolean;
  /** Whether this turn acquired the lease (it was not held before). */
  readonly acquired: boolean;
  /** Unix seconds of the samples: the collection's clock reading. */
  readonly at: number;
  /** Whether the pool sample was written (its own gate can still refuse a round's). */
  readonly pool: boolean;
  /** Miner samples written. */
  readonly miners: number;
  /** Miners whose newest sample was younger than the interval (already sampled, e.g. before a takeover). */
  readonly minersSkipped: number;
  /** Pipelines of miner samples sent. */
  readonly batches: number;
  /** Keys of another Redis type, skipped (`wrong-type`). */
  readonly malformed: MalformedCounts;
}

/**
 * The chart series of one pool: reading them (in bounded chunks) and writing samples
 * under a lease, so one instance of many samples. `RedisStatsBackend.chartStore` makes
 * one; a `StatsCache` with `charts.enabled` makes its own and drives it.
 */
export interface ChartStore {
  /** The sampling rules it was made with. */
  readonly settings: ChartSettings;
  /** The pool series (`P:charts:pool`), averages by `nowMs`. Reuses what it holds when the key did not change. */
  readPool(nowMs: number): Promise<PoolCharts>;
  /** One miner's series (`P:charts:miner:<login>`), averages by `nowMs`. */
  readMiner(login: string, nowMs: number): Promise<MinerCharts>;
  /**
   * One sampling turn from a collection: holds (renews or acquires) the lease; when held
   * and the interval has passed, writes every miner's sample in bounded batches, then the
   * pool's. Every write is gated by its series' newest sample, so nothing is sampled twice
   * within an interval, whoever writes.
   */
  sample(stats: PoolStats): Promise<ChartSampleReport>;
  /** Gives the lease up if this store holds it (on stop), so another instance takes over at once. */
  release(): Promise<boolean>;
}
