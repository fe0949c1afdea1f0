import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { toGoJson } from "../../src/go/json.js";
import {
  blocksToGo,
  luckToGo,
  minerStatsToGo,
  minersToGo,
  nodeStatesToGo,
  poolStatsToGo,
  workersStatsToGo,
} from "../../src/json/compat-shapes.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { RedisClient } from "../../src/redis/client.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { useRedis } from "../support/redis.js";

const NOW_MS = 1_700_000_000_123;
const NOW = 1_700_000_000;
const A = `0x${"a".repeat(40)}`;
const B = `0x${"b".repeat(40)}`;
const { redis, prefix } = useRedis();

function fresh() {
  const p = prefix();
  let clockReads = 0;
  const backend = new RedisStatsBackend(redis, {
    prefix: p,
    now: () => {
      clockReads++;
      return NOW_MS;
    },
  });
  return { backend, keys: new PoolKeys(p), clockReads: () => clockReads };
}

async function zadd(key: string, ...rows: [number | string, string][]) {
  await redis.zadd(key, ...rows.flatMap(([score, member]) => [String(score), member]));
}

describe("the reference's vectors through a real Redis", () => {
  it("collectStats: the §2.12 pool miners vector, with a share older than the window left for the purge", async () => {
    const { backend, keys, clockReads } = fresh();
    await zadd(
      keys.hashrate(),
      [NOW - 1801, `9000000000:${A}:old:1699998199000`],
      [1699998300, `2000000000:${B}:0:1699998300000`],
      [1699999000, `2000000000:${A}:rig1:1699999000123`],
      [1699999500, `2000000000:${A}:rig2:1699999500000`],
      [1699999999, `4000000000:${B}:0:1699999999000`],
    );
    const stats = await backend.collectStats("30m", 50, 30);
    expect(stats.now).toBe(NOW_MS);
    expect(stats.hashrate).toBe(7529411n);
    expect(stats.minersTotal).toBe(2);
    expect(toGoJson(minersToGo(stats.miners))).toBe(
      `{"${A}":{"lastBeat":1699999500,"hr":4000000,"offline":false},"${B}":{"lastBeat":1699999999,"hr":3529411,"offline":false}}`,
    );
    // Read by score, nothing written: the share older than the window stays for the purge.
    expect(await redis.zcard(keys.hashrate())).toBe(5);
    expect(clockReads()).toBe(1); // one clock reading per read
  });

  it("collectStats: the §2.12 block member vector in the matured list, and limits", async () => {
    const { backend, keys } = fresh();
    const vector =
      "4999998:0:0x1122334455667788:0xabc:1699990000:3000000000000000:2500000000000000:2625000000000000000";
    await zadd(keys.matured(), [5000000, vector], [4999990, "0:0:0x1:0xd:1:2:3:4"], [4999980, "0:1:0x2:0x0:1:2:3:0"]);
    const first = await backend.collectStats("30m", 1, 30);
    expect(toGoJson(blocksToGo(first.matured))).toBe(
      '[{"height":5000000,"timestamp":1699990000,"difficulty":3000000000000000,"shares":2500000000000000,"uncle":true,"uncleHeight":4999998,"orphan":false,"hash":"0xabc","reward":"2625000000000000000"}]',
    );
    expect(first.maturedTotal).toBe(3);
    expect((await backend.collectStats("30m", 0, 30)).matured.map((b) => b.height)).toEqual([
      5000000, 4999990, 4999980,
    ]);
    expect((await backend.collectStats("30m", 2, 30)).matured).toHaveLength(2);
  });

  it("collectStats on an empty pool gives the original's empty snapshot", async () => {
    const { backend } = fresh();
    expect(toGoJson(poolStatsToGo(await backend.collectStats("30m", 50, 30)))).toBe(
      '{"candidates":null,"candidatesTotal":0,"hashrate":0,"immature":null,"immatureTotal":0,"matured":null,"maturedTotal":0,"miners":{},"minersTotal":0,"payments":null,"paymentsTotal":0,"stats":{}}',
    );
  });

  it("collectLuckStats: the §2.3 vector, windows [1,2,5,10] and [256,64,128], and no blocks", async () => {
    const { backend, keys } = fresh();
    expect(toGoJson(luckToGo((await backend.collectLuckStats([64, 128, 256])).rows))).toBe(
      '{"0":{"luck":0,"orphanRate":0,"uncleRate":0}}',
    );
    await zadd(keys.immature(), [0, "1:0:0x0:0x0:0:100:100:0"]);
    await zadd(
      keys.matured(),
      [1, "1:0:0x2:0x0:0:50:100:0"],
      [2, "0:1:0x1:0x0:0:100:100:0"],
      [3, "0:0:0x3:0x0:0:200:100:0"],
    );
    expect(toGoJson(luckToGo((await backend.collectLuckStats([1, 2, 5, 10])).rows))).toBe(
      '{"1":{"luck":1,"orphanRate":0,"uncleRate":1},"2":{"luck":0.75,"orphanRate":0,"uncleRate":0.5},"4":{"luck":1.125,"orphanRate":0.25,"uncleRate":0.5}}',
    );
    expect(toGoJson(luckToGo((await backend.collectLuckStats([256, 64, 128])).rows))).toBe(
      '{"4":{"luck":1.125,"orphanRate":0.25,"uncleRate":0.5}}',
    );
    // Only max(windows) matured blocks are read: with [1, 2] the oldest two are never fetched.
    expect(toGoJson(luckToGo((await backend.collectLuckStats([2, 1])).rows))).toBe(
      '{"1":{"luck":1,"orphanRate":0,"uncleRate":1},"2":{"luck":0.75,"orphanRate":0,"uncleRate":0.5}}',
    );
  });

  it("collectWorkersStats: the §2.12 account workers vector, with a share older than the large window left for the purge", async () => {
    const { backend, keys, clockReads } = fresh();
    await zadd(
      keys.minerHashrate(A),
      [NOW - 10801, "9000000000:old:1699989199000"],
      [1699990000, "2000000000:rig1:1699990000000"],
      [1699998000, "2000000000:rig2:1699998000000"],
      [1699999000, "2000000000:rig1:1699999000000"],
      [1699999950, "2000000000:10:1699999950000"],
      [1699999960, "2000000000:9:1699999960000"],
    );
    const workers = await backend.collectWorkersStats("30m", "3h", A);
    expect(toGoJson(workersStatsToGo(workers))).toBe(
      '{"currentHashrate":7777777,"hashrate":8066666,"workers":{' +
        '"10":{"lastBeat":1699999950,"hr":3333333,"offline":false,"hr2":3333333},' +
        '"9":{"lastBeat":1699999960,"hr":3333333,"offline":false,"hr2":3333333},' +
        '"rig1":{"lastBeat":1699999000,"hr":1111111,"offline":true,"hr2":400000},' +
        '"rig2":{"lastBeat":1699998000,"hr":0,"offline":true,"hr2":1000000}},' +
        '"workersOffline":2,"workersOnline":2,"workersTotal":4}',
    );
    expect(await redis.zcard(keys.minerHashrate(A))).toBe(6); // nothing written
    expect(clockReads()).toBe(1);
  });
});

