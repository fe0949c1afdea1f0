import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import type { StatsCacheOptions } from "../../src/cache/cache-options.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { BackendUnavailableError } from "../../src/errors/backend-unavailable-error.js";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { instrument } from "../support/instrumented-backend.js";
import { fixedClock, useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";
import { realSleep, until } from "../support/wait.js";

/**
 * No caller waits on a hung Redis longer than the cache's bounds: an account refresh is
 * awaited at most `accountWait` from its start, `stop()` at most `stopTimeout`. A held
 * backend call (a gate the test opens) stands for the hang; every read is real.
 */
failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const apiConfig = scenario.httpConfig as StatsCacheConfig;
const A = "0x8e550c57631c4743ac80a5441efc6e7cde71d248";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: StatsCacheOptions, config: StatsCacheConfig = {}) {
  const p = prefix();
  await seedGolden(redis, scenario, p);
  const clock = fixedClock(scenario.nowMs);
  const probe = instrument(new RedisStatsBackend(redis, { prefix: p, now: clock.now }), clock.now);
  const cache = new StatsCache(probe.backend, { ...apiConfig, ...config }, options);
  cleanups.push(() => cache.stop());
  return { cache, clock, probe };
}

async function settle<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = performance.now();
  try {
    const value = await promise;
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

describe("StatsCache: bounded waits on a hung Redis", () => {
  it("an account refresh that hangs: 503 after accountWait, at once for later callers; the refresh still lands", async () => {
    const { cache, probe } = await setup({ accountWait: 150 });
    const release = probe.hold("minerExists");
    const first = await settle(cache.getAccount(A));
    expect(first.error).toBeInstanceOf(BackendUnavailableError);
    expect((first.error as BackendUnavailableError).operation).toBe("getAccount");
    expect(first.ms).toBeGreaterThanOrEqual(140);
    expect(first.ms).toBeLessThan(1000);
    const later = await settle(cache.getAccount(A.toUpperCase().replace("0X", "0x")));
    expect(later.error).toBeInstanceOf(BackendUnavailableError);
    expect(later.ms).toBeLessThan(50); // the refresh is known to be late: no second wait
    expect(probe.callsOf("minerExists")).toHaveLength(1); // still one refresh, still running
    expect(cache.accountCacheSizes().inFlight).toBe(1);

    release();
    await until(() => cache.accountCacheSizes().inFlight === 0, "the late refresh");
    const served = await settle(cache.getAccount(A));
    expect(served.value).toMatchObject({ found: true, stale: false });
    expect(probe.callsOf("minerExists")).toHaveLength(1); // the late refresh was stored
  });

  it("a refresh that comes back within accountWait is awaited as before", async () => {
    const { cache, probe } = await setup({ accountWait: 2000 });
    const release = probe.hold("getMinerStats");
    const pending = settle(cache.getAccount(A));
    await realSleep(100);
    release();
    const result = await pending;
    expect(result.value).toMatchObject({ found: true });
    expect(result.ms).toBeGreaterThanOrEqual(90);
  });

  it("stop() returns within stopTimeout while a collection hangs, and no collection starts after it", async () => {
    const { cache, probe } = await setup({ stopTimeout: 200 }, { statsCollectInterval: "20ms" });
    await cache.start();
    await until(() => probe.callsOf("collectStats").length >= 2, "a second collection");
    const release = probe.hold("collectStats");
    const held = probe.callsOf("collectStats").length;
    await until(() => probe.callsOf("collectStats").length === held + 1, "a collection on the hung Redis", 2000);
    const stopped = await settle(cache.stop());
    expect(stopped.ms).toBeGreaterThanOrEqual(190);
    expect(stopped.ms).toBeLessThan(1000);
    release();
    await realSleep(150); // seven collection periods
    expect(probe.callsOf("collectStats")).toHaveLength(held + 1);
    expect(probe.callsOf("collectStats").at(-1)?.outcome).toBe("ok"); // the released read finished by itself
  });

  it("refuses bounds that are not durations of 1 ms to 2^31−1 ms", () => {
    for (const [option, value] of [
      ["accountWait", 0],
      ["accountWait", "soon"],
      ["stopTimeout", -1],
      ["stopTimeout", 2 ** 31],
    ] as const) {
      let error: unknown;
      try {
        new StatsCache(new RedisStatsBackend(redis, { prefix: "x" }), apiConfig, { [option]: value });
      } catch (caught) {
        error = caught;
      }
      expect(error, `${option} ${value}`).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).path).toBe(option);
    }
  });
});
