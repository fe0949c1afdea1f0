import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { MalformedEvent } from "../../src/model/malformed.js";
import { useRedis } from "../support/redis.js";

const NOW_MS = 1_700_000_000_000;
const NOW = 1_700_000_000;
const LOGIN = `0x${"8e".repeat(20)}`;
const { redis, prefix } = useRedis();

/** A backend over a fresh prefix that records every malformed event. */
function fresh(options: { onMalformed?: (event: MalformedEvent) => void } = {}) {
  const p = prefix();
  const events: MalformedEvent[] = [];
  const backend = new RedisStatsBackend(redis, {
    prefix: p,
    now: () => NOW_MS,
    onMalformed: options.onMalformed ?? ((event) => events.push(event)),
  });
  return { backend, keys: new PoolKeys(p), events };
}

/** ZADD each `[score, member]` (scores as Redis text: "+inf" works). */
async function zadd(client: Redis, key: string, ...rows: [number | string, string][]) {
  await client.zadd(key, ...rows.flatMap(([score, member]) => [String(score), member]));
}

const sortEvents = (events: readonly MalformedEvent[]) =>
  [...events].sort((a, b) => `${a.key} ${a.member}`.localeCompare(`${b.key} ${b.member}`));

describe("malformed members are skipped, counted per key and reported, never thrown", () => {
  it("collectStats: in P:hashrate, the three block lists and the payments", async () => {
    const { backend, keys, events } = fresh();
    await zadd(
      redis,
      keys.hashrate(),
      [NOW - 100, `2000000000:${LOGIN}:w:1`],
      [NOW - 100, "2000000000"],
      [NOW - 50, `2e9:${LOGIN}:w:2`],
      ["+inf", `2000000000:${LOGIN}:w:3`],
    );
    await zadd(
      redis,
      keys.candidates(),
      [10, "n:p:m:1:2:3"],
      [11, "n:p:m"],
      [12, "n:p:m:ts:2:3"],
      ["+inf", "n2:p:m:1:2:3"],
    );
    await zadd(redis, keys.immature(), [8, "0:0:0x8:0xh:1:2:3:0"], [9, "0:maybe:0x9:0xh:1:2:3:0"]);
    await zadd(redis, keys.matured(), [5, "0:0:0x5:0xh:1:2:3:0"], [6, "0:0:0x6:0xh:1:2:3"]);
    await zadd(redis, keys.payments(), [NOW, `0xtx:${LOGIN}:5`], [NOW - 1, "0xtxonly"], ["-inf", `0xtx2:${LOGIN}:6`]);
    await redis.hset(keys.stats(), "roundShares", "not-a-number", "lastBlockFound", "1699999700");

    const stats = await backend.collectStats("30m", 0, 0);

    expect(stats.malformed).toEqual({
      [keys.hashrate()]: 3,
      [keys.candidates()]: 3,
      [keys.immature()]: 1,
      [keys.matured()]: 1,
      [keys.payments()]: 2,
    });
    expect(sortEvents(events)).toEqual(
      sortEvents([
        { key: keys.hashrate(), member: "2000000000", reason: "too-few-fields" },
        { key: keys.hashrate(), member: `2e9:${LOGIN}:w:2`, reason: "not-an-integer" },
        { key: keys.hashrate(), member: `2000000000:${LOGIN}:w:3`, reason: "bad-score" },
        { key: keys.candidates(), member: "n:p:m", reason: "too-few-fields" },
        { key: keys.candidates(), member: "n:p:m:ts:2:3", reason: "not-an-integer" },
        { key: keys.candidates(), member: "n2:p:m:1:2:3", reason: "bad-score" },
        { key: keys.immature(), member: "0:maybe:0x9:0xh:1:2:3:0", reason: "not-a-bool" },
        { key: keys.matured(), member: "0:0:0x6:0xh:1:2:3", reason: "too-few-fields" },
        { key: keys.payments(), member: "0xtxonly", reason: "too-few-fields" },
        { key: keys.payments(), member: `0xtx2:${LOGIN}:6`, reason: "bad-score" },
      ]),
    );
    // Only the well-formed rows come back; the totals are Redis's ZCARD, as in the original.
    expect(stats.candidates.map((b) => b.height)).toEqual([10]);
    expect(stats.immature.map((b) => b.nonce)).toEqual(["0x8"]);
    expect(stats.matured.map((b) => b.nonce)).toEqual(["0x5"]);
    expect(stats.payments.map((p) => p.tx)).toEqual(["0xtx"]);
    expect([stats.candidatesTotal, stats.immatureTotal, stats.maturedTotal, stats.paymentsTotal]).toEqual([4, 2, 2, 3]);
    expect(stats.hashrate).toBe(2000000000n / 600n);
    // A non-integer in a hash is not malformed: the original keeps it as a string.
    expect(stats.stats.get("roundShares")).toBe("not-a-number");
  });

  it("collectLuckStats: bad members, zero difficulty and numbers beyond float64", async () => {
    const { backend, keys, events } = fresh();
    await zadd(redis, keys.immature(), [3, "0:0:0xa:0xh:1:100:100:0"], [2, "0:0:0xz:0xh:1:0:100:0"], [1, "short"]);
    await zadd(redis, keys.matured(), [1, `0:0:0xb:0xh:1:1:${"9".repeat(400)}:0`], [0, "0:1:0xc:0xh:1:50:100:0"]);

    const luck = await backend.collectLuckStats([10]);

    expect(luck.malformed).toEqual({ [keys.immature()]: 2, [keys.matured()]: 1 });
    expect(sortEvents(events)).toEqual(
      sortEvents([
        { key: keys.immature(), member: "short", reason: "too-few-fields" },
        { key: keys.immature(), member: "0xz", reason: "zero-difficulty" },
        { key: keys.matured(), member: "0xb", reason: "luck-overflow" },
      ]),
    );
    // 4 blocks counted in the rates; luck over the 2 with a finite ratio: (1 + 2) / 2.
    // The probability of a luck that bad by chance over those 2: Q(2, 3) = 4·e^-3.
    expect(Object.fromEntries(luck.rows)).toEqual({
      "4": { luck: 1.5, uncleRate: 0, orphanRate: 0.25, blocks: 2, probability: expect.closeTo(4 * Math.exp(-3), 15) },
    });
  });

  it("getMinerStats: bad payments and an unparsable roundShares (0, reported)", async () => {
    const { backend, keys, events } = fresh();
    await zadd(redis, keys.minerPayments(LOGIN), [NOW, "0xtx:5"], [NOW - 1, "0xtxonly"], [NOW - 2, "0xtx:five"]);
    await redis.hset(keys.roundCurrent(), LOGIN, "12x");
    await redis.hset(keys.miner(LOGIN), "balance", "42", "paid", "1e9");

    const stats = await backend.getMinerStats(LOGIN, 0);

    expect(stats.malformed).toEqual({ [keys.minerPayments(LOGIN)]: 2, [keys.roundCurrent()]: 1 });
    expect(sortEvents(events)).toEqual(
      sortEvents([
        { key: keys.minerPayments(LOGIN), member: "0xtxonly", reason: "too-few-fields" },
        { key: keys.minerPayments(LOGIN), member: "0xtx:five", reason: "not-an-integer" },
        { key: keys.roundCurrent(), member: LOGIN, reason: "not-an-integer" },
      ]),
    );
    expect(stats.roundShares).toBe(0n);
    expect(stats.payments).toEqual([{ timestamp: NOW, tx: "0xtx", amount: 5n }]);
    expect(stats.paymentsTotal).toBe(3);
    expect(Object.fromEntries(stats.stats)).toEqual({ balance: 42n, paid: "1e9" });
  });

  it("collectWorkersStats: bad members of P:hashrate:<login>", async () => {
    const { backend, keys, events } = fresh();
    await zadd(
      redis,
      keys.minerHashrate(LOGIN),
      [NOW - 10, "6000:rig:1"],
      [NOW - 10, "6000"],
      [NOW - 10, "0x10:rig:2"],
      ["+inf", "6000:rig:3"],
    );

    const workers = await backend.collectWorkersStats("30m", "3h", LOGIN);

    const key = keys.minerHashrate(LOGIN);
    expect(workers.malformed).toEqual({ [key]: 3 });
    expect(sortEvents(events)).toEqual(
      sortEvents([
        { key, member: "6000", reason: "too-few-fields" },
        { key, member: "0x10:rig:2", reason: "not-an-integer" },
        { key, member: "6000:rig:3", reason: "bad-score" },
      ]),
    );
    expect([...workers.workers.keys()]).toEqual(["rig"]);
    expect(workers.currentHashrate).toBe(10n);
  });

  it("getNodeStates: a field without ':'", async () => {
    const { backend, keys, events } = fresh();
    await redis.hset(keys.nodes(), "main:name", "main", "garbage", "1");
    const nodes = await backend.getNodeStates();
    expect(nodes.malformed).toEqual({ [keys.nodes()]: 1 });
    expect(events).toEqual([{ key: keys.nodes(), member: "garbage", reason: "too-few-fields" }]);
    expect(nodes.nodes.map((n) => n.id)).toEqual(["main"]);
  });

  it("a throwing onMalformed callback does not fail the read", async () => {
    const { backend, keys } = fresh({
      onMalformed: () => {
        throw new Error("the host's logger is broken");
      },
    });
    await zadd(redis, keys.matured(), [1, "bad"]);
    const luck = await backend.collectLuckStats([1]);
    expect(luck.malformed).toEqual({ [keys.matured()]: 1 });
  });

  it("reports {} when everything is well-formed", async () => {
    const { backend, keys, events } = fresh();
    await zadd(redis, keys.matured(), [1, "0:0:0x1:0xh:1:2:3:0"]);
    expect((await backend.collectStats("30m", 50, 30)).malformed).toEqual({});
    expect(events).toEqual([]);
  });
});

