import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import * as root from "open-pool-stats";
import {
  type Account,
  type AccountResult,
  type ApiHandlerOptions,
  type BackendUnavailableError,
  type Clock,
  type DurationInput,
  type HashrateReadReport,
  type HashrateWindow,
  type HashrateWindowOptions,
  InvalidArgumentError,
  isPoolStatsError,
  type LuckStats,
  type MinerStats,
  type NodeStates,
  type PoolStats,
  type PoolStatsError,
  type PoolStatsErrorCode,
  type PurgeResult,
  type RedisClient,
  RedisStatsBackend,
  type RedisStatsBackendOptions,
  StatsCache,
  type StatsCacheConfig,
  type StatsCacheOptions,
  type StatsSnapshot,
  type WorkersStats,
} from "open-pool-stats";
import * as convert from "open-pool-stats/convert";
import * as http from "open-pool-stats/http";
import * as json from "open-pool-stats/json";
import * as keys from "open-pool-stats/keys";
import * as metrics from "open-pool-stats/metrics";
import type {
  AccountCacheSizes,
  BlockRow,
  ChartSampleReport,
  ChartSettings,
  ChartStore,
  ChartStoreOptions,
  ChartsConfig,
  HashrateUncertainty,
  LuckRow,
  MalformedCounts,
  MalformedEvent,
  MinerCharts,
  MinerHashrate,
  NodeState,
  PaymentRow,
  PoolCharts,
  StatsBackend,
  StatsCacheErrorEvent,
  StatsCacheEventMap,
  StatsSource,
  StringIntMap,
  WorkerHashrate,
} from "open-pool-stats/model";
import * as model from "open-pool-stats/model";
import * as testing from "open-pool-stats/testing";
import * as writer from "open-pool-stats/writer";
import { describe, expect, expectTypeOf, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The names a module's `export` statements give, value and type alike. */
function exportedNames(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const names: string[] = [];
  for (const [, body] of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of (body as string).split(",")) {
      const name = part
        .trim()
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  }
  return names.sort();
}

/** The root's names as the README's "Public surface" section lists them. */
function readmeRootNames(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = /## Public surface\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
  const list = /<!-- root -->([\s\S]*?)<!-- \/root -->/.exec(section)?.[1] ?? "";
  return [...list.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1] as string).sort();
}

