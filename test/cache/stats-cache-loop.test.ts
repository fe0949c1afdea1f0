import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import type { StatsCacheOptions } from "../../src/cache/cache-options.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { BackendUnavailableError } from "../../src/errors/backend-unavailable-error.js";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.js";
import { toGoJson } from "../../src/go/json.js";
import { luckToGo, poolStatsToGo } from "../../src/json/compat-shapes.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import type { PurgedEvent, StatsCacheErrorEvent } from "../../src/model/events.js";
import type { LuckStats } from "../../src/model/results.js";
import type { BlockRow } from "../../src/model/rows.js";
import type { StatsSnapshot } from "../../src/model/snapshot.js";
import { startRedisServer } from "../../src/testing/redis-server-process.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { instrument } from "../support/instrumented-backend.js";
import { useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";
import { realSleep, until } from "../support/wait.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const apiConfig = scenario.httpConfig as StatsCacheConfig;
const t0 = scenario.nowMs;

/** Caches and clients a test created, stopped and closed after it (before real timers return). */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.useRealTimers();
});

/**
 * Fakes setTimeout and Date only: Redis replies and the `until` helper keep real
 * event-loop turns. The cache, the backend and the instrumentation all read the faked
 * `Date.now`, which starts at the golden recording's clock.
 */
function fakeTime(): void {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: t0 });
}

/** A client of its own, which a test may disconnect to make Redis fail for real. */
async function ownClient(url = inject("redisUrl")): Promise<Redis> {
  const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  client.on("error", () => {}); // connection errors surface as rejected commands
  await client.connect();
  cleanups.push(async () => client.disconnect());
  return client;
}

/** The golden pool under a fresh prefix, a cache over an instrumented real backend. */
async function setup(
  overrides: StatsCacheConfig = {},
  options: { client?: Redis; cache?: StatsCacheOptions; seed?: Redis } = {},
) {
  const p = prefix();
  await seedGolden(options.seed ?? redis, scenario, p);
  const backend = new RedisStatsBackend(options.client ?? redis, { prefix: p, now: () => Date.now() });
  const probe = instrument(backend, () => Date.now());
  const cache = new StatsCache(probe.backend, { ...apiConfig, ...overrides }, options.cache);
  cleanups.push(() => cache.stop());
  const collected: StatsSnapshot[] = [];
  const purged: PurgedEvent[] = [];
  const errors: StatsCacheErrorEvent[] = [];
  cache.on("collected", (snapshot) => collected.push(snapshot));
  cache.on("purged", (event) => purged.push(event));
  cache.on("error", (event) => errors.push(event));
  return { cache, probe, collected, purged, errors };
}

function goldenText(fn: string, args: Record<string, unknown>): string {
  const call = scenario.calls.find(
    (c) => c.fn === fn && Object.entries(args).every(([k, v]) => JSON.stringify(c.args[k]) === JSON.stringify(v)),
  );
  if (call === undefined) throw new Error(`no golden ${fn} ${JSON.stringify(args)}`);
  return call.resultText ?? JSON.stringify(call.result);
}