describe("a key of the wrong Redis type is read as empty and counted once; the other keys still read", () => {
  it("collectStats: P:hashrate a HASH, P:stats a LIST, P:blocks:matured a STRING, P:payments:all a SET", async () => {
    const { backend, keys, events } = fresh();
    await redis.hset(keys.hashrate(), "a", "1");
    await redis.rpush(keys.stats(), "x");
    await redis.set(keys.matured(), "oops");
    await redis.sadd(keys.payments(), "x");
    await zadd(redis, keys.candidates(), [10, "n:p:m:1:2:3"]);
    await zadd(redis, keys.immature(), [9, "0:0:0x9:0xh:1:2:3:0"]);

    const stats = await backend.collectStats("30m", 50, 30);

    const wrong = [keys.hashrate(), keys.stats(), keys.matured(), keys.payments()];
    expect(stats.malformed).toEqual(Object.fromEntries(wrong.map((key) => [key, 1])));
    expect(sortEvents(events)).toEqual(sortEvents(wrong.map((key) => ({ key, member: "", reason: "wrong-type" }))));
    expect(stats).toMatchObject({
      minersTotal: 0,
      hashrate: 0n,
      matured: [],
      maturedTotal: 0,
      payments: [],
      paymentsTotal: 0,
      candidatesTotal: 1,
      immatureTotal: 1,
    });
    expect(stats.stats.size).toBe(0);
    expect(stats.candidates).toHaveLength(1);
    expect(stats.immature).toHaveLength(1);
    // The wrong-typed keys are left as they were.
    expect(await redis.get(keys.matured())).toBe("oops");
  });

  it("collectLuckStats: P:blocks:immature a STRING", async () => {
    const { backend, keys } = fresh();
    await redis.set(keys.immature(), "oops");
    await zadd(redis, keys.matured(), [1, "0:0:0x1:0xh:1:2:4:0"]);
    const luck = await backend.collectLuckStats([64]);
    expect(luck.malformed).toEqual({ [keys.immature()]: 1 });
    expect(Object.fromEntries(luck.rows)).toEqual({
      "1": { luck: 2, uncleRate: 0, orphanRate: 0, blocks: 1, probability: expect.closeTo(Math.exp(-2), 15) },
    });
  });

  it("getMinerStats: P:miners:<login> a STRING, P:payments:<login> a HASH, P:shares:roundCurrent a ZSET", async () => {
    const { backend, keys } = fresh();
    await redis.set(keys.miner(LOGIN), "oops");
    await redis.hset(keys.minerPayments(LOGIN), "a", "1");
    await zadd(redis, keys.roundCurrent(), [1, LOGIN]);
    const stats = await backend.getMinerStats(LOGIN, 30);
    expect(stats.malformed).toEqual({
      [keys.miner(LOGIN)]: 1,
      [keys.minerPayments(LOGIN)]: 1,
      [keys.roundCurrent()]: 1,
    });
    expect(stats).toMatchObject({ payments: [], paymentsTotal: 0, roundShares: 0n });
    expect(stats.stats.size).toBe(0);
  });

  it("collectWorkersStats: P:hashrate:<login> a HASH", async () => {
    const { backend, keys } = fresh();
    await redis.hset(keys.minerHashrate(LOGIN), "a", "1");
    const workers = await backend.collectWorkersStats("30m", "3h", LOGIN);
    expect(workers.malformed).toEqual({ [keys.minerHashrate(LOGIN)]: 1 });
    expect(workers).toMatchObject({ workersTotal: 0, currentHashrate: 0n, hashrate: 0n });
  });

  it("getNodeStates: P:nodes a ZSET", async () => {
    const { backend, keys } = fresh();
    await zadd(redis, keys.nodes(), [1, "main:name"]);
    expect(await backend.getNodeStates()).toEqual({ nodes: [], malformed: { [keys.nodes()]: 1 } });
  });

  it("minerExists: any type counts as existing (EXISTS, as the original)", async () => {
    const { backend, keys } = fresh();
    await redis.set(keys.miner(LOGIN), "oops");
    expect(await backend.minerExists(LOGIN)).toBe(true);
  });

  it("flushStaleStats: P:hashrate a STRING and one P:hashrate:<login> a HASH; other logins still trimmed", async () => {
    const { backend, keys } = fresh();
    await redis.set(keys.hashrate(), "oops");
    await redis.hset(keys.minerHashrate("0xbad"), "a", "1");
    await zadd(redis, keys.minerHashrate("0xok"), [NOW - 10801, "1:w:1"], [NOW - 10800, "1:w:2"]);
    const result = await backend.flushStaleStats("30m", "3h");
    expect(result).toEqual({
      removed: 1,
      minerKeys: 2,
      malformed: { [keys.hashrate()]: 1, [keys.minerHashrate("0xbad")]: 1 },
    });
    expect(await redis.zrange(keys.minerHashrate("0xok"), "0", "-1")).toEqual(["1:w:2"]);
  });
});