describe("the public surface", () => {
  it("the root exports about 35 names, exactly those the README lists", () => {
    const names = exportedNames("src/index.ts");
    expect(names.length).toBeGreaterThanOrEqual(30);
    // 37 since the account windows (issue 12): AccountWindow is in a method signature.
    expect(names.length).toBeLessThanOrEqual(37);
    expect(readmeRootNames()).toEqual(names);
  });

  it("every subpath in package.json's exports has types first, for import and for require, and an entry file", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      exports: Record<string, string | { import: Record<string, string>; require: Record<string, string> }>;
    };
    const subpaths = Object.keys(pkg.exports).filter((key) => key !== "./package.json");
    expect(subpaths).toEqual([
      ".",
      "./model",
      "./convert",
      "./json",
      "./http",
      "./writer",
      "./keys",
      "./testing",
      "./metrics",
    ]);
    for (const subpath of subpaths) {
      const entry = pkg.exports[subpath] as { import: Record<string, string>; require: Record<string, string> };
      expect(Object.keys(entry.import), subpath).toEqual(["types", "default"]);
      expect(Object.keys(entry.require), subpath).toEqual(["types", "default"]);
      const name = subpath === "." ? "index" : subpath.slice(2);
      expect(entry.import.types).toBe(`./dist/${name}.d.ts`);
      expect(entry.require.types).toBe(`./dist/${name}.d.cts`);
      const source = subpath === "." ? "src/index.ts" : `src/entries/${name}.ts`;
      expect(exportedNames(source).length, source).toBeGreaterThan(0);
    }
  });

  it("keeps window internals, Go helpers and tooling out of the root", () => {
    for (const name of ["addShare", "emptyAggregate", "finalizeMiners", "parseGoInt", "crc16", "keySlot"]) {
      expect(name in root, name).toBe(false);
    }
    for (const name of ["poolStatsToGo", "PoolKeys", "RedisPoolWriter", "OriginalMethodBackend", "PoolSeeder"]) {
      expect(name in root, name).toBe(false);
    }
    expect(typeof json.poolStatsToGo).toBe("function");
    expect(typeof keys.PoolKeys).toBe("function");
    expect(typeof writer.RedisPoolWriter).toBe("function");
    expect(typeof testing.OriginalMethodBackend).toBe("function");
    expect(typeof testing.PoolSeeder).toBe("function");
    expect(typeof convert.convertBlocks).toBe("function");
    expect(typeof http.createApiRouter).toBe("function");
    expect(typeof metrics.registerPoolStatsMetrics).toBe("function");
    expect(http.createApiHandler).toBe(root.createApiHandler);
    expect(json.toGoJson).toBe(root.toGoJson);
    expect(model.STATS_CACHE_CONFIG_DEFAULTS.hashrateWindow).toBe("30m");
    expect(model.STATS_CACHE_CONFIG_DEFAULTS.charts).toEqual({ enabled: false, interval: "10m", retention: "24h" });
    expect(typeof convert.upperRegularizedGamma).toBe("function");
    expect(typeof json.poolChartsToGo).toBe("function");
    expect(typeof http.withStatusPage).toBe("function");
    expect("RedisChartStore" in root || "withStatusPage" in root).toBe(false);
  });

  it("every type in the classes' public signatures can be imported (checked by tsc)", () => {
    // Constructors and options.
    expectTypeOf(RedisStatsBackend).constructorParameters.toEqualTypeOf<[RedisClient, RedisStatsBackendOptions]>();
    expectTypeOf<RedisStatsBackendOptions["hashrate"]>().toEqualTypeOf<HashrateWindowOptions | undefined>();
    expectTypeOf<RedisStatsBackendOptions["now"]>().toEqualTypeOf<Clock | undefined>();
    expectTypeOf(StatsCache).constructorParameters.toEqualTypeOf<
      [backend: StatsBackend, config: StatsCacheConfig, options?: StatsCacheOptions | undefined]
    >();
    expectTypeOf<Redis>().toMatchTypeOf<RedisClient>();
    expectTypeOf(root.createApiHandler).parameters.toEqualTypeOf<
      [source: StatsSource, options?: ApiHandlerOptions | undefined]
    >();

    // The backend's reads.
    const backend = {} as RedisStatsBackend;
    expectTypeOf(backend.hashrateWindow).returns.toEqualTypeOf<HashrateWindow>();
    expectTypeOf(backend.collectStats).parameters.toEqualTypeOf<[DurationInput | HashrateWindow, number, number]>();
    expectTypeOf(backend.collectStats).returns.resolves.toEqualTypeOf<PoolStats>();
    expectTypeOf(backend.collectLuckStats).returns.resolves.toEqualTypeOf<LuckStats>();
    expectTypeOf(backend.getMinerStats).returns.resolves.toEqualTypeOf<MinerStats>();
    expectTypeOf(backend.collectWorkersStats).returns.resolves.toEqualTypeOf<WorkersStats>();
    expectTypeOf(backend.getNodeStates).returns.resolves.toEqualTypeOf<NodeStates>();
    expectTypeOf(backend.flushStaleStats).returns.resolves.toEqualTypeOf<PurgeResult>();
    expectTypeOf(backend.lastHashrateRead).toEqualTypeOf<HashrateReadReport | undefined>();
    expectTypeOf<RedisStatsBackend>().toMatchTypeOf<StatsBackend>();
    expectTypeOf(backend.chartStore).parameters.toEqualTypeOf<[ChartSettings]>();
    expectTypeOf(backend.chartStore).returns.toEqualTypeOf<ChartStore>();
    expectTypeOf<RedisStatsBackendOptions["charts"]>().toEqualTypeOf<ChartStoreOptions | undefined>();
    expectTypeOf<StatsCacheConfig["charts"]>().toEqualTypeOf<ChartsConfig | null | undefined>();

    // What the results are made of.
    expectTypeOf<PoolStats["miners"]>().toEqualTypeOf<ReadonlyMap<string, MinerHashrate>>();
    expectTypeOf<PoolStats["matured"]>().toEqualTypeOf<readonly BlockRow[]>();
    expectTypeOf<PoolStats["payments"]>().toEqualTypeOf<readonly PaymentRow[]>();
    expectTypeOf<PoolStats["stats"]>().toEqualTypeOf<StringIntMap>();
    expectTypeOf<PoolStats["malformed"]>().toEqualTypeOf<MalformedCounts>();
    expectTypeOf<LuckStats["rows"]>().toEqualTypeOf<ReadonlyMap<string, LuckRow>>();
    expectTypeOf<NodeStates["nodes"]>().toEqualTypeOf<readonly NodeState[]>();
    expectTypeOf<WorkersStats["workers"]>().toEqualTypeOf<ReadonlyMap<string, WorkerHashrate>>();
    expectTypeOf<PoolStats["hashrateUncertainty"]>().toEqualTypeOf<HashrateUncertainty>();
    expectTypeOf<MinerHashrate["hrUncertainty"]>().toEqualTypeOf<HashrateUncertainty>();
    expectTypeOf<StatsSnapshot["charts"]>().toEqualTypeOf<PoolCharts | undefined>();
    expectTypeOf<Account["charts"]>().toEqualTypeOf<MinerCharts | undefined>();
    expectTypeOf<StatsCacheEventMap["sampled"]>().toEqualTypeOf<ChartSampleReport>();
    expectTypeOf<RedisStatsBackendOptions["onMalformed"]>().toEqualTypeOf<
      ((event: MalformedEvent) => void) | undefined
    >();

    // The cache.
    const cache = {} as StatsCache;
    expectTypeOf(cache.snapshot).toEqualTypeOf<StatsSnapshot | undefined>();
    expectTypeOf(cache.getAccount).returns.resolves.toEqualTypeOf<AccountResult>();
    expectTypeOf<Extract<AccountResult, { found: true }>["account"]>().toEqualTypeOf<Account>();
    expectTypeOf(cache.accountCacheSizes).returns.toEqualTypeOf<AccountCacheSizes>();
    expectTypeOf(cache.lastError).toEqualTypeOf<StatsCacheErrorEvent | undefined>();
    expectTypeOf(cache.on<"collected">)
      .parameter(1)
      .parameter(0)
      .toEqualTypeOf<StatsCacheEventMap["collected"]>();
    expectTypeOf<StatsCache>().toMatchTypeOf<StatsSource>();

    // The errors.
    expectTypeOf<PoolStatsError["code"]>().toEqualTypeOf<PoolStatsErrorCode>();
    expectTypeOf(isPoolStatsError).guards.toEqualTypeOf<PoolStatsError>();
    expectTypeOf<InvalidArgumentError["path"]>().toEqualTypeOf<string>();
    expectTypeOf<BackendUnavailableError["operation"]>().toEqualTypeOf<string>();
    expect(new InvalidArgumentError("x", "y").path).toBe("x");
  });
});