describe("StatsCache start(): the original's start-up order and snapshot", () => {
  it("with purge: false (an API instance on a read-only replica) never purges", async () => {
    fakeTime();
    const { cache, probe } = await setup({}, { cache: { purge: false } });
    await cache.start();
    const settled = () => probe.calls.every((call) => call.endedAt !== undefined);
    for (let n = 2; n <= 3; n++) {
      await vi.advanceTimersByTimeAsync(5000);
      await until(() => probe.callsOf("collectStats").length === n && settled(), `collection ${n}`);
    }
    await vi.advanceTimersByTimeAsync(11 * 60_000); // past the purge interval (10 min)
    await until(() => probe.callsOf("collectStats").length === 4 && settled(), "the collection due meanwhile");
    expect(probe.callsOf("flushStaleStats")).toHaveLength(0);
    expect(() => new StatsCache(probe.backend, { purgeOnly: true }, { purge: false })).toThrow(InvalidArgumentError);
  });

  it("purges, then collects with sorted luck windows, and serves the original's numbers", async () => {
    fakeTime();
    const { cache, probe, collected, purged } = await setup({ luckWindow: [256, 64, 128] });
    await cache.start();

    expect(probe.calls.map((call) => call.method)).toEqual(["flushStaleStats", "collectStats", "collectLuckStats"]);
    expect(probe.callsOf("flushStaleStats")[0]?.args).toEqual([1_800_000, 10_800_000]);
    expect(probe.callsOf("collectStats")[0]?.args).toEqual([1_800_000, 50, 30]);
    expect(probe.callsOf("collectLuckStats")[0]?.args).toEqual([[64, 128, 256]]);

    const snapshot = cache.snapshot as StatsSnapshot;
    expect(toGoJson(poolStatsToGo(snapshot.stats))).toBe(
      goldenText("CollectStats", { maxBlocks: 50, maxPayments: 30 }),
    );
    expect(toGoJson(luckToGo(snapshot.luck?.rows ?? new Map()))).toBe(
      goldenText("CollectLuckStats", { windows: [64, 128, 256] }),
    );
    expect(snapshot).toMatchObject({ version: 1, collectedAt: t0, durationMs: 0 });
    expect(collected).toEqual([snapshot]);
    expect(purged).toHaveLength(1);
    expect(purged[0]?.result.removed).toBe(Number(goldenText("FlushStaleStats", {})));
    expect(cache.snapshotAge()).toBe(0);
    expect(cache.lastError).toBeUndefined();
    expect(vi.getTimerCount()).toBe(2); // the collect and the purge timers
  });

  it("hands out a deeply frozen snapshot and swaps it whole", async () => {
    fakeTime();
    const { cache, collected } = await setup();
    await cache.start();
    const first = cache.snapshot as StatsSnapshot;
    const miners = first.stats.miners as Map<string, unknown>;
    expect(Object.isFrozen(first) && Object.isFrozen(first.stats) && Object.isFrozen(first.stats.matured)).toBe(true);
    expect(() => miners.set("0xevil", {})).toThrow(TypeError);
    expect(() => miners.clear()).toThrow(TypeError);
    const luckRows = (first.luck as LuckStats).rows as Map<string, unknown>;
    expect(() => luckRows.delete("64")).toThrow(TypeError);
    expect(() => (first.stats.candidates as BlockRow[]).push(first.stats.candidates[0] as BlockRow)).toThrow(TypeError);
    expect(() => {
      (first.stats.matured[0] as { height: number }).height = 1;
    }).toThrow(TypeError);
    expect(miners.size).toBe(first.stats.minersTotal);

    await vi.advanceTimersByTimeAsync(5000);
    await until(() => collected.length === 2, "the second collection");
    expect(cache.snapshot).not.toBe(first);
    expect(cache.snapshot?.version).toBe(2);
    expect(cache.snapshot?.collectedAt).toBe(t0 + 5000);
    expect(first.version).toBe(1); // a reader holding the old one sees it unchanged
  });

  it("computes no luck when luckWindow is empty", async () => {
    fakeTime();
    const { cache, probe } = await setup({ luckWindow: [] });
    await cache.start();
    expect(cache.snapshot?.luck).toBeNull();
    expect(probe.callsOf("collectLuckStats")).toHaveLength(0);
  });

  it("only purges in purgeOnly mode, every purgeInterval", async () => {
    fakeTime();
    const { cache, probe, purged } = await setup({ purgeOnly: true, purgeInterval: "10m" });
    await cache.start();
    expect(cache.snapshot).toBeUndefined();
    expect(cache.snapshotAge()).toBeUndefined();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    await until(() => purged.length === 2, "the second purge");
    expect(probe.calls.map((call) => call.method)).toEqual(["flushStaleStats", "flushStaleStats"]);
  });
});

