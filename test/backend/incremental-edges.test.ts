import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import { useRedis } from "../support/redis.js";
import { strategyBackend } from "../support/strategies.js";

const { redis, prefix } = useRedis();

describe("incremental collection edges", () => {
  it("counts a P:hashrate of the wrong type once, like the other strategies, and reads the rest", async () => {
    const p = prefix();
    const keys = new PoolKeys(p);
    await redis.set(keys.hashrate(), "not a zset");
    await redis.hset(keys.stats(), "roundShares", "42");
    for (const readStrategy of ["incremental", "chunked", "original"] as const) {
      const backend = strategyBackend(redis, { prefix: p, now: () => 1_700_000_000_000, readStrategy });
      const stats = await backend.collectStats("30m", 0, 0);
      expect(stats.malformed, readStrategy).toEqual({ [keys.hashrate()]: 1 });
      expect(stats.minersTotal).toBe(0);
      expect(stats.stats.get("roundShares")).toBe(42n);
    }
  });

  it("an empty difficulty is malformed in every strategy, also as the first share read", async () => {
    const p = prefix();
    const keys = new PoolKeys(p);
    // Found by the fault suite's Redis fuzz: the incremental window's cache of the last
    // difficulty text started out as "", so an empty difficulty read first counted as 0.
    await redis.zadd(keys.hashrate(), 1_699_999_000, ":0xaaa:w:1", 1_699_999_001, "2000000000:0xbbb:w:1");
    for (const readStrategy of ["incremental", "chunked", "original"] as const) {
      const backend = strategyBackend(redis, { prefix: p, now: () => 1_700_000_000_000, readStrategy });
      const stats = await backend.collectStats("30m", 0, 0);
      expect(stats.malformed, readStrategy).toEqual({ [keys.hashrate()]: 1 });
      expect([...stats.miners.keys()], readStrategy).toEqual(["0xbbb"]);
    }
  });

  it("a clock that goes back starts the window again from Redis", async () => {
    const p = prefix();
    const keys = new PoolKeys(p);
    let nowMs = 1_700_000_000_000;
    const backend = new RedisStatsBackend(redis, { prefix: p, now: () => nowMs });
    await redis.zadd(keys.hashrate(), 1_699_999_500, "2000000000:0xaaa:w:1", 1_699_999_900, "2000000000:0xbbb:w:1");
    expect((await backend.collectStats("10m", 0, 0)).minersTotal).toBe(2);
    nowMs += 300_000; // 0xaaa's share leaves the 10 min window
    expect((await backend.collectStats("10m", 0, 0)).minersTotal).toBe(1);
    nowMs -= 300_000; // and comes back when the clock is set back
    expect((await backend.collectStats("10m", 0, 0)).minersTotal).toBe(2);
    expect(backend.lastHashrateRead?.mode).toBe("cold");
  });
});

describe("the overlap adapts to late shares", () => {
  it("doubles after a repair and relaxes back a second per clean cycle", async () => {
    const p = prefix();
    const keys = new PoolKeys(p);
    let nowMs = 1_700_000_000_000;
    const backend = new RedisStatsBackend(redis, { prefix: p, now: () => nowMs, hashrate: { overlapSeconds: 2 } });
    await redis.zadd(keys.hashrate(), 1_699_999_990, "2000000000:0xaaa:w:1");
    await backend.collectStats("30m", 0, 0);
    expect(backend.lastHashrateRead?.overlapSeconds).toBe(2);
    nowMs += 5000;
    // A share stamped 60 s ago, written only now: beyond the overlap.
    await redis.zadd(keys.hashrate(), 1_699_999_945, "2000000000:0xbbb:w:1");
    const repaired = await backend.collectStats("30m", 0, 0);
    expect(backend.lastHashrateRead).toMatchObject({ mode: "repair", verified: true, overlapSeconds: 4 });
    expect(repaired.minersTotal).toBe(2);
    for (const expected of [3, 2, 2]) {
      nowMs += 5000;
      await backend.collectStats("30m", 0, 0);
      expect(backend.lastHashrateRead).toMatchObject({ mode: "tail", overlapSeconds: expected });
    }
  });
});
