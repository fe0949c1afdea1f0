import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import { dumpState } from "../support/golden.js";
import { useRedis } from "../support/redis.js";
import { strategyBackend } from "../support/strategies.js";

const { redis, prefix } = useRedis();

describe("account workers read in chunks, without writing", () => {
  it("equals the original's trim-and-read over a large window, chunk size by chunk size", async () => {
    const p = prefix();
    const keys = new PoolKeys(p);
    const login = "0x8e550c57631c4743ac80a5441efc6e7cde71d248";
    const nowMs = 1_700_000_000_000;
    const nowS = nowMs / 1000;
    const args: (string | number)[] = [];
    for (let i = 0; i < 500; i++) {
      // 26 h of shares (some beyond the 24 h window), 7 workers, bursts at equal seconds.
      const score = nowS - Math.floor((i * 93_600) / 500) + (i % 3 === 0 ? 0 : 1);
      args.push(score, `${2_000_000_000 + (i % 5)}:rig${i % 7}:${score * 1000 + i}`);
    }
    await redis.zadd(keys.minerHashrate(login), ...args);
    const before = await dumpState(redis, p);
    const results = [];
    for (const tailChunkSize of [5, 64, 100_000]) {
      const backend = new RedisStatsBackend(redis, {
        prefix: p,
        now: () => nowMs,
        hashrate: { resyncChunkSize: tailChunkSize },
      });
      results.push(await backend.collectWorkersStats("30m", "24h", login));
    }
    expect(await dumpState(redis, p)).toEqual(before); // nothing written
    const original = await strategyBackend(redis, {
      prefix: p,
      now: () => nowMs,
      readStrategy: "original",
    }).collectWorkersStats("30m", "24h", login);
    for (const result of results) {
      expect([...result.workers].sort()).toEqual([...original.workers].sort());
      expect(result.hashrate).toBe(original.hashrate);
      expect(result.currentHashrate).toBe(original.currentHashrate);
      expect(result.workersOnline).toBe(original.workersOnline);
    }
    expect(original.workersTotal).toBe(7);
  });
});
