import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { VERIFY_BUCKETS } from "../../src/backend/hashrate-window.js";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { convertMinersStats } from "../../src/convert/miners.js";
import { BackendUnavailableError } from "../../src/errors/backend-unavailable-error.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { PoolStats } from "../../src/model/results.js";
import { seededRandom as rng } from "../../src/testing/random.js";
import { failFastClient, useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const WINDOW = 120;
const VERIFY = 30;
const BUCKET = Math.ceil(WINDOW / VERIFY_BUCKETS);
const logins = ["0xaaa", "0xbbb", "0xccc", "0xddd"];

/** The original's full read of the window at `nowS`, through its converter. */
async function fullRecompute(client: Redis, keys: PoolKeys, nowS: number) {
  const reply = await client.zrange(keys.hashrate(), String(nowS - WINDOW), "+inf", "BYSCORE", "WITHSCORES");
  const { miners, hashrate } = convertMinersStats(reply, nowS, WINDOW);
  return { miners: [...miners].sort(([a], [b]) => (a < b ? -1 : 1)), hashrate };
}

const minersOf = (stats: PoolStats) => [...stats.miners].sort(([a], [b]) => (a < b ? -1 : 1));

/** A random member of the window with its score, or `undefined` when it is empty. */
async function pick(client: Redis, keys: PoolKeys, from: number, to: number, random: () => number) {
  const members = await client.zrange(keys.hashrate(), String(from), `(${to}`, "BYSCORE", "WITHSCORES");
  if (members.length === 0) return undefined;
  const i = Math.floor((random() * members.length) / 2) * 2;
  return { member: members[i] as string, score: Number(members[i + 1]) };
}

describe("changes another process makes inside the held window", () => {
  for (const seed of [11, 12, 13, 14, 15]) {
    it(`seed ${seed}: re-scored members, trims with late shares and same-score replacements are corrected in time`, async () => {
      const p = prefix();
      const keys = new PoolKeys(p);
      const random = rng(seed);
      let nowMs = 1_700_000_000_000;
      const backend = new RedisStatsBackend(redis, {
        prefix: p,
        now: () => nowMs,
        hashrate: { overlapSeconds: 3, verifySeconds: VERIFY, tailChunkSize: 9, resyncChunkSize: 17 },
      });
      let serial = 0;
      const share = (login: string) => `2000000000:${login}:w${serial % 3}:${serial++}`;
      // Count-neutral changes inside one bucket are the rolling verification's: the clock
      // time each was made, until a result equal to the full read shows it corrected.
      const neutral: number[] = [];
      const seen = { rescored: 0, trimmed: 0, replaced: 0, mismatches: 0 };
      for (let cycle = 0; cycle < 90; cycle++) {
        nowMs += Math.floor(1000 + random() * 5000);
        const nowS = Math.trunc(nowMs / 1000);
        const cutoff = nowS - WINDOW;
        const pipeline = redis.pipeline();
        for (let i = Math.floor(random() * 12); i > 0; i--) {
          pipeline.zadd(keys.hashrate(), nowS - Math.floor(random() * 3), share(logins[i % 4] as string));
        }
        await pipeline.exec();
        const event = random();
        const old = await pick(redis, keys, cutoff, nowS - 20, random);
        if (old !== undefined && event < 0.25 && neutral.length === 0) {
          // Re-scored to a later second (a writer that re-adds a share it already wrote).
          const later = Math.min(nowS, old.score + 1 + Math.floor(random() * 60));
          await redis.zadd(keys.hashrate(), later, old.member);
          seen.rescored++;
          // Inside one bucket no count changes (overlapping such changes would blur which is late).
          if (Math.floor(later / BUCKET) === Math.floor(old.score / BUCKET)) neutral.push(nowS);
        } else if (event < 0.45) {
          // Another process trims with its own clock, while late shares arrive anywhere.
          await redis.zremrangebyscore(keys.hashrate(), "-inf", `(${cutoff + Math.floor(random() * 10)}`);
          for (let i = 0; i < 3; i++) {
            await redis.zadd(keys.hashrate(), nowS - 5 - Math.floor(random() * 100), share("0xeee"));
          }
          seen.trimmed++;
        } else if (old !== undefined && event < 0.6 && neutral.length === 0) {
          // One share replaced by another miner's at the same score: every count stays.
          await redis.zrem(keys.hashrate(), old.member);
          await redis.zadd(keys.hashrate(), old.score, share("0xfff"));
          seen.replaced++;
          neutral.push(nowS);
        }
        const stats = await backend.collectStats(`${WINDOW}s`, 0, 0);
        const full = await fullRecompute(redis, keys, nowS);
        expect(backend.lastHashrateRead?.verified, `cycle ${cycle}`).toBe(true);
        const equal = JSON.stringify(minersOf(stats), bigints) === JSON.stringify(full.miners, bigints);
        if (equal && stats.hashrate === full.hashrate) {
          neutral.length = 0; // everything made so far is reflected
          continue;
        }
        seen.mismatches++;
        // Only a count-neutral change may show, and only within the documented bound.
        expect(
          neutral.length,
          `cycle ${cycle}: a change that moves a count is repaired in the same read`,
        ).toBeGreaterThan(0);
        expect(nowS - (neutral[0] as number), `cycle ${cycle}`).toBeLessThanOrEqual(VERIFY + 6);
      }
      expect(seen.rescored).toBeGreaterThan(5);
      expect(seen.trimmed).toBeGreaterThan(5);
      expect(seen.replaced).toBeGreaterThan(5);
    });
  }
});

function bigints(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

describe("the blind spot of count-only verification", () => {
  async function scenario(verifySeconds: number) {
    const p = prefix();
    const keys = new PoolKeys(p);
    let nowMs = 1_700_000_000_000;
    const nowS = () => Math.trunc(nowMs / 1000);
    const backend = new RedisStatsBackend(redis, {
      prefix: p,
      now: () => nowMs,
      hashrate: { verifySeconds },
    });
    const window = backend.hashrateWindow("30m");
    // Miner A: 12 shares a minute for 10 minutes; miner B likewise.
    const pipeline = redis.pipeline();
    for (let s = 0; s < 600; s += 5) {
      pipeline.zadd(keys.hashrate(), nowS() - s, `2000000000:0xaaa:rig:${s}`);
      pipeline.zadd(keys.hashrate(), nowS() - s, `2000000000:0xbbb:rig:${s}`);
    }
    await pipeline.exec();
    await backend.collectStats(window, 0, 0);
    // Another process swaps one of A's old shares for a bigger one of B's at the same
    // score: every ZCOUNT, of the window or of any range, stays what it was.
    await redis.zrem(keys.hashrate(), "2000000000:0xaaa:rig:400");
    await redis.zadd(keys.hashrate(), nowS() - 400, "90000000000:0xbbb:rig:x");
    const results: { atS: number; aHr: bigint | undefined; expected: bigint | undefined; corrected: number }[] = [];
    for (let cycle = 0; cycle < 80; cycle++) {
      nowMs += 5000;
      const stats = await backend.collectStats(window, 0, 0);
      const full = await fullRecompute30m(redis, keys, nowS());
      results.push({
        atS: cycle * 5 + 5,
        aHr: stats.miners.get("0xaaa")?.hr,
        expected: full.get("0xaaa")?.hr,
        corrected: window.lastRead?.sweep?.corrected ?? 0,
      });
    }
    await window.settled();
    return { results, window };
  }

  async function fullRecompute30m(client: Redis, keys: PoolKeys, now: number) {
    const reply = await client.zrange(keys.hashrate(), String(now - 1800), "+inf", "BYSCORE", "WITHSCORES");
    return convertMinersStats(reply, now, 1800).miners;
  }

  it("counts alone never see a share replaced at the same score (rolling verification off)", async () => {
    const { results } = await scenario(0);
    // Wrong for as long as the stale share stays in the window.
    expect(results.every((r) => r.aHr !== r.expected)).toBe(true);
  });

  it("the rolling verification corrects it within verifySeconds plus one interval, and says so", async () => {
    const { results, window } = await scenario(120);
    const firstRight = results.findIndex((r) => r.aHr === r.expected);
    expect(firstRight).toBeGreaterThanOrEqual(0);
    expect((results[firstRight] as (typeof results)[number]).atS).toBeLessThanOrEqual(120 + 5);
    expect(results.slice(firstRight).every((r) => r.aHr === r.expected)).toBe(true);
    // The step that found it reported the two miners it corrected; no step failed.
    expect(results[firstRight]?.corrected).toBe(2);
    expect(results.reduce((total, r) => total + r.corrected, 0)).toBe(2);
    expect(window.lastSweep?.failed).toBe(false);
  });
});

describe("the rolling verification when Redis fails", () => {
  it("records a failed step, never rejects, and the next read retries it", async () => {
    const p = prefix();
    const keys = new PoolKeys(p);
    let nowMs = 1_700_000_000_000;
    const nowS = () => Math.trunc(nowMs / 1000);
    const client = await failFastClient();
    // Small chunks: the verification step takes dozens of round trips, so it is still out
    // when the connection drops (the client's: no bulk connection here; its own failures
    // are test/redis/bulk-connection.test.ts's).
    const backend = new RedisStatsBackend(client, {
      prefix: p,
      now: () => nowMs,
      hashrate: { verifySeconds: 60, tailChunkSize: 5 },
      bulkConnection: false,
    });
    const window = backend.hashrateWindow("30m");
    const pipeline = redis.pipeline();
    for (let s = 0; s < 1800; s++) pipeline.zadd(keys.hashrate(), nowS() - s, `2000000000:0xaaa:rig:${s}`);
    await pipeline.exec();
    await backend.collectStats(window, 0, 0);
    nowMs += 5000;
    await backend.collectStats(window, 0, 0);
    // The read has resolved, its verification step is out: the connection drops under it.
    client.disconnect();
    await window.settled();
    expect(window.lastSweep?.failed).toBe(true);
    await expect(backend.collectStats(window, 0, 0)).rejects.toBeInstanceOf(BackendUnavailableError);
    // Back on a working connection the window starts over and verifies again.
    await client.connect();
    nowMs += 5000;
    const stats = await backend.collectStats(window, 0, 0);
    expect(stats.minersTotal).toBe(1);
    nowMs += 5000;
    await backend.collectStats(window, 0, 0);
    await window.settled();
    expect(window.lastSweep?.failed).toBe(false);
    client.disconnect();
  });
});

describe("long steady tails over the bulk connection", () => {
  it("start their slices before the first MULTI is answered and still equal a full read, type changes included", async () => {
    const p = prefix();
    const keys = new PoolKeys(p);
    let nowMs = 1_700_000_000_000;
    const nowS = () => Math.trunc(nowMs / 1000);
    const backend = new RedisStatsBackend(redis, { prefix: p, now: () => nowMs, hashrate: { verifySeconds: 0 } });
    const window = backend.hashrateWindow(`${WINDOW}s`);
    const random = rng(77);
    let serial = 0;
    const write = async (seconds: number) => {
      const pipeline = redis.pipeline();
      for (let i = 0; i < seconds * 150; i++) {
        const late = random() < 0.02 ? 10 + Math.floor(random() * 60) : 0;
        pipeline.zadd(keys.hashrate(), nowS() - Math.floor(random() * seconds) - late, share(serial++));
      }
      await pipeline.exec();
    };
    const share = (n: number) => `2000000000:${logins[n % 4]}:w${n % 3}:${n}`;
    await write(WINDOW);
    await backend.collectStats(window, 0, 0);
    for (let cycle = 0; cycle < 12; cycle++) {
      nowMs += 5000;
      await write(5);
      const stats = await backend.collectStats(window, 0, 0);
      const full = await fullRecompute(redis, keys, nowS());
      expect(JSON.stringify(minersOf(stats), bigints), `cycle ${cycle}`).toBe(JSON.stringify(full.miners, bigints));
      expect(window.lastRead?.verified).toBe(true);
      expect(window.lastRead?.membersRead).toBeGreaterThan(512);
    }
    // The key becomes a string between two reads: the slices already out see WRONGTYPE.
    await redis.del(keys.hashrate());
    await redis.set(keys.hashrate(), "not a zset");
    nowMs += 5000;
    const stats = await backend.collectStats(window, 0, 0);
    expect(stats.minersTotal).toBe(0);
    expect(stats.malformed).toEqual({ [keys.hashrate()]: 1 });
    backend.close();
  });
});