describe("account, nodes and existence reads", () => {
  it("getMinerStats: hash converted, payments newest first with limits, exact roundShares beyond int64", async () => {
    const { backend, keys } = fresh();
    await redis.hset(keys.miner(A), "balance", "3356533120", "lastShare", "1699999940", "immature", "-5");
    await zadd(keys.minerPayments(A), [1699997001, "0xt1:1000000000"], [1699999100, "0xt2:120000000"]);
    await redis.hset(keys.roundCurrent(), A, "18446744073709551617", B, "5");
    const stats = await backend.getMinerStats(A, 1);
    expect(toGoJson(minerStatsToGo(stats))).toBe(
      '{"payments":[{"amount":120000000,"timestamp":1699999100,"tx":"0xt2"}],"paymentsTotal":2,"roundShares":18446744073709551617,"stats":{"balance":3356533120,"immature":-5,"lastShare":1699999940}}',
    );
    expect((await backend.getMinerStats(A, 0)).payments.map((p) => p.tx)).toEqual(["0xt2", "0xt1"]);
    expect(toGoJson(minerStatsToGo(await backend.getMinerStats(B, 30)))).toBe(
      '{"payments":null,"paymentsTotal":0,"roundShares":5,"stats":{}}',
    );
  });

  it("getNodeStates: two nodes, sorted by id, values as strings", async () => {
    const { backend, keys } = fresh();
    await redis.hset(
      keys.nodes(),
      "main:name",
      "main",
      "main:height",
      "18600000",
      "main:difficulty",
      "58000000000000000",
    );
    await redis.hset(keys.nodes(), "main:lastBeat", "1699999998", "backup:name", "backup", "backup:height", "18599995");
    const states = await backend.getNodeStates();
    expect(states.malformed).toEqual({});
    expect(toGoJson(nodeStatesToGo(states))).toBe(
      '[{"height":"18599995","name":"backup"},{"difficulty":"58000000000000000","height":"18600000","lastBeat":"1699999998","name":"main"}]',
    );
    expect(toGoJson(nodeStatesToGo(await fresh().backend.getNodeStates()))).toBe("[]");
  });

  it("minerExists: true for a miner hash, false otherwise (the login is used as given)", async () => {
    const { backend, keys } = fresh();
    await redis.hset(keys.miner(A), "balance", "1");
    expect(await backend.minerExists(A)).toBe(true);
    expect(await backend.minerExists(B)).toBe(false);
    expect(await backend.minerExists(A.toUpperCase())).toBe(false);
  });
});

describe("whatever reply shapes the host's ioredis client is configured for", () => {
  const url = inject("redisUrl");
  const clients: [string, Redis][] = [
    ["RESP2", new Redis(url, { protocol: 2 })],
    ["RESP3 with resp3 reply mapping", new Redis(url, { protocol: 3, replyMapping: "resp3" }) as unknown as Redis],
  ];
  afterAll(() => {
    for (const [, client] of clients) client.disconnect();
  });
  const scenario = loadGolden("b_small_pool");
  const login = "0x8e550c57631c4743ac80a5441efc6e7cde71d248";

  /** Every read's JSON over the golden state, through `client`. */
  async function everything(client: RedisClient, p: string): Promise<string[]> {
    const backend = new RedisStatsBackend(client, { prefix: p, now: () => scenario.nowMs });
    return [
      toGoJson(poolStatsToGo(await backend.collectStats("30m", 0, 0))),
      toGoJson(luckToGo((await backend.collectLuckStats([1, 2, 5, 10])).rows)),
      toGoJson(minerStatsToGo(await backend.getMinerStats(login, 0))),
      toGoJson(workersStatsToGo(await backend.collectWorkersStats("30m", "3h", login))),
      toGoJson(nodeStatesToGo(await backend.getNodeStates())),
      String(await backend.minerExists(login)),
      String((await backend.flushStaleStats("30m", "3h")).removed),
    ];
  }

  it.each(clients)("%s reads what the default client reads", async (_name, client) => {
    const reference = prefix();
    const other = prefix();
    await seedGolden(redis, scenario, reference);
    await seedGolden(redis, scenario, other);
    const expected = await everything(redis, reference);
    expect(expected[0]).toContain('"minersTotal":2');
    expect(await everything(client, other)).toEqual(expected);
  });
});
