import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { type DurationInput, parseDuration } from "../go/duration.js";

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
}

/** {@link StatsCacheConfig} validated, with defaults applied and durations in milliseconds. */
export interface ResolvedStatsCacheConfig {
  readonly statsCollectIntervalMs: number;
  readonly hashrateWindowMs: number;
  readonly hashrateLargeWindowMs: number;
  /** Ascending; empty when no luck is computed. */
  readonly luckWindow: readonly number[];
  readonly payments: number;
  readonly blocks: number;
  readonly purgeOnly: boolean;
  readonly purgeIntervalMs: number;
}

/**
 * The defaults of {@link StatsCacheConfig}: the values of the original's `config.example.json`.
 */
export const STATS_CACHE_CONFIG_DEFAULTS = Object.freeze({
  statsCollectInterval: "5s",
  hashrateWindow: "30m",
  hashrateLargeWindow: "3h",
  luckWindow: Object.freeze([64, 128, 256]),
  payments: 30,
  blocks: 50,
  purgeOnly: false,
  purgeInterval: "10m",
} as const);

/** The longest period a loop accepts: Node's timers turn any longer delay into 1 ms, which would make a loop spin. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Validates a pool's `api` section and applies the defaults.
 *
 * @throws {@link InvalidArgumentError} naming the first bad field
 */
export function resolveStatsCacheConfig(config: StatsCacheConfig): ResolvedStatsCacheConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new InvalidArgumentError("config", "must be the `api` section object of config.json");
  }
  const d = STATS_CACHE_CONFIG_DEFAULTS;
  return Object.freeze({
    statsCollectIntervalMs: timerDelay(
      "statsCollectInterval",
      orDefault(config.statsCollectInterval, d.statsCollectInterval),
    ),
    hashrateWindowMs: window("hashrateWindow", orDefault(config.hashrateWindow, d.hashrateWindow)),
    hashrateLargeWindowMs: window("hashrateLargeWindow", orDefault(config.hashrateLargeWindow, d.hashrateLargeWindow)),
    luckWindow: luckWindow(config.luckWindow === undefined ? d.luckWindow : config.luckWindow),
    payments: rowCount("payments", orDefault(config.payments, d.payments)),
    blocks: rowCount("blocks", orDefault(config.blocks, d.blocks)),
    purgeOnly: flag("purgeOnly", orDefault(config.purgeOnly, d.purgeOnly)),
    purgeIntervalMs: timerDelay("purgeInterval", orDefault(config.purgeInterval, d.purgeInterval)),
  });
}

/** A missing field takes its default; `null` is not "missing" (it is rejected, except for `luckWindow`). */
function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** A duration in ms; the parse error is kept as `cause`. @internal */
export function durationField(field: string, value: unknown): number {
  if (typeof value !== "string" && typeof value !== "number") {
    throw new InvalidArgumentError(field, `must be a Go duration string or milliseconds, got ${describe(value)}`);
  }
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError(field, error instanceof InvalidArgumentError ? error.reason : String(error), {
      cause: error,
    });
  }
}

/** A period a timer waits: positive, and within what `setTimeout` honours. */
function timerDelay(field: string, value: unknown): number {
  const ms = durationField(field, value);
  if (ms < 1) throw new InvalidArgumentError(field, "must be at least 1ms (a zero period would spin)");
  if (ms > MAX_TIMER_DELAY_MS) {
    throw new InvalidArgumentError(
      field,
      `must be at most ${MAX_TIMER_DELAY_MS}ms (about 24.8 days), the longest timer`,
    );
  }
  return ms;
}

/** A hashrate window: the backend counts it in whole seconds and divides by it. */
function window(field: string, value: unknown): number {
  const ms = durationField(field, value);
  if (ms < 1000) throw new InvalidArgumentError(field, "must be at least 1s (hashrates are divided by it)");
  return ms;
}

function luckWindow(value: unknown): readonly number[] {
  if (value === null) return Object.freeze([]);
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError("luckWindow", `must be an array of block counts, got ${describe(value)}`);
  }
  value.forEach((n: unknown, i) => {
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`luckWindow[${i}]`, `must be a positive integer, got ${describe(n)}`);
    }
  });
  return Object.freeze([...(value as number[])].sort((a, b) => a - b));
}

function rowCount(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(field, `must be a non-negative integer (0 = all), got ${describe(value)}`);
  }
  return value;
}

function flag(field: string, value: unknown): boolean {
  if (typeof value !== "boolean")
    throw new InvalidArgumentError(field, `must be true or false, got ${describe(value)}`);
  return value;
}

/** A short description of a bad value for an error message. @internal */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a value of type ${typeof value}`;
}
