import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { isPoolStatsError } from "../../src/errors/pool-stats-error.js";
import { PoolSeeder } from "../../src/testing/pool-seeder.js";
import type { SeedShare } from "../../src/testing/seed-shares.js";
import { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";
import { dumpState } from "../support/golden.js";
import { fixedClock, useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const NOW_S = 1_700_000_000;
const NOW_MS = NOW_S * 1000;
const login = (i: number): string => `0x${i.toString(16).padStart(40, "0")}`;

/** `count` shares of `miners` × `workers`, one every `stepMs`, ending at NOW. */
function* syntheticShares(count: number, miners: number, workers: number, stepMs: number): Generator<SeedShare> {
  for (let i = 0; i < count; i++) {
    yield {
      login: login(i % miners),
      workerId: `rig${Math.floor(i / miners) % workers}`,
      diff: 2_000_000_000n + BigInt(i % 3),
      ms: NOW_MS - (count - 1 - i) * stepMs,
    };
  }
}

describe("seedShares", () => {
  it("writes every share in pipelined chunks, reporting progress", async () => {
    const p = prefix();
    const writer = new PoolSeeder(redis, { prefix: p });
    const progress: number[] = [];
    const result = await writer.seedShares(syntheticShares(2500, 7, 3, 1), {
      chunkSize: 100,
      chunksPerRoundTrip: 4,
      onProgress: (n) => progress.push(n),
    });
    expect(result).toEqual({ shares: 2500, logins: 7 });
    expect(await redis.zcard(`${p}:hashrate`)).toBe(2500);
    let perLogin = 0;
    for (let i = 0; i < 7; i++) perLogin += await redis.zcard(`${p}:hashrate:${login(i)}`);
    expect(perLogin).toBe(2500);
    // One report per round trip (~400 members each way), then the total.
    expect(progress.length).toBeGreaterThan(5);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(progress.at(-1)).toBe(2500);
  });

  it("leaves the same state as writeShare per share, apart from the PoW dedupe set", async () => {
    const shares = [...syntheticShares(40, 3, 2, 45_000)];
    const seeded = prefix();
    await new PoolSeeder(redis, { prefix: seeded }).seedShares(shares, { chunkSize: 7, expire: "3h" });
    const one = prefix();
    const clock = fixedClock(0);
    const writer = new RedisPoolWriter(redis, { prefix: one, now: clock.now });
    for (const [i, s] of shares.entries()) {
      clock.set(s.ms);
      const params = [`0x${i}`, `0x${i}`, `0x${i}`] as const;
      await writer.writeShare(s.login, s.workerId, params, s.diff, 1000 + i, "3h");
    }
    await redis.del(`${one}:pow`);
    expect(await dumpState(redis, seeded)).toEqual(await dumpState(redis, one));
  });

  it("is read back by collectStats as a hand-computed aggregate", async () => {
    const p = prefix();
    const shares: SeedShare[] = [
      { login: login(1), workerId: "a", diff: 1_000_000n, ms: NOW_MS - 1_500_000 }, // 1500 s ago
      { login: login(1), workerId: "b", diff: 3_000_000n, ms: NOW_MS - 100_000 },
      { login: login(2), workerId: "a", diff: 9_000_000n, ms: NOW_MS - 1_000 },
      { login: login(2), workerId: "a", diff: 9_000_000n, ms: NOW_MS - 4_000_000 }, // outside 30m: trimmed
    ];
    await new PoolSeeder(redis, { prefix: p }).seedShares(shares);
    const stats = await new RedisStatsBackend(redis, { prefix: p, now: () => NOW_MS }).collectStats("30m", 0, 0);
    // login 1: 4e6 over 1500 s; login 2: 9e6 over the 600 s floor.
    expect(stats.miners.get(login(1))?.hr).toBe(4_000_000n / 1500n);
    expect(stats.miners.get(login(2))?.hr).toBe(9_000_000n / 600n);
    expect(stats.hashrate).toBe(2666n + 15_000n);
    // Counters as writeShare keeps them: all four shares are in the round.
    expect(stats.stats.get("roundShares")).toBe(22_000_000n);
    expect(await redis.hgetall(`${p}:shares:roundCurrent`)).toEqual({ [login(1)]: "4000000", [login(2)]: "18000000" });
    // lastShare is the last share written for the login (input order), as per-share HSETs leave it.
    expect(await redis.hget(`${p}:miners:${login(2)}`, "lastShare")).toBe(String(NOW_S - 4000));
    expect(await redis.ttl(`${p}:hashrate:${login(1)}`)).toBe(-1);
  });

  it("skips the counters when asked, and rejects a bad share naming its index", async () => {
    const p = prefix();
    const writer = new PoolSeeder(redis, { prefix: p });
    await writer.seedShares([{ login: login(1), workerId: "a", diff: 1, ms: NOW_MS }], { counters: false });
    expect(Object.keys(await dumpState(redis, p)).sort()).toEqual([":hashrate", `:hashrate:${login(1)}`]);
    const error = await writer
      .seedShares([
        { login: login(1), workerId: "a", diff: 1, ms: NOW_MS },
        { login: login(1), workerId: "a:b", diff: 1, ms: NOW_MS },
      ])
      .catch((e: unknown) => e);
    expect(isPoolStatsError(error) && error.code).toBe("ERR_INVALID_ARGUMENT");
    expect((error as Error).message).toMatch(/^shares\[1\]\.workerId/);
    await expect(writer.seedShares([], { chunkSize: 0 })).rejects.toMatchObject({ code: "ERR_INVALID_ARGUMENT" });
  });
});
