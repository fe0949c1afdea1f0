import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { resolveStatsCacheConfig } from "../../src/cache/cache-config.js";
import type { StatsCacheOptions } from "../../src/cache/cache-options.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.js";
import { InvalidDurationError } from "../../src/errors/invalid-duration-error.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import { loadGolden } from "../support/golden.js";

// Constructing a cache sends no command: a backend on a client that never connects is enough.
const backend = new RedisStatsBackend({} as never, { prefix: "eth" });

function configError(config: unknown, options?: unknown): InvalidArgumentError {
  try {
    new StatsCache(backend, config as StatsCacheConfig, options as StatsCacheOptions);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error("expected an InvalidArgumentError");
}

describe("StatsCache config: the pool's `api` section as is", () => {
  it("applies config.example.json's values when fields are missing", () => {
    expect(new StatsCache(backend, {}).config).toEqual({
      statsCollectIntervalMs: 5000,
      hashrateWindowMs: 30 * 60_000,
      hashrateLargeWindowMs: 3 * 3_600_000,
      luckWindow: [64, 128, 256],
      payments: 30,
      blocks: 50,
      purgeOnly: false,
      purgeIntervalMs: 10 * 60_000,
      charts: null,
      uncertainty: false,
    });
  });

  it("takes the golden pool's section verbatim, ignoring `enabled` and `listen`", () => {
    const config = loadGolden("b_small_pool").httpConfig as StatsCacheConfig;
    expect(config.listen).toBeDefined();
    expect(resolveStatsCacheConfig(config)).toEqual(new StatsCache(backend, {}).config);
  });

  it("reads Go duration strings and milliseconds, and sorts luckWindow", () => {
    const config = resolveStatsCacheConfig({
      statsCollectInterval: 1500,
      hashrateWindow: "1h30m",
      hashrateLargeWindow: "2.5h",
      luckWindow: [256, 8, 64],
      payments: 0,
      blocks: 0,
      purgeOnly: true,
      purgeInterval: "90s",
    });
    expect(config).toEqual({
      statsCollectIntervalMs: 1500,
      hashrateWindowMs: 5_400_000,
      hashrateLargeWindowMs: 9_000_000,
      luckWindow: [8, 64, 256],
      payments: 0,
      blocks: 0,
      purgeOnly: true,
      purgeIntervalMs: 90_000,
      charts: null,
      uncertainty: false,
    });
    expect(Object.isFrozen(config) && Object.isFrozen(config.luckWindow)).toBe(true);
  });

  it("reads an empty or null luckWindow as no luck (Go's nil slice)", () => {
    expect(resolveStatsCacheConfig({ luckWindow: [] }).luckWindow).toEqual([]);
    expect(resolveStatsCacheConfig({ luckWindow: null }).luckWindow).toEqual([]);
  });

  const badConfigs: [field: string, config: Record<string, unknown>][] = [
    ["statsCollectInterval", { statsCollectInterval: "5x" }],
    ["statsCollectInterval", { statsCollectInterval: "0s" }],
    ["statsCollectInterval", { statsCollectInterval: -5 }],
    ["statsCollectInterval", { statsCollectInterval: "720h" }], // beyond setTimeout: would fire every 1 ms
    ["statsCollectInterval", { statsCollectInterval: null }],
    ["hashrateWindow", { hashrateWindow: "500ms" }],
    ["hashrateWindow", { hashrateWindow: "30 minutes" }],
    ["hashrateWindow", { hashrateWindow: {} }],
    ["hashrateLargeWindow", { hashrateLargeWindow: "0s" }],
    ["hashrateLargeWindow", { hashrateLargeWindow: "-3h" }],
    ["luckWindow", { luckWindow: "64,128" }],
    ["luckWindow[1]", { luckWindow: [64, 0] }],
    ["luckWindow[0]", { luckWindow: [1.5] }],
    ["luckWindow[2]", { luckWindow: [1, 2, "3"] }],
    ["payments", { payments: -1 }],
    ["payments", { payments: 2.5 }],
    ["payments", { payments: "30" }],
    ["payments", { payments: null }],
    ["blocks", { blocks: -50 }],
    ["blocks", { blocks: Number.NaN }],
    ["purgeOnly", { purgeOnly: "false" }],
    ["purgeInterval", { purgeInterval: "" }],
    ["purgeInterval", { purgeInterval: "0" }],
    ["purgeInterval", { purgeInterval: Number.POSITIVE_INFINITY }],
  ];
  it.each(badConfigs)("rejects a bad %s before any Redis command: %j", (field, config) => {
    const error = configError(config);
    expect(error.code).toBe("ERR_INVALID_ARGUMENT");
    expect(error.path).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it("keeps the duration parser's error as the cause", () => {
    const error = configError({ hashrateWindow: "3d" });
    expect(error.cause).toBeInstanceOf(InvalidDurationError);
    expect(error.message).toContain('"3d"');
  });

  it.each([null, [], "api", 5])("rejects a config that is not an object: %j", (config) => {
    expect(configError(config).path).toBe("config");
  });

  const badOptions: [field: string, options: Record<string, unknown> | null][] = [
    ["maxAccounts", { maxAccounts: -1 }],
    ["maxAccounts", { maxAccounts: 1.5 }],
    ["maxNotFound", { maxNotFound: "100" }],
    ["evictAfterIntervals", { evictAfterIntervals: 0.5 }],
    ["evictAfterIntervals", { evictAfterIntervals: Number.POSITIVE_INFINITY }],
    ["notFoundTtl", { notFoundTtl: "soon" }],
    ["staleWhileRevalidate", { staleWhileRevalidate: "yes" }],
    ["options", null],
  ];
  it.each(badOptions)("rejects a bad option %s: %j", (field, options) => {
    expect(configError({}, options).path).toBe(field);
  });
});
