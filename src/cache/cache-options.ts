import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { DurationInput } from "../go/duration.js";
import type { ResolvedStatsCacheConfig } from "../model/config.js";
import { describe, durationField } from "./cache-config.js";

/** Options of {@link StatsCache} beyond the pool's `api` config section. */
export interface StatsCacheOptions {
  /**
   * At most this many accounts are kept; the least recently requested one goes first.
   * 0 keeps none (every request reads Redis, still one read per login at a time).
   * @defaultValue `10000`
   */
  readonly maxAccounts?: number;
  /**
   * The most (worker, second) entries the held account windows may keep in all (about 20
   * bytes each): each cached account keeps its large window in memory, so a refresh reads
   * only the shares that changed; past the budget the least recently read go first, and an
   * account whose window alone exceeds it is read in full. 0 keeps none. Counted in
   * `accountCacheSizes().windowEntries`.
   * @defaultValue `2000000` (about 40 MB; a miner with 1,000 rigs at 3 h holds about 1M)
   */
  readonly maxAccountWindowEntries?: number;
  /**
   * An account entry not refreshed for this many `statsCollectInterval`s is dropped
   * (etclabscore's fork uses 20). Also the limit of what stale-while-revalidate serves.
   * At least 1.
   * @defaultValue `20`
   */
  readonly evictAfterIntervals?: number;
  /**
   * How long a "not found" answer is remembered, so a flood of unknown addresses costs one
   * `EXISTS` per address per period. 0 turns the negative cache off.
   * @defaultValue the `statsCollectInterval` (a new miner shows up as soon as a cached one is refreshed)
   */
  readonly notFoundTtl?: DurationInput;
  /**
   * At most this many "not found" answers are remembered (oldest first out). 0 turns the
   * negative cache off.
   * @defaultValue `10000`
   */
  readonly maxNotFound?: number;
  /**
   * Serve an account entry that is older than `statsCollectInterval` (but younger than
   * `evictAfterIntervals` intervals) at once, marked `stale`, while one background refresh
   * runs. Off, a stale entry waits for its refresh, as in the original.
   * @defaultValue `false`
   */
  readonly staleWhileRevalidate?: boolean;
  /**
   * Whether this instance purges stale shares (`flushStaleStats`) at start and every
   * `purgeInterval`. Turn it off for an API instance that reads from a read-only replica
   * while another instance (e.g. one with `purgeOnly`) purges on the master — the
   * original's recommended split, which our write-free reads make possible.
   * @defaultValue `true`
   */
  readonly purge?: boolean;
  /**
   * How long `start()` waits for the backend's connection to be ready before its first
   * purge and collection (a backend with `whenReady`, as `RedisStatsBackend` has), so a
   * cache started right after `new Redis(…)` has its first snapshot as soon as Redis
   * answers, even with `enableOfflineQueue: false`. 0 does not wait. Longer would gain
   * nothing: by then the loop collects again anyway.
   * @defaultValue the `statsCollectInterval`
   */
  readonly readyTimeout?: DurationInput;
  /**
   * Whether this instance competes for the chart sampler lease and writes the samples
   * (with `charts.enabled`). Off, it reads and serves the charts another instance writes:
   * for an instance on a read-only replica, which must never write.
   * @defaultValue the `purge` option (an instance told not to purge is one that must not write)
   */
  readonly sampleCharts?: boolean;
  /**
   * The longest a `getAccount` call waits for its refresh, counted from the refresh's
   * start: past it the call rejects with `BackendUnavailableError` (a fast 503), and so does
   * every call for that login while the refresh still hangs; the refresh goes on and its
   * result is stored when it lands. Give the Redis connection a `commandTimeout` to bound
   * the refresh itself.
   * @defaultValue `"1s"`
   */
  readonly accountWait?: DurationInput;
  /**
   * The longest `stop()` waits for the collection, purge, account refreshes and node read
   * in flight (they are not cancelled; a hung one is left to the connection's command
   * timeout, or to the host closing the connection).
   * @defaultValue `"1s"`
   */
  readonly stopTimeout?: DurationInput;
}

