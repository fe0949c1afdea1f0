import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import type { WorkersStats } from "../../src/model/results.js";
import { seededRandom as rng } from "../../src/testing/random.js";
import { useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const SMALL = 60;
const LARGE = 300;
const LOGIN = "0xabc";

/** Everything a workers read returns, with bigints as text, to compare two reads. */
function comparable(stats: WorkersStats): string {
  const workers = [...stats.workers].sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify({ ...stats, workers }, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

describe("account windows: incremental equals a full read at every refresh", () => {
  for (const seed of [21, 22, 23, 24]) {
    it(`seed ${seed}: new, late, re-scored and malformed shares, trims by another process, purges, flushes`, async () => {
      const p = prefix();
      const keys = new PoolKeys(p);
      const key = keys.minerHashrate(LOGIN);
      const random = rng(seed);
      let nowMs = 1_700_000_000_000;
      const backend = new RedisStatsBackend(redis, {
        prefix: p,
        now: () => nowMs,
        hashrate: { overlapSeconds: 2, tailChunkSize: 11, resyncChunkSize: 23, verifySeconds: 60 },
      });
      const window = backend.accountWindow(LOGIN, `${SMALL}s`, `${LARGE}s`);
      let serial = 0;
      const modes = new Set<string>();
      let membersIncremental = 0;
      let membersFull = 0;
      let repairs = 0;
      for (let cycle = 0; cycle < 60; cycle++) {
        nowMs += Math.floor(1000 + random() * 9000);
        const nowS = Math.trunc(nowMs / 1000);
        const pipeline = redis.pipeline();
        // Late shares (beyond the overlap) in one cycle of ten.
        const late = random() < 0.1;
        for (let i = Math.floor(random() * 30); i > 0; i--) {
          const score = late && i < 4 ? nowS - 3 - Math.floor(random() * 200) : nowS - Math.floor(random() * 2);
          const member = random() < 0.03 ? `bad${serial++}` : `2000000000:rig${Math.floor(random() * 6)}:${serial++}`;
          pipeline.zadd(key, score, member);
        }
        await pipeline.exec();
        const event = random();
        if (event < 0.15) {
          // A member re-scored at least a verification bucket later.
          const old = await redis.zrange(key, String(nowS - LARGE), String(nowS - 30), "BYSCORE", "WITHSCORES");
          if (old.length > 0) {
            const i = Math.floor((random() * old.length) / 2) * 2;
            await redis.zadd(key, Number(old[i + 1]) + 5 + Math.floor(random() * 20), old[i] as string);
          }
        } else if (event < 0.25) {
          await redis.zremrangebyscore(key, "-inf", `(${nowS - LARGE + Math.floor(random() * 40)}`);
        } else if (event < 0.3) {
          await backend.flushStaleStats("30m", `${LARGE}s`);
        } else if (event < 0.33) {
          await redis.del(key);
        }
        const incremental = await backend.collectWorkersStats(`${SMALL}s`, `${LARGE}s`, LOGIN, window);
        const full = await backend.collectWorkersStats(`${SMALL}s`, `${LARGE}s`, LOGIN);
        expect(comparable(incremental), `cycle ${cycle}`).toBe(comparable(full));
        expect(window.lastRead?.verified).toBe(true);
        modes.add(window.lastRead?.mode ?? "none");
        if (cycle > 0) membersIncremental += window.lastRead?.membersRead ?? 0;
        if (window.lastRead?.mode === "repair") repairs++;
        membersFull += await redis.zcount(key, nowS - LARGE, "+inf");
      }
      expect(modes.has("tail")).toBe(true);
      expect(membersIncremental).toBeLessThan(membersFull);
      expect(repairs).toBeGreaterThan(0);
      await window.settled();
    });
  }

  it("a refresh of a big account reads only the new shares and the overlap", async () => {
    const p = prefix();
    const key = new PoolKeys(p).minerHashrate(LOGIN);
    let nowMs = 1_700_000_000_000;
    const nowS = () => Math.trunc(nowMs / 1000);
    // 200 rigs, 20,000 shares over the 300 s large window.
    const pipeline = redis.pipeline();
    for (let i = 0; i < 20_000; i++) pipeline.zadd(key, nowS() - (i % 300), `2000000000:rig${i % 200}:${i}`);
    await pipeline.exec();
    const backend = new RedisStatsBackend(redis, { prefix: p, now: () => nowMs });
    const window = backend.accountWindow(LOGIN, `${SMALL}s`, `${LARGE}s`);
    await backend.collectWorkersStats(`${SMALL}s`, `${LARGE}s`, LOGIN, window);
    expect(window.lastRead).toMatchObject({ mode: "cold", membersRead: 20_000 });
    for (let cycle = 0; cycle < 5; cycle++) {
      nowMs += 5000;
      const fresh = redis.pipeline();
      for (let i = 0; i < 300; i++) fresh.zadd(key, nowS() - (i % 5), `2000000000:rig${i % 200}:new${cycle}:${i}`);
      await fresh.exec();
      const incremental = await backend.collectWorkersStats(`${SMALL}s`, `${LARGE}s`, LOGIN, window);
      const full = await backend.collectWorkersStats(`${SMALL}s`, `${LARGE}s`, LOGIN);
      expect(comparable(incremental)).toBe(comparable(full));
      // The 5 s of new shares and the previous read's last 5 s (the overlap), nothing else.
      expect(window.lastRead).toMatchObject({ mode: "tail", verified: true });
      expect(window.lastRead?.membersRead).toBeLessThanOrEqual(300 + 5 * (20_000 / 300) + 300);
    }
    await window.settled();
  });

  it("refuses a window of another login, another backend or other windows", async () => {
    const backend = new RedisStatsBackend(redis, { prefix: prefix(), now: () => 1_700_000_000_000 });
    const other = new RedisStatsBackend(redis.duplicate(), { prefix: prefix() });
    const window = backend.accountWindow(LOGIN, "60s", "300s");
    const refused = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(InvalidArgumentError);
    await refused(backend.collectWorkersStats("60s", "300s", "0xother", window));
    await refused(backend.collectWorkersStats("60s", "600s", LOGIN, window));
    await refused(other.collectWorkersStats("60s", "300s", LOGIN, window));
    await refused(backend.collectWorkersStats("60s", "300s", LOGIN, backend.hashrateWindow("300s") as never));
    other.redis.disconnect();
  });
});

describe("a StatsCache keeps account windows within its budget", () => {
  const config: StatsCacheConfig = {
    enabled: true,
    listen: "127.0.0.1:0",
    statsCollectInterval: "5s",
    hashrateWindow: "1m",
    hashrateLargeWindow: "5m",
    luckWindow: [64],
    blocks: 10,
    payments: 10,
    purgeInterval: "10m",
  };

  async function pool(miners: number, sharesEach: number, nowS: number) {
    const p = prefix();
    const keys = new PoolKeys(p);
    const pipeline = redis.pipeline();
    for (let m = 0; m < miners; m++) {
      const login = `0x${m.toString(16).padStart(40, "0")}`;
      pipeline.hset(keys.miner(login), "balance", "1");
      for (let s = 0; s < sharesEach; s++) {
        pipeline.zadd(keys.minerHashrate(login), nowS - (s % 290), `2000000000:rig${s % 4}:${s}`);
      }
    }
    await pipeline.exec();
    return { p, logins: Array.from({ length: miners }, (_, m) => `0x${m.toString(16).padStart(40, "0")}`) };
  }

  it("holds windows for cached accounts, counts their entries, and drops the oldest past the budget", async () => {
    let nowMs = 1_700_000_000_000;
    const { p, logins } = await pool(6, 400, Math.trunc(nowMs / 1000));
    const backend = new RedisStatsBackend(redis, { prefix: p, now: () => nowMs });
    // About 290 seconds × 4 rigs of entries per account: a budget of three accounts' windows.
    const cache = new StatsCache(backend, config, { purge: false, maxAccountWindowEntries: 3 * 1200 });
    for (const login of logins) expect((await cache.getAccount(login)).found).toBe(true);
    const sizes = cache.accountCacheSizes();
    expect(sizes.accounts).toBe(6);
    expect(sizes.windows).toBeGreaterThan(0);
    expect(sizes.windows).toBeLessThan(6);
    expect(sizes.windowEntries).toBeGreaterThan(0);
    expect(sizes.windowEntries).toBeLessThanOrEqual(3 * 1200);
    // A refresh of a held account reads only its tail, and gives what a full read gives.
    nowMs += 6000;
    const last = logins[5] as string;
    const refreshed = await cache.getAccount(last);
    const full = await backend.collectWorkersStats("1m", "5m", last);
    expect(refreshed.found && refreshed.account.currentHashrate).toBe(full.currentHashrate);
    expect(refreshed.found && refreshed.account.hashrate).toBe(full.hashrate);
    await cache.stop();
  });

  it("keeps none with maxAccountWindowEntries 0, and none that alone exceeds the budget", async () => {
    const nowMs = 1_700_000_000_000;
    const { p, logins } = await pool(2, 400, Math.trunc(nowMs / 1000));
    const backend = new RedisStatsBackend(redis, { prefix: p, now: () => nowMs });
    const off = new StatsCache(backend, config, { purge: false, maxAccountWindowEntries: 0 });
    const tiny = new StatsCache(backend, config, { purge: false, maxAccountWindowEntries: 10 });
    for (const cache of [off, tiny]) {
      for (const login of logins) expect((await cache.getAccount(login)).found).toBe(true);
      expect(cache.accountCacheSizes()).toMatchObject({ accounts: 2, windows: 0, windowEntries: 0 });
      await cache.stop();
    }
  });
});