describe("StatsCache loop: periods from the end of each run, one run at a time", () => {
  it("does not overlap or pile up when a collection is slower than the interval", async () => {
    fakeTime();
    const { cache, probe, collected } = await setup({ statsCollectInterval: "5s", purgeInterval: "12s" });
    await cache.start(); // at t0; fake time does not move during real Redis I/O
    const release = probe.hold("collectStats");
    await vi.advanceTimersByTimeAsync(5000);
    await until(() => probe.callsOf("collectStats").length === 2, "the second collection to start");
    expect(probe.callsOf("collectStats")[1]?.startedAt).toBe(t0 + 5000);

    // Four intervals and a purge period pass while that collection hangs.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(probe.callsOf("collectStats")).toHaveLength(2); // no tick piled up behind it
    expect(probe.callsOf("flushStaleStats")).toHaveLength(1); // the due purge waits: no overlap
    expect(vi.getTimerCount()).toBe(0); // both jobs are queued or running; nothing is armed

    release();
    await until(() => probe.callsOf("flushStaleStats").length === 2, "the queued purge");
    await until(() => probe.calls.every((call) => call.endedAt !== undefined), "the purge to end");
    expect(probe.callsOf("flushStaleStats")[1]?.startedAt).toBe(t0 + 25_000); // right after the collection
    expect(collected.map((s) => s.collectedAt)).toEqual([t0, t0 + 5000]);
    expect(collected[1]?.durationMs).toBe(20_000);

    // The next collection is one interval after the slow one ended, not on the old 5 s grid.
    await vi.advanceTimersByTimeAsync(4999);
    expect(probe.callsOf("collectStats")).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => collected.length === 3, "the third collection");
    expect(collected[2]?.collectedAt).toBe(t0 + 30_000);

    // The purge, too, counts its 12 s from its own end (t0 + 25 s).
    await vi.advanceTimersByTimeAsync(11_999 - 5000);
    expect(probe.callsOf("flushStaleStats")).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => probe.callsOf("flushStaleStats").length === 3, "the third purge");
    expect(probe.callsOf("flushStaleStats")[2]?.startedAt).toBe(t0 + 37_000);
    expect(probe.maxConcurrentLoopReads()).toBe(1);
  });
});

describe("StatsCache failures: the previous snapshot stays, visibly older", () => {
  it("keeps serving the last snapshot while Redis is gone, then recovers", async () => {
    const client = await ownClient();
    fakeTime();
    const { cache, errors, collected } = await setup({}, { client });
    await cache.start();
    const first = cache.snapshot as StatsSnapshot;

    client.disconnect(); // a real connection failure: every command now rejects
    await vi.advanceTimersByTimeAsync(5000);
    await until(() => errors.length === 1, "the failed collection");
    expect(cache.snapshot).toBe(first);
    expect(cache.snapshotAge()).toBe(5000);
    expect(cache.lastError).toMatchObject({ operation: "collect", at: t0 + 5000 });
    expect(cache.lastError?.error).toBeInstanceOf(BackendUnavailableError);

    await vi.advanceTimersByTimeAsync(5000);
    await until(() => errors.length === 2, "the second failed collection");
    expect(cache.snapshot).toBe(first);
    expect(cache.snapshotAge()).toBe(10_000);

    await client.connect();
    await vi.advanceTimersByTimeAsync(5000);
    await until(() => collected.length === 2, "a collection after the reconnect");
    expect(cache.snapshot?.version).toBe(2);
    expect(cache.snapshotAge()).toBe(0);
    expect(cache.lastError).toBeUndefined();
  });

  it("discards the whole new snapshot when only the luck read fails (as the original)", async () => {
    const client = await ownClient();
    fakeTime();
    const { cache, probe, errors } = await setup({}, { client });
    await cache.start();
    const release = probe.hold("collectLuckStats");
    await vi.advanceTimersByTimeAsync(5000);
    await until(() => probe.callsOf("collectLuckStats").length === 2, "the luck read");
    expect(probe.callsOf("collectStats")[1]?.outcome).toBe("ok");
    client.disconnect();
    release();
    await until(() => errors.length === 1, "the failed luck read");
    expect(cache.snapshot?.version).toBe(1);
    expect(cache.lastError?.operation).toBe("collect");
  });

  it("resolves start() with no snapshot when Redis is down, and reports why", async () => {
    const client = await ownClient();
    client.disconnect();
    fakeTime();
    const { cache, errors, collected } = await setup({}, { client, seed: redis });
    await expect(cache.start()).resolves.toBeUndefined();
    expect(cache.snapshot).toBeUndefined();
    expect(cache.snapshotAge()).toBeUndefined();
    expect(errors.map((e) => e.operation)).toEqual(["purge", "collect"]);
    expect(cache.lastError?.error).toBeInstanceOf(BackendUnavailableError);
    expect(vi.getTimerCount()).toBe(2); // the loops keep trying

    await client.connect();
    await vi.advanceTimersByTimeAsync(5000);
    await until(() => collected.length === 1, "the first successful collection");
    expect(cache.snapshot?.version).toBe(1);
    expect(cache.lastError?.operation).toBe("purge"); // the purge has not run again yet
  });

  it("keeps the loop going when listeners throw or reject", async () => {
    fakeTime();
    const { cache, collected } = await setup();
    cache.on("collected", () => {
      throw new Error("a host's listener bug");
    });
    cache.on("collected", async () => {
      throw new Error("a host's async listener bug");
    });
    const removed: number[] = [];
    const off = cache.on("collected", (s) => removed.push(s.version));
    await cache.start();
    off();
    await vi.advanceTimersByTimeAsync(5000);
    await until(() => collected.length === 2, "the second collection");
    expect(collected.map((s) => s.version)).toEqual([1, 2]);
    expect(removed).toEqual([1]);
  });
});

