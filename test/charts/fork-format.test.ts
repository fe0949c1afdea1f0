import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { toGoJson } from "../../src/go/json.js";
import { minerChartsToGo, poolChartsToGo } from "../../src/json/chart-shapes.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { ChartSettings } from "../../src/model/charts.js";
import type { MalformedEvent } from "../../src/model/malformed.js";
import type { PoolStats } from "../../src/model/results.js";
import type { MinerHashrate } from "../../src/model/rows.js";
import type { Milliseconds, Seconds } from "../../src/time/units.js";
import { countCommands } from "../support/command-counter.js";
import { connect, useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const T0 = 1_699_999_400; // the fork's test fixture time, seconds
const A = "0x8e550c57631c4743ac80a5441efc6e7cde71d248";
const B = "0x2a27f2a0bb62e31f98f18c161fcafa95869f42b6";
/** The fork's constants: chartSampleInterval 10 min, chartWindow 24 h. */
const FORK: ChartSettings = {
  intervalSeconds: 600 as Seconds,
  retentionSeconds: 86_400 as Seconds,
  leaseMs: 30_000 as Milliseconds,
};

/**
 * etclabscore/open-etc-pool's `chartSample` (storage/redis.go), command for command: the
 * newest score first (outside any transaction), then one MULTI of ZADD, the exclusive trim
 * and, for miners, EXPIRE of twice the window.
 */
async function forkChartSample(client: Redis, key: string, ts: number, member: string, miner: boolean): Promise<void> {
  const top = await client.zrevrange(key, "0", "0", "WITHSCORES");
  if (top.length === 2 && ts - Math.trunc(Number(top[1])) < 600) return;
  const multi = client
    .multi()
    .zadd(key, ts, member)
    .zremrangebyscore(key, "-inf", `(${ts - 86_400}`);
  if (miner) multi.expire(key, 172_800);
  await multi.exec();
}

/** A collection's numbers, as the sampler takes them: the clock, the pool total, each miner's `hr`. */
function collected(nowS: number, miners: Record<string, bigint>): PoolStats {
  const map = new Map<string, MinerHashrate>(
    Object.entries(miners).map(([login, hr]) => [login, { hr } as MinerHashrate]),
  );
  const hashrate = Object.values(miners).reduce((a, b) => a + b, 0n);
  return { now: nowS * 1000, miners: map, minersTotal: map.size, hashrate } as unknown as PoolStats;
}

async function dump(client: Redis, key: string) {
  return { members: await client.zrange(key, "0", "-1", "WITHSCORES"), ttl: await client.ttl(key) };
}

describe("charts in etclabscore/open-etc-pool's format", () => {
  it("keys: P:charts:pool, P:charts:miner:<login> (the fork's formatKey), P:charts:sampler (ours)", () => {
    const keys = new PoolKeys("etc");
    expect([keys.poolChart(), keys.minerChart(A), keys.chartSampler()]).toEqual([
      "etc:charts:pool",
      `etc:charts:miner:${A}`,
      "etc:charts:sampler",
    ]);
  });

  it("reads data the fork wrote and serves the fork's bytes (sorted map keys, oldest first)", async () => {
    const p = prefix("fork");
    const keys = new PoolKeys(p);
    for (const [i, hashrate, miners] of [
      [0, 148888888, 2],
      [1, 150000000, 3],
      [2, 0, 0],
    ] as const) {
      await forkChartSample(redis, keys.poolChart(), T0 + i * 600, `${T0 + i * 600}:${hashrate}:${miners}`, false);
      await forkChartSample(redis, keys.minerChart(A), T0 + i * 600, `${T0 + i * 600}:${79999999 - i}`, true);
    }
    const store = new RedisStatsBackend(redis, { prefix: p }).chartStore(FORK);
    const pool = await store.readPool((T0 + 1200) * 1000);
    expect(toGoJson(poolChartsToGo(pool.points))).toBe(
      '[{"hashrate":148888888,"minersOnline":2,"x":1699999400},' +
        '{"hashrate":150000000,"minersOnline":3,"x":1700000000},' +
        '{"hashrate":0,"minersOnline":0,"x":1700000600}]',
    );
    const miner = await store.readMiner(A, (T0 + 1200) * 1000);
    expect(toGoJson(minerChartsToGo(miner.points))).toBe(
      '[{"hashrate":79999999,"x":1699999400},{"hashrate":79999998,"x":1700000000},{"hashrate":79999997,"x":1700000600}]',
    );
    expect(toGoJson(minerChartsToGo((await store.readMiner(B, T0 * 1000)).points))).toBe("[]"); // never null
    expect([pool.malformed, miner.malformed, pool.dropped]).toEqual([{}, {}, 0]);
  });

  it("writes what the fork writes: the same members, scores, trim and TTLs", async () => {
    const ours = new PoolKeys(prefix("ours"));
    const theirs = new PoolKeys(prefix("theirs"));
    const store = new RedisStatsBackend(redis, { prefix: ours.prefix }).chartStore(FORK);
    // A day and a half of samples, every 10 minutes and 3 seconds (the fork's tick lag).
    for (let i = 0; i < 216; i++) {
      const ts = T0 + i * 603;
      const stats = collected(ts, { [A]: BigInt(80_000_000 + i), [B]: BigInt(i) });
      expect((await store.sample(stats)).outcome).toBe("sampled");
      await forkChartSample(redis, theirs.poolChart(), ts, `${ts}:${stats.hashrate}:2`, false);
      await forkChartSample(redis, theirs.minerChart(A), ts, `${ts}:${80_000_000 + i}`, true);
      await forkChartSample(redis, theirs.minerChart(B), ts, `${ts}:${i}`, true);
    }
    const pool = await dump(redis, ours.poolChart());
    expect(pool).toEqual(await dump(redis, theirs.poolChart()));
    expect(pool.ttl).toBe(-1); // the fork never expires the pool series
    for (const login of [A, B]) {
      const miner = await dump(redis, ours.minerChart(login));
      expect(miner).toEqual(await dump(redis, theirs.minerChart(login)));
      expect(miner.ttl).toBe(172_800);
    }
    // 24 h of 603 s steps: the trim kept the samples of the last day only.
    expect(pool.members.length / 2).toBe(144);
    expect(pool.members[0]).toBe(`${T0 + 72 * 603}:${80_000_072 + 72}:2`);
  });

  it("trims exclusively (a sample exactly one retention old stays) and gates at the interval", async () => {
    const keys = new PoolKeys(prefix("edges"));
    const store = new RedisStatsBackend(redis, { prefix: keys.prefix }).chartStore(FORK);
    await redis.zadd(keys.poolChart(), T0 - 86_400, `${T0 - 86_400}:1:1`, T0 - 86_401, `${T0 - 86_401}:1:1`);
    await redis.zadd(keys.poolChart(), T0 - 600, `${T0 - 600}:2:1`);
    expect((await store.sample(collected(T0 - 1, { [A]: 5n }))).outcome).toBe("not-due"); // 599 s
    expect((await store.sample(collected(T0, { [A]: 5n }))).pool).toBe(true); // 600 s: written
    expect(await redis.zrange(keys.poolChart(), "0", "-1")).toEqual([
      `${T0 - 86_400}:1:1`,
      `${T0 - 600}:2:1`,
      `${T0}:5:1`,
    ]);
    expect(await redis.zrange(keys.minerChart(A), "0", "-1")).toEqual([`${T0}:5`]);
  });

  it("skips and counts members with too few fields or a field that is not an integer; extra fields are ignored", async () => {
    const keys = new PoolKeys(prefix("junk"));
    const events: MalformedEvent[] = [];
    const backend = new RedisStatsBackend(redis, { prefix: keys.prefix, onMalformed: (e) => events.push(e) });
    const store = backend.chartStore(FORK);
    await redis.zadd(
      keys.poolChart(),
      ...[1, "1:2", 2, "2:3:4:extra", 3, "3:1.5:1", 4, "4::1", 5, "+5:-6:07", 6, "6:99999999999999999999999:1"],
    );
    const pool = await store.readPool(T0 * 1000);
    expect(toGoJson(poolChartsToGo(pool.points))).toBe(
      '[{"hashrate":3,"minersOnline":4,"x":2},{"hashrate":-6,"minersOnline":7,"x":5},' +
        '{"hashrate":99999999999999999999999,"minersOnline":1,"x":6}]',
    );
    expect(pool.malformed).toEqual({ [keys.poolChart()]: 3 });
    expect(events.map((e) => [e.member, e.reason])).toEqual([
      ["1:2", "too-few-fields"],
      ["3:1.5:1", "not-an-integer"],
      ["4::1", "not-an-integer"],
    ]);
    // The next read finds the key unchanged: reused, counted again, not reported again.
    expect((await store.readPool(T0 * 1000)).malformed).toEqual({ [keys.poolChart()]: 3 });
    expect(events).toHaveLength(3);

    await redis.set(keys.minerChart(A), "not a zset");
    const miner = await store.readMiner(A, T0 * 1000);
    expect([miner.points, miner.malformed]).toEqual([[], { [keys.minerChart(A)]: 1 }]);
  });

  it("reads a long series in bounded commands, and keeps at most maxPoints of the newest", async () => {
    const keys = new PoolKeys(prefix("long"));
    const members: (string | number)[] = [];
    for (let i = 0; i < 6000; i++) members.push(T0 - 6000 + i, `${T0 - 6000 + i}:${i}`);
    await redis.zadd(keys.minerChart(A), ...members);
    const client = connect();
    const { log } = countCommands(client);
    const backend = new RedisStatsBackend(client, {
      prefix: keys.prefix,
      hashrate: { resyncChunkSize: 1000 },
      charts: { maxPoints: 2500 },
    });
    const miner = await backend.chartStore(FORK).readMiner(A, T0 * 1000);
    expect(miner.points).toHaveLength(2500);
    expect(miner.dropped).toBe(3500);
    expect(miner.points[0]).toEqual({ x: BigInt(T0 - 2500), hashrate: 3500n });
    expect(miner.points.at(-1)).toEqual({ x: BigInt(T0 - 1), hashrate: 5999n });
    // Pages and slices of about 1000 members each: never the whole key in one command.
    const reads = log.flatMap((trip) => trip.commands).filter((name) => name === "zrange");
    expect(reads.length).toBeGreaterThanOrEqual(6);
    client.disconnect();
  });

  it("averages the last 1 h, 6 h and 24 h of samples, in exact integers", async () => {
    const keys = new PoolKeys(prefix("avg"));
    // One sample per 10 minutes for a day: hashrate = the sample's age in minutes.
    const members: (string | number)[] = [];
    for (let age = 0; age <= 1440; age += 10) members.push(T0 - age * 60, `${T0 - age * 60}:${age}:1`);
    members.push(T0 - 2000 * 60, `${T0 - 2000 * 60}:999999:1`); // older than a day: in no average
    await redis.zadd(keys.poolChart(), ...members);
    const { averages } = await new RedisStatsBackend(redis, { prefix: keys.prefix })
      .chartStore(FORK)
      .readPool(T0 * 1000);
    // 1 h: ages 0, 10, …, 60 → 210 / 7 = 30; 6 h: 0…360 → 6660 / 37 = 180; 24 h: 0…1440 → 104400 / 145 = 720.
    expect(averages).toEqual({
      "1h": { hashrate: 30n, samples: 7 },
      "6h": { hashrate: 180n, samples: 37 },
      "24h": { hashrate: 720n, samples: 145 },
    });
    // Truncated toward zero, as Go's integer division: (1 + 2) / 2 = 1.
    await redis.zadd(keys.minerChart(B), T0, `${T0}:1`, T0 - 1, `${T0 - 1}:2`);
    const store = new RedisStatsBackend(redis, { prefix: keys.prefix }).chartStore(FORK);
    expect((await store.readMiner(B, T0 * 1000)).averages["1h"]).toEqual({ hashrate: 1n, samples: 2 });
    const empty = await new RedisStatsBackend(redis, { prefix: keys.prefix }).chartStore(FORK).readMiner(A, T0 * 1000);
    expect(empty.averages["24h"]).toEqual({ hashrate: null, samples: 0 });
  });
});
