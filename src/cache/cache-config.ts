import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { parseDuration } from "../go/duration.js";
import type {
  ChartsConfig,
  ResolvedChartsConfig,
  ResolvedStatsCacheConfig,
  StatsCacheConfig,
} from "../model/config.js";
import type { Milliseconds } from "../time/units.js";

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
  charts: Object.freeze({ enabled: false, interval: "10m", retention: "24h" }),
  uncertainty: false,
} as const);

/** The chart lease when `charts.lease` is not given: 30 s, or three collections when that is longer. */
export const DEFAULT_CHART_LEASE_MS = 30_000;

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
  const statsCollectIntervalMs = timerDelay(
    "statsCollectInterval",
    orDefault(config.statsCollectInterval, d.statsCollectInterval),
  );
  return Object.freeze({
    statsCollectIntervalMs,
    hashrateWindowMs: window("hashrateWindow", orDefault(config.hashrateWindow, d.hashrateWindow)),
    hashrateLargeWindowMs: window("hashrateLargeWindow", orDefault(config.hashrateLargeWindow, d.hashrateLargeWindow)),
    luckWindow: luckWindow(config.luckWindow === undefined ? d.luckWindow : config.luckWindow),
    payments: rowCount("payments", orDefault(config.payments, d.payments)),
    blocks: rowCount("blocks", orDefault(config.blocks, d.blocks)),
    purgeOnly: flag("purgeOnly", orDefault(config.purgeOnly, d.purgeOnly)),
    purgeIntervalMs: timerDelay("purgeInterval", orDefault(config.purgeInterval, d.purgeInterval)),
    charts: charts(config.charts, statsCollectIntervalMs),
    uncertainty: flag("uncertainty", orDefault(config.uncertainty, d.uncertainty)),
  });
}

/**
 * The `charts` section: every field is checked even when `enabled` is false, so a typo
 * shows before charts are switched on. `null` when charts are off.
 */
function charts(value: ChartsConfig | null | undefined, statsCollectIntervalMs: number): ResolvedChartsConfig | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidArgumentError(
      "charts",
      `must be an object such as {"enabled": true, "interval": "10m", "retention": "24h"}, got ${describe(value)}`,
    );
  }
  const d = STATS_CACHE_CONFIG_DEFAULTS.charts;
  const enabled = flag("charts.enabled", orDefault(value.enabled, d.enabled));
  const intervalMs = durationField("charts.interval", orDefault(value.interval, d.interval));
  if (intervalMs < 1000) {
    throw new InvalidArgumentError("charts.interval", "must be at least 1s (samples are whole seconds apart)");
  }
  const retentionMs = durationField("charts.retention", orDefault(value.retention, d.retention));
  if (Math.trunc(retentionMs / 1000) < Math.trunc(intervalMs / 1000)) {
    throw new InvalidArgumentError("charts.retention", "must be at least the interval (it would keep no sample)");
  }
  const leaseMs =
    value.lease === undefined
      ? (Math.max(DEFAULT_CHART_LEASE_MS, 3 * statsCollectIntervalMs) as Milliseconds)
      : durationField("charts.lease", value.lease);
  if (leaseMs <= statsCollectIntervalMs) {
    throw new InvalidArgumentError(
      "charts.lease",
      `must be longer than statsCollectInterval (${statsCollectIntervalMs}ms): every collection renews it`,
    );
  }
  return enabled ? Object.freeze({ intervalMs, retentionMs, leaseMs: Math.ceil(leaseMs) as Milliseconds }) : null;
}

/** A missing field takes its default; `null` is not "missing" (it is rejected, except for `luckWindow`). */
function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** A duration in ms; the parse error is kept as `cause`. @internal */
export function durationField(field: string, value: unknown): Milliseconds {
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
function timerDelay(field: string, value: unknown): Milliseconds {
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
function window(field: string, value: unknown): Milliseconds {
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