describe("StatsCache stop() and restart", () => {
  it("resolves after the collection in flight, with every timer cleared", async () => {
    fakeTime();
    const { cache, probe, collected } = await setup();
    await cache.start();
    const release = probe.hold("collectStats");
    await vi.advanceTimersByTimeAsync(5000);
    await until(() => probe.callsOf("collectStats").length === 2, "the second collection");

    let stopped = false;
    const stopping = cache.stop().then(() => {
      stopped = true;
    });
    expect(vi.getTimerCount()).toBe(0);
    await realSleep(20);
    expect(stopped).toBe(false); // it waits for the read in flight
    release();
    await stopping;
    expect(collected).toHaveLength(2); // that collection completed and was kept

    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(probe.callsOf("collectStats")).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("stopped during start(): start() resolves without collecting, nothing stays armed", async () => {
    fakeTime();
    const { cache, probe } = await setup();
    const release = probe.hold("flushStaleStats");
    const starting = cache.start();
    await until(() => probe.calls.length === 1, "the initial purge");
    const stopping = cache.stop();
    release();
    await Promise.all([starting, stopping]);
    expect(probe.callsOf("collectStats")).toHaveLength(0);
    expect(cache.snapshot).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is idempotent, and starts again after stop()", async () => {
    fakeTime();
    const { cache, probe } = await setup();
    const first = cache.start();
    expect(cache.start()).toBe(first);
    await first;
    expect(probe.callsOf("flushStaleStats")).toHaveLength(1);
    await Promise.all([cache.stop(), cache.stop()]);
    await cache.stop();
    expect(vi.getTimerCount()).toBe(0);

    await cache.start();
    expect(probe.calls.map((call) => call.method)).toEqual([
      "flushStaleStats",
      "collectStats",
      "collectLuckStats",
      "flushStaleStats",
      "collectStats",
      "collectLuckStats",
    ]);
    expect(cache.snapshot?.version).toBe(2);
    expect(vi.getTimerCount()).toBe(2);
  });

  it.skipIf(!inject("redisServerAvailable"))(
    "waits for a stalled Redis (SIGSTOP) and resolves cleanly when it dies (SIGKILL) mid-collection",
    async () => {
      const server = await startRedisServer();
      try {
        const seed = await ownClient(server.url);
        const client = await ownClient(server.url);
        fakeTime();
        const { cache, probe, errors } = await setup({}, { client, seed });
        await cache.start();
        expect(cache.snapshot?.version).toBe(1);

        server.child.kill("SIGSTOP");
        await vi.advanceTimersByTimeAsync(5000);
        await until(() => probe.callsOf("collectStats").length === 2, "a collection against the stalled server");
        let stopped = false;
        const stopping = cache.stop().then(() => {
          stopped = true;
        });
        await realSleep(50);
        expect(stopped).toBe(false);

        server.child.kill("SIGKILL"); // the connection drops with the read in flight
        await stopping;
        expect(errors.map((e) => e.operation)).toEqual(["collect"]);
        expect(errors[0]?.error).toBeInstanceOf(BackendUnavailableError);
        expect(cache.snapshot?.version).toBe(1);
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
        await server.stop();
      }
    },
  );
});
