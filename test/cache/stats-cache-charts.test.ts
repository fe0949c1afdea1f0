import { afterEach, describe, expect, it, vi } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { resolveStatsCacheConfig } from "../../src/cache/cache-config.js";
import type { StatsCacheOptions } from "../../src/cache/cache-options.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { BackendUnavailableError } from "../../src/errors/backend-unavailable-error.js";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.js";
import { createApiRouter } from "../../src/http/api-router.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { ChartSampleReport } from "../../src/model/charts.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import type { StatsCacheErrorEvent } from "../../src/model/events.js";
import { countCommands } from "../support/command-counter.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { connect, useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";
import { until } from "../support/wait.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const T0 = scenario.nowMs;
const T0S = T0 / 1000;
const CHARTS: StatsCacheConfig = {
  ...(scenario.httpConfig as StatsCacheConfig),
  statsCollectInterval: "60s",
  charts: { enabled: true },
};

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.useRealTimers();
});

/** The golden pool under a fresh prefix; the clock (Date, faked) starts at its recording time. */
async function setup(config: StatsCacheConfig = CHARTS, options?: StatsCacheOptions, p = prefix()) {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: T0 });
  await seedGolden(redis, scenario, p);
  const client = connect();
  cleanups.push(async () => client.disconnect());
  const trips = countCommands(client);
  const backend = new RedisStatsBackend(client, { prefix: p, now: () => Date.now() });
  const cache = new StatsCache(backend, config, options);
  cleanups.push(() => cache.stop());
  const sampled: ChartSampleReport[] = [];
  const errors: StatsCacheErrorEvent[] = [];
  cache.on("sampled", (report) => sampled.push(report));
  cache.on("error", (event) => errors.push(event));
  return { cache, keys: new PoolKeys(p), sampled, errors, trips, router: createApiRouter(cache) };
}

/**
 * Advances the faked clock by a minute (one collection, with its chart read and sampling
 * turn) and waits, by real event-loop turns, until that run has ended and re-armed its timer.
 */
async function minute(timers = 2): Promise<void> {
  await vi.advanceTimersByTimeAsync(60_000);
  await until(() => vi.getTimerCount() === timers, "the collection (and purge) to end and re-arm");
}

const body = async (router: ReturnType<typeof createApiRouter>, path: string) => (await router(path)).body.toString();

