import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { convertMinersStats } from "../../src/convert/miners.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { PoolStats } from "../../src/model/results.js";
import { seededRandom as rng } from "../../src/testing/random.js";
import { startRedisServer } from "../../src/testing/redis-server-process.js";
import { useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const WINDOW = 120;

const logins = ["0xaaa", "0xbbb", "0xccc", "0xddd", "0xeee"];

/** The full recompute: one ZRANGE of everything in the window, the original's converter. */
async function fullRecompute(
  client: Redis,
  keys: PoolKeys,
  nowS: number,
): Promise<{ miners: unknown; hashrate: bigint }> {
  const reply = await client.zrange(keys.hashrate(), String(nowS - WINDOW), "+inf", "BYSCORE", "WITHSCORES");
  const { miners, hashrate } = convertMinersStats(reply, nowS, WINDOW);
  return { miners: [...miners].sort(([a], [b]) => (a < b ? -1 : 1)), hashrate };
}

function minersOf(stats: PoolStats): unknown {
  return [...stats.miners].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Writes a cycle's worth of shares: on time, late, out of order, equal scores, future, malformed. */
async function writeShares(
  client: Redis,
  keys: PoolKeys,
  random: () => number,
  nowS: number,
  serial: { n: number },
): Promise<void> {
  const pipeline = client.pipeline();
  const count = Math.floor(random() * 25);
  for (let i = 0; i < count; i++) {
    const login = logins[Math.floor(random() * logins.length)] as string;
    const kind = random();
    let score = nowS;
    if (kind < 0.15)
      score = nowS - Math.floor(random() * 8); // a little late (inside the overlap)
    else if (kind < 0.22)
      score = nowS - 8 - Math.floor(random() * 100); // very late: beyond the overlap
    else if (kind < 0.25)
      score = nowS + 1 + Math.floor(random() * 5); // a proxy clock ahead
    else if (kind < 0.3) score = nowS - 0.5; // a fractional score
    const diff = random() < 0.05 ? "4000000000000000000" : "2000000000";
    const member =
      random() < 0.03 ? `junk${serial.n++}` : `${diff}:${login}:w${Math.floor(random() * 3)}:${serial.n++}`;
    pipeline.zadd(keys.hashrate(), score, member);
  }
  await pipeline.exec();
}

describe("incremental collection equals a full recompute at every cycle", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: late, out-of-order, equal-score, future and malformed shares; sliding window; purges; flushes`, async () => {
      const p = prefix();
      const keys = new PoolKeys(p);
      const random = rng(seed);
      let nowMs = 1_700_000_000_000;
      const backend = new RedisStatsBackend(redis, {
        prefix: p,
        now: () => nowMs,
        hashrate: { overlapSeconds: 3, tailChunkSize: 7, resyncChunkSize: 13 },
      });
      const serial = { n: 0 };
      const modes = new Set<string>();
      for (let cycle = 0; cycle < 60; cycle++) {
        nowMs += Math.floor(1000 + random() * 9000);
        const nowS = Math.trunc(nowMs / 1000);
        await writeShares(redis, keys, random, nowS, serial);
        const event = random();
        if (event < 0.05)
          await redis.del(keys.hashrate()); // flushed under the collector
        else if (event < 0.15) await backend.flushStaleStats(`${WINDOW}s`, "1h"); // the purge trims
        const stats = await backend.collectStats(`${WINDOW}s`, 10, 10);
        modes.add(backend.lastHashrateRead?.mode ?? "none");
        const full = await fullRecompute(redis, keys, nowS);
        expect(minersOf(stats), `cycle ${cycle}`).toEqual(full.miners);
        expect(stats.hashrate, `cycle ${cycle}`).toBe(full.hashrate);
        expect(backend.lastHashrateRead?.verified).toBe(true);
      }
      // The scenario must actually have exercised the steady state and the repairs.
      expect(modes.has("tail")).toBe(true);
      expect(modes.has("cold")).toBe(true);
      expect([...modes].some((mode) => mode === "repair" || mode === "resync")).toBe(true);
    });
  }

  it("reports malformed members of the window in every cycle, and to the callback once", async () => {
    const p = prefix();
    const keys = new PoolKeys(p);
    let nowMs = 1_700_000_000_000;
    const events: string[] = [];
    const backend = new RedisStatsBackend(redis, {
      prefix: p,
      now: () => nowMs,
      onMalformed: (e) => events.push(e.member),
    });
    await redis.zadd(
      keys.hashrate(),
      1_700_000_000,
      "nocolon",
      1_700_000_000,
      "x:0xaaa:w:1",
      1_700_000_000,
      "5:0xaaa:w:1",
    );
    await redis.zadd(keys.hashrate(), "+inf", "9:0xbbb:w:2");
    for (let i = 0; i < 3; i++) {
      const stats = await backend.collectStats("60s", 0, 0);
      expect(stats.malformed[keys.hashrate()]).toBe(3);
      nowMs += 5000;
    }
    expect(events.sort()).toEqual(["9:0xbbb:w:2", "nocolon", "x:0xaaa:w:1"]);
    // The +inf share is malformed (Go's int64(+inf) is undefined); the others left the window.
    nowMs += 120_000;
    const later = await backend.collectStats("60s", 0, 0);
    expect(later.malformed[keys.hashrate()]).toBe(1);
    expect(later.minersTotal).toBe(0);
  });

  it("steady-state cycles read only the tail", async () => {
    const p = prefix();
    const keys = new PoolKeys(p);
    let nowMs = 1_700_000_000_000;
    const backend = new RedisStatsBackend(redis, { prefix: p, now: () => nowMs, hashrate: { overlapSeconds: 2 } });
    const pipeline = redis.pipeline();
    for (let i = 0; i < 3000; i++)
      pipeline.zadd(keys.hashrate(), 1_700_000_000 - (i % 1800), `2000000000:0x${i % 50}:w:${i}`);
    await pipeline.exec();
    await backend.collectStats("30m", 0, 0);
    expect(backend.lastHashrateRead).toMatchObject({ mode: "cold", membersRead: 3000, verified: true });
    nowMs += 5000;
    await redis.zadd(keys.hashrate(), 1_700_000_005, "2000000000:0x1:w:new");
    await backend.collectStats("30m", 0, 0);
    const report = backend.lastHashrateRead;
    expect(report?.mode).toBe("tail");
    // The tail is the last 2 s of overlap before the previous cycle plus what came since.
    expect(report?.membersRead).toBeLessThan(20);
    expect(report?.verified).toBe(true);
  });
});

describe("a Redis restarted under the collector", () => {
  const servers: { stop: () => Promise<void> }[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });

  it.skipIf(!inject("redisServerAvailable"))("resyncs from the new server's data", async () => {
    const first = await startRedisServer();
    servers.push(first);
    const client = new Redis(first.url, { maxRetriesPerRequest: 1 });
    const keys = new PoolKeys("eth");
    let nowMs = 1_700_000_000_000;
    const backend = new RedisStatsBackend(client, { prefix: "eth", now: () => nowMs });
    // Older than the overlap: only the count check can notice they are gone.
    await client.zadd(keys.hashrate(), 1_699_999_000, "2000000000:0xaaa:w:1", 1_699_999_100, "2000000000:0xbbb:w:2");
    expect((await backend.collectStats("30m", 0, 0)).minersTotal).toBe(2);
    await first.stop();
    const second = await startRedisServer({ port: first.port });
    servers.push(second);
    await client.ping().catch(() => client.ping()); // reconnects by itself
    await client.zadd(keys.hashrate(), 1_700_000_001, "6000000000:0xccc:w:1");
    nowMs += 5000;
    const stats = await backend.collectStats("30m", 0, 0);
    expect([...stats.miners.keys()]).toEqual(["0xccc"]);
    expect(backend.lastHashrateRead?.mode).toMatch(/repair|resync/);
    client.disconnect();
  });
});
