import type { DurationInput } from "../go/duration.js";
import type { Milliseconds } from "../time/units.js";

/**
 * The `api` section of an open-ethereum-pool config.json, taken as it is: durations are Go
 * duration strings (`"5s"`, `"30m"`) or milliseconds. Every field is optional; a missing
 * one takes its default, the value of the original's `config.example.json` (the original
 * has no code defaults: a missing duration crashes it at start-up).
 *
 * Fields the cache does not use (`enabled`, `listen`, and any other) are accepted and ignored.
 */
export interface StatsCacheConfig {
  /** Ignored (the host decides whether to run the cache). */
  readonly enabled?: boolean;
  /** Ignored (the cache serves no HTTP). */
  readonly listen?: string;
  /**
   * How often the pool snapshot is collected, measured from the end of the previous
   * collection; also how long an account entry is reused. At least 1 ms, at most 2^31−1 ms.
   * @defaultValue `"5s"`
   */
  readonly statsCollectInterval?: DurationInput;
  /**
   * The small hashrate window (pool and miner `hr`, worker `hr`). At least 1 s.
   * @defaultValue `"30m"`
   */
  readonly hashrateWindow?: DurationInput;
  /**
   * The large hashrate window (worker `hr2`, per-login purge). At least 1 s; keep it equal
   * to the proxies' `hashrateExpiration`.
   * @defaultValue `"3h"`
   */
  readonly hashrateLargeWindow?: DurationInput;
  /**
   * Luck rows to compute, in blocks, each ≥ 1 (sorted here). `[]` or `null` (Go's nil
   * slice) means no luck: the snapshot's `luck` is `null`.
   * @defaultValue `[64, 128, 256]`
   */
  readonly luckWindow?: readonly number[] | null;
  /**
   * Payment rows in the pool snapshot and in each account (the account's `pageSize`);
   * 0 means all.
   * @defaultValue `30`
   */
  readonly payments?: number;
  /**
   * Matured blocks in the pool snapshot; 0 means all.
   * @defaultValue `50`
   */
  readonly blocks?: number;
  /**
   * Only purge: `start()` collects nothing, so there is never a snapshot.
   * @defaultValue `false`
   */
  readonly purgeOnly?: boolean;
  /**
   * How often stale shares are purged, measured from the end of the previous purge.
   * At least 1 ms, at most 2^31−1 ms.
   * @defaultValue `"10m"`
   */
  readonly purgeInterval?: DurationInput;
  /**
   * Pool and miner charts in etclabscore/open-etc-pool's layout and JSON (not in the
   * original; off unless `enabled`, so the original's bytes stay as they are).
   * `null` is the same as absent.
   */
  readonly charts?: ChartsConfig | null;
  /**
   * Add each hashrate's share count and ±1σ range, and each luck row's probability, to
   * the JSON bodies as new fields (the typed results always carry them). Not in the original.
   * @defaultValue `false`
   */
  readonly uncertainty?: boolean;
}

/**
 * The `api.charts` section: samples of the pool's hashrate and miners, and of every
 * miner's hashrate, written to Redis once per `interval` by one instance (the holder of a
 * lease), trimmed to `retention`, and served as `poolCharts` / `charts` with averages.
 * Unknown fields are ignored.
 */
export interface ChartsConfig {
  /**
   * Whether charts are sampled and served.
   * @defaultValue `false`
   */
  readonly enabled?: boolean;
  /**
   * At most one sample per series per interval (whole seconds; the fork's 10 minutes). At least 1 s.
   * @defaultValue `"10m"`
   */
  readonly interval?: DurationInput;
  /**
   * Samples older than this are trimmed at each write; a miner's series expires after
   * twice it without a sample (the fork's 24 h and 48 h). At least the interval.
   * @defaultValue `"24h"`
   */
  readonly retention?: DurationInput;
  /**
   * How long the sampler lease lasts unless renewed: the longest a sampler that died
   * holds the others back. It is renewed by every collection, so it must be longer than
   * `statsCollectInterval`.
   * @defaultValue `"30s"`, or three `statsCollectInterval`s when that is longer
   */
  readonly lease?: DurationInput;
}

/** {@link ChartsConfig} validated, durations in milliseconds. */
export interface ResolvedChartsConfig {
  readonly intervalMs: Milliseconds;
  readonly retentionMs: Milliseconds;
  readonly leaseMs: Milliseconds;
}

/** {@link StatsCacheConfig} validated, with defaults applied and durations in milliseconds. */
export interface ResolvedStatsCacheConfig {
  readonly statsCollectIntervalMs: Milliseconds;
  readonly hashrateWindowMs: Milliseconds;
  readonly hashrateLargeWindowMs: Milliseconds;
  /** Ascending; empty when no luck is computed. */
  readonly luckWindow: readonly number[];
  readonly payments: number;
  readonly blocks: number;
  readonly purgeOnly: boolean;
  readonly purgeIntervalMs: Milliseconds;
  /** `null` when charts are off. */
  readonly charts: ResolvedChartsConfig | null;
  readonly uncertainty: boolean;
}