describe("StatsCache with charts", () => {
  it("validates the charts section like the rest of the config, even when it is off", () => {
    const cases: [StatsCacheConfig, string][] = [
      [{ charts: "yes" as never }, "charts"],
      [{ charts: { enabled: "true" as never } }, "charts.enabled"],
      [{ charts: { interval: "10x" } }, "charts.interval"],
      [{ charts: { interval: "500ms" } }, "charts.interval"],
      [{ charts: { interval: "10m", retention: "5m" } }, "charts.retention"],
      [{ charts: { lease: "5s" } }, "charts.lease"], // not longer than statsCollectInterval (5s)
      [{ charts: { enabled: false, retention: -1 } }, "charts.retention"],
      [{ uncertainty: "yes" as never }, "uncertainty"],
    ];
    for (const [config, path] of cases) {
      expect(() => resolveStatsCacheConfig(config), path).toThrow(expect.objectContaining({ path }));
      expect(() => resolveStatsCacheConfig(config)).toThrow(InvalidArgumentError);
    }
    expect(resolveStatsCacheConfig({ charts: { enabled: true } }).charts).toEqual({
      intervalMs: 600_000,
      retentionMs: 86_400_000,
      leaseMs: 30_000,
    });
    expect(resolveStatsCacheConfig({ statsCollectInterval: "20s", charts: { enabled: true } }).charts?.leaseMs).toBe(
      60_000, // three collections
    );
    expect(resolveStatsCacheConfig({ charts: { interval: "1m" } }).charts).toBeNull(); // off unless enabled
    expect(resolveStatsCacheConfig({ charts: null }).charts).toBeNull();
  });

  it("samples the pool and every miner once per interval, and serves them in the snapshot and accounts", async () => {
    const { cache, keys, sampled, errors, router } = await setup();
    await cache.start();
    const first = cache.snapshot;
    expect(first?.charts?.points).toEqual([]); // read before this collection's sample
    expect(sampled).toEqual([
      expect.objectContaining({ outcome: "sampled", leader: true, acquired: true, at: T0S, pool: true }),
    ]);
    const stats = first?.stats;
    if (stats === undefined) throw new Error("no snapshot");
    expect(sampled[0]?.miners).toBe(stats.minersTotal);
    expect(await redis.zrange(keys.poolChart(), "0", "-1")).toEqual([`${T0S}:${stats.hashrate}:${stats.minersTotal}`]);
    for (const [login, miner] of stats.miners) {
      expect(await redis.zrange(keys.minerChart(login), "0", "-1")).toEqual([`${T0S}:${miner.hr}`]);
      expect(await redis.ttl(keys.minerChart(login))).toBe(172_800);
    }

    // Nine more collections a minute apart: nothing new is due; the tenth samples again.
    for (let i = 1; i <= 10; i++) await minute();
    expect(sampled.map((r) => r.outcome)).toEqual(["sampled", "sampled"]);
    expect(sampled[1]?.at).toBe(T0S + 600);
    await minute();
    const points = cache.snapshot?.charts?.points ?? [];
    expect(points.map((p) => p.x)).toEqual([BigInt(T0S), BigInt(T0S + 600)]);
    expect(points[0]).toEqual({ x: BigInt(T0S), hashrate: stats.hashrate, minersOnline: BigInt(stats.minersTotal) });
    expect(cache.snapshot?.charts?.averages["1h"]).toMatchObject({ samples: 2 });

    const login = [...stats.miners.keys()][0] as string;
    const result = await cache.getAccount(login);
    if (!result.found) throw new Error("no account");
    expect(result.account.charts?.points).toHaveLength(2);
    expect(result.account.charts?.points[0]).toEqual({ x: BigInt(T0S), hashrate: stats.miners.get(login)?.hr });

    // The fork's JSON: `poolCharts` between `now` and `stats`, `charts` first in an account.
    const statsBody = await body(router, "/api/stats");
    const hr = String(stats.hashrate);
    const mean = String(cache.snapshot?.charts?.averages["1h"].hashrate);
    expect(statsBody).toMatch(
      new RegExp(
        `"hashrate":\\d+,"hashrateAverages":\\{"1h":${mean},"6h":${mean},"24h":${mean}\\},"immatureTotal":.*` +
          `"now":\\d+,"poolCharts":\\[\\{"hashrate":${hr},"minersOnline":${stats.minersTotal},"x":${T0S}\\},` +
          `\\{"hashrate":\\d+,"minersOnline":\\d+,"x":${T0S + 600}\\}\\],"stats":\\{`,
      ),
    );
    const accountBody = await body(router, `/api/accounts/${login}`);
    expect(accountBody).toMatch(
      new RegExp(
        `^\\{"charts":\\[\\{"hashrate":${stats.miners.get(login)?.hr},"x":${T0S}\\},\\{"hashrate":\\d+,"x":${T0S + 600}\\}\\],"currentHashrate":\\d+,"hashrate":\\d+,"hashrateAverages":\\{"1h":\\d+,"6h":\\d+,"24h":\\d+\\},"pageSize":`,
      ),
    );
    expect(errors).toEqual([]);

    // stop() gives the lease up: another instance can take over at once.
    expect(await redis.exists(keys.chartSampler())).toBe(1);
    await cache.stop();
    expect(await redis.exists(keys.chartSampler())).toBe(0);
  });

  it("before the first snapshot /api/stats says poolCharts: [] (the fork's shape, never null)", async () => {
    const { router } = await setup();
    expect(await body(router, "/api/stats")).toMatch(/^\{"nodes":\[.*\],"poolCharts":\[\]\}\n$/);
  });

  it("an instance that must not write (sampleCharts: false, the default with purge: false) only reads", async () => {
    const p = prefix();
    const writer = await setup(CHARTS, {}, p);
    await writer.cache.start();
    await writer.cache.stop();
    const reader = await setup(CHARTS, { purge: false }, p);
    await reader.cache.start();
    for (let i = 0; i < 10; i++) await minute(1); // no purge timer
    expect(reader.sampled).toEqual([]);
    expect(reader.cache.snapshot?.charts?.points).toHaveLength(1); // the other instance's sample
    const sent = reader.trips.log.flatMap((trip) => trip.commands);
    for (const write of ["set", "evalsha", "eval", "zadd", "zremrangebyscore", "expire", "del"]) {
      expect(sent, write).not.toContain(write);
    }
    await reader.cache.stop();
    expect(reader.trips.log.flatMap((trip) => trip.commands)).not.toContain("evalsha");
  });

  it("refuses charts.enabled with a backend that cannot keep charts", () => {
    const backend = new RedisStatsBackend(redis, { prefix: prefix() });
    const bare = { ...backend, now: backend.now, hashrateWindow: (w: never) => backend.hashrateWindow(w) };
    expect(() => new StatsCache(bare as never, CHARTS)).toThrow(expect.objectContaining({ path: "charts.enabled" }));
  });

  it("a pool series of another Redis type is read as empty and counted, not an error", async () => {
    const { cache, keys, errors } = await setup();
    await cache.start();
    await minute();
    const before = cache.snapshot?.charts;
    expect(before?.points).toHaveLength(1);
    // A data problem: read as empty and counted; the sampler's write to it is skipped (wrong-type).
    await redis.del(keys.poolChart());
    await redis.set(keys.poolChart(), "oops");
    await minute();
    expect(cache.snapshot?.charts).toMatchObject({ points: [], malformed: { [keys.poolChart()]: 1 } });
    expect(errors).toEqual([]);
  });

  it("a failed chart read keeps the previous series, reported as `charts`; the snapshot goes on", async () => {
    const p = prefix();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: T0 });
    await seedGolden(redis, scenario, p);
    const backend = new RedisStatsBackend(redis, { prefix: p, now: () => Date.now() });
    // Fault injection at the seam: the store's pool reads fail while `failing` is set.
    let failing = false;
    const real = backend.chartStore.bind(backend);
    backend.chartStore = (settings) => {
      const store = real(settings);
      return Object.assign(Object.create(store), {
        readPool: (nowMs: number) =>
          failing
            ? Promise.reject(new BackendUnavailableError("readPoolCharts", new Error("down")))
            : store.readPool(nowMs),
      });
    };
    const cache = new StatsCache(backend, CHARTS);
    cleanups.push(() => cache.stop());
    const errors: StatsCacheErrorEvent[] = [];
    cache.on("error", (event) => errors.push(event));
    await cache.start();
    await minute();
    const held = cache.snapshot?.charts;
    expect(held?.points).toHaveLength(1);
    failing = true;
    await minute();
    expect(errors.map((e) => e.operation)).toEqual(["charts"]);
    expect(cache.snapshot?.version).toBe(3);
    expect(cache.snapshot?.charts).toBe(held);
    expect(cache.lastError).toBeUndefined(); // the loop's own reads are fine
  });
});

