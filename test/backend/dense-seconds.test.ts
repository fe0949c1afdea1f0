import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { convertMinersStats } from "../../src/convert/miners.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import { useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();

describe("a second holding more shares than a chunk", () => {
  for (const bulkConnection of [true, false]) {
    it(`is read in LIMIT pages and still gives the full read (${bulkConnection ? "bulk connection" : "ioredis"})`, async () => {
      const p = prefix();
      const keys = new PoolKeys(p);
      const nowS = 1_700_000_000;
      // 40 s of 700 shares a second, and two seconds far denser than their neighbours.
      const pipeline = redis.pipeline();
      let n = 0;
      for (let s = 0; s < 40; s++) {
        const count = s === 7 ? 9_000 : s === 20 ? 3_001 : 700;
        for (let i = 0; i < count; i++) pipeline.zadd(keys.hashrate(), nowS - s, `2000000000:0x${n % 7}:w:${n++}`);
      }
      await pipeline.exec();
      const backend = new RedisStatsBackend(redis, {
        prefix: p,
        now: () => nowS * 1000,
        bulkConnection,
        hashrate: { resyncChunkSize: 1000, verifySeconds: 0 },
      });
      const stats = await backend.collectStats("60s", 0, 0);
      const reply = await redis.zrange(keys.hashrate(), String(nowS - 60), "+inf", "BYSCORE", "WITHSCORES");
      const full = convertMinersStats(reply, nowS, 60);
      expect([...stats.miners].sort()).toEqual([...full.miners].sort());
      expect(stats.hashrate).toBe(full.hashrate);
      expect(backend.lastHashrateRead).toMatchObject({ verified: true, mode: "cold", membersRead: n });
      // Over the bulk connection the dense seconds went in pages of a chunk: at least 9 and
      // 4 commands for them, beside one per other second (ioredis reads each in one).
      if (bulkConnection) expect(backend.lastHashrateRead?.commands).toBeGreaterThanOrEqual(38 + 9 + 4);
      backend.close();
    });
  }
});
