import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { planMinerKeyScan, planMinerTrim, planPoolTrim } from "../../src/backend/reads/purge.js";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import { captureCommands, commandText } from "../support/monitor.js";
import { connect, useRedis } from "../support/redis.js";

const NOW_MS = 1_700_000_000_000;
const NOW_S = 1_700_000_000;
const WINDOW = 1800;
const LARGE = 10800;
const { redis, prefix } = useRedis();

/**
 * Writes a pool's share ZSETs under `poolPrefix`: for each login, `old` shares older than the
 * large window, `recent` ones inside it; in P:hashrate, `old` + `recent` shares per login,
 * older than and inside the small window. Returns the member count a purge must remove.
 */
async function seedShares(client: Redis, poolPrefix: string, logins: readonly string[], old = 2, recent = 1) {
  const k = new PoolKeys(poolPrefix);
  const pipeline = client.pipeline();
  for (const login of logins) {
    for (let i = 0; i < old; i++) {
      pipeline.zadd(k.minerHashrate(login), NOW_S - LARGE - 1 - i, `1:w:${i}`);
      pipeline.zadd(k.hashrate(), NOW_S - WINDOW - 1 - i, `1:${login}:w:${i}`);
    }
    for (let i = 0; i < recent; i++) {
      pipeline.zadd(k.minerHashrate(login), NOW_S - LARGE + i, `1:w:r${i}`); // the edge itself stays
      pipeline.zadd(k.hashrate(), NOW_S - WINDOW + i, `1:${login}:w:r${i}`);
    }
  }
  await pipeline.exec();
  return 2 * old * logins.length;
}

/** Every member of every ZSET under `poolPrefix`, by key. */
async function zsets(poolPrefix: string, logins: readonly string[]): Promise<Record<string, string[]>> {
  const k = new PoolKeys(poolPrefix);
  const out: Record<string, string[]> = { [k.hashrate()]: await redis.zrange(k.hashrate(), "0", "-1") };
  for (const login of logins) out[k.minerHashrate(login)] = await redis.zrange(k.minerHashrate(login), "0", "-1");
  return out;
}

const LOGINS = ["0xaa", "0xbb", "rig:with:colons", "\u{1F600}"];

describe("flushStaleStats: trims exactly its own pool's share ZSETs", () => {
  it.each([
    ["a prefix with ':'", "pool:eth", ["pool:eth2", "pool", "pool:et"]],
    ["a prefix with glob characters", "e*t[h]", ["eth", "eXYth", "e*t[h]x", "e*th"]],
    ["a prefix with ? and \\", "a?b\\c", ["aXb\\c", "a?b\\\\c", "aXbc"]],
  ])("with %s (%j), look-alike prefixes untouched", async (_name, own, lookAlikes) => {
    const p = prefix();
    const ownPrefix = `${p}${own}`;
    const expectedRemoved = await seedShares(redis, ownPrefix, LOGINS);
    const before: Record<string, Record<string, string[]>> = {};
    for (const other of lookAlikes) {
      await seedShares(redis, `${p}${other}`, LOGINS);
      before[other] = await zsets(`${p}${other}`, LOGINS);
    }
    const backend = new RedisStatsBackend(redis, { prefix: ownPrefix, now: () => NOW_MS });

    const result = await backend.flushStaleStats("30m", "3h");

    expect(result).toEqual({ removed: expectedRemoved, minerKeys: LOGINS.length, malformed: {} });
    const after = await zsets(ownPrefix, LOGINS);
    const k = new PoolKeys(ownPrefix);
    expect(after[k.hashrate()]).toHaveLength(LOGINS.length);
    for (const login of LOGINS) expect(after[k.minerHashrate(login)]).toEqual(["1:w:r0"]);
    for (const other of lookAlikes) expect(await zsets(`${p}${other}`, LOGINS)).toEqual(before[other]);
  });

  it("walks every SCAN batch (COUNT smaller than the number of miners) and trims each key once", async () => {
    const p = prefix();
    const logins = Array.from({ length: 40 }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`);
    const expected = await seedShares(redis, p, logins, 3, 2);
    const backend = new RedisStatsBackend(redis, { prefix: p, now: () => NOW_MS, scanCount: 3 });
    const result = await backend.flushStaleStats(1_800_000, 10_800_000);
    expect(result).toEqual({ removed: expected, minerKeys: 40, malformed: {} });
    const again = await backend.flushStaleStats("30m", "3h");
    expect(again).toEqual({ removed: 0, minerKeys: 40, malformed: {} });
  });

  it("uses SCAN, never KEYS: on the wire it is its plans and nothing else", async () => {
    const p = prefix();
    const logins = ["0xaa", "0xbb", "0xcc"];
    await seedShares(redis, p, logins);
    const client = connect();
    const backend = new RedisStatsBackend(client, { prefix: p, now: () => NOW_MS, scanCount: 1000 });
    const capture = await captureCommands(client);
    await backend.flushStaleStats("30m", "3h");
    const wire = (await capture.stop()).map(commandText);
    await client.quit();

    const k = new PoolKeys(p);
    const args = { nowS: NOW_S, windowS: WINDOW, largeWindowS: LARGE, scanCount: 1000 };
    expect(wire.some((command) => command.startsWith("KEYS"))).toBe(false);
    expect(wire.slice(0, 2)).toEqual([commandText(planPoolTrim(k, args)), commandText(planMinerKeyScan(k, "0", 1000))]);
    // SCAN returns keys in hash-table order: compare the trims as a set.
    expect(wire.slice(2).sort()).toEqual(
      logins.map((login) => commandText(planMinerTrim(k.minerHashrate(login), args))).sort(),
    );
  });

  it("gives removed 0 and minerKeys 0 on an empty pool", async () => {
    const backend = new RedisStatsBackend(redis, { prefix: prefix(), now: () => NOW_MS });
    expect(await backend.flushStaleStats("30m", "3h")).toEqual({ removed: 0, minerKeys: 0, malformed: {} });
  });
});