/** {@link StatsCacheOptions} validated, with defaults applied. @internal */
export interface ResolvedStatsCacheOptions {
  readonly maxAccounts: number;
  readonly maxAccountWindowEntries: number;
  readonly evictAfterIntervals: number;
  readonly notFoundTtlMs: number;
  readonly maxNotFound: number;
  readonly staleWhileRevalidate: boolean;
  readonly purge: boolean;
  readonly readyTimeoutMs: number;
  readonly sampleCharts: boolean;
  readonly accountWaitMs: number;
  readonly stopTimeoutMs: number;
}

/** The defaults of {@link StatsCacheOptions} that do not depend on the config. */
export const STATS_CACHE_OPTION_DEFAULTS = Object.freeze({
  maxAccounts: 10_000,
  maxAccountWindowEntries: 2_000_000,
  evictAfterIntervals: 20,
  maxNotFound: 10_000,
  staleWhileRevalidate: false,
  purge: true,
  accountWaitMs: 1000,
  stopTimeoutMs: 1000,
} as const);

/**
 * Validates the options and applies the defaults.
 * @throws {@link InvalidArgumentError} naming the first bad option
 * @internal
 */
export function resolveStatsCacheOptions(
  options: StatsCacheOptions,
  config: ResolvedStatsCacheConfig,
): ResolvedStatsCacheOptions {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError("options", "must be an object");
  }
  const d = STATS_CACHE_OPTION_DEFAULTS;
  const evictAfterIntervals = options.evictAfterIntervals ?? d.evictAfterIntervals;
  if (typeof evictAfterIntervals !== "number" || !Number.isFinite(evictAfterIntervals) || evictAfterIntervals < 1) {
    throw new InvalidArgumentError("evictAfterIntervals", `must be a number ≥ 1, got ${describe(evictAfterIntervals)}`);
  }
  const staleWhileRevalidate = options.staleWhileRevalidate ?? d.staleWhileRevalidate;
  if (typeof staleWhileRevalidate !== "boolean") {
    throw new InvalidArgumentError(
      "staleWhileRevalidate",
      `must be true or false, got ${describe(staleWhileRevalidate)}`,
    );
  }
  const purge = options.purge ?? d.purge;
  if (typeof purge !== "boolean")
    throw new InvalidArgumentError("purge", `must be true or false, got ${describe(purge)}`);
  if (!purge && config.purgeOnly)
    throw new InvalidArgumentError("purge", "false with purgeOnly would leave nothing to do");
  const sampleCharts = options.sampleCharts ?? purge;
  if (typeof sampleCharts !== "boolean") {
    throw new InvalidArgumentError("sampleCharts", `must be true or false, got ${describe(sampleCharts)}`);
  }
  return Object.freeze({
    purge,
    sampleCharts,
    maxAccounts: bound("maxAccounts", options.maxAccounts ?? d.maxAccounts),
    maxAccountWindowEntries: bound(
      "maxAccountWindowEntries",
      options.maxAccountWindowEntries ?? d.maxAccountWindowEntries,
    ),
    evictAfterIntervals,
    notFoundTtlMs:
      options.notFoundTtl === undefined
        ? config.statsCollectIntervalMs
        : durationField("notFoundTtl", options.notFoundTtl),
    maxNotFound: bound("maxNotFound", options.maxNotFound ?? d.maxNotFound),
    staleWhileRevalidate,
    readyTimeoutMs:
      options.readyTimeout === undefined
        ? config.statsCollectIntervalMs
        : durationField("readyTimeout", options.readyTimeout),
    accountWaitMs: positiveDuration("accountWait", options.accountWait, d.accountWaitMs),
    stopTimeoutMs: positiveDuration("stopTimeout", options.stopTimeout, d.stopTimeoutMs),
  });
}

/** A duration of 1 ms to 2^31−1 ms (a timer's range). */
function positiveDuration(field: string, value: DurationInput | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = durationField(field, value);
  if (ms < 1 || ms > 2 ** 31 - 1) throw new InvalidArgumentError(field, `must be 1 ms … 2^31−1 ms, got ${ms} ms`);
  return ms;
}

function bound(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(field, `must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}