describe("the uncertainty opt-in", () => {
  it("adds …Uncertainty beside every hashrate and probability to luck rows; nothing without it", async () => {
    const on = await setup({ ...(scenario.httpConfig as StatsCacheConfig), uncertainty: true });
    await on.cache.start();
    const stats = await body(on.router, "/api/stats");
    expect(stats).toMatch(
      /"hashrate":\d+,"hashrateUncertainty":\{"shares":\d+,"relativeError":[0-9.e-]+,"low":\d+,"high":\d+\},"immatureTotal"/,
    );
    const miners = await body(on.router, "/api/miners");
    expect(miners).toMatch(/^\{"hashrate":\d+,"hashrateUncertainty":\{[^}]*\},"miners":\{/);
    expect(miners).toMatch(/"offline":(true|false),"hrUncertainty":\{"shares":\d+,/);
    const blocks = await body(on.router, "/api/blocks");
    // A luck row is a Go map: `probability` sorts between `orphanRate` and `uncleRate`.
    expect(blocks).toMatch(
      /"luck":\{"\d+":\{"luck":[0-9.e+-]+,"orphanRate":[0-9.e+-]+,"probability":[0-9.e+-]+,"uncleRate":/,
    );
    const login = [...(on.cache.snapshot?.stats.miners.keys() ?? [])][0] as string;
    const account = await body(on.router, `/api/accounts/${login}`);
    expect(account).toMatch(
      /^\{"currentHashrate":\d+,"currentHashrateUncertainty":\{[^}]*\},"hashrate":\d+,"hashrateUncertainty":/,
    );
    expect(account).toMatch(/"hr2":\d+,"hrUncertainty":\{[^}]*\},"hr2Uncertainty":\{[^}]*\}/);
    await on.cache.stop();

    const off = await setup(scenario.httpConfig as StatsCacheConfig);
    await off.cache.start();
    for (const path of ["/api/stats", "/api/miners", "/api/blocks", `/api/accounts/${login}`]) {
      expect(await body(off.router, path)).not.toMatch(/Uncertainty|probability|poolCharts|"charts"|Averages/);
    }
  });
});
