import type { Cluster, Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { convertMinersStats } from "../../src/convert/miners.js";
import { isPoolStatsError } from "../../src/errors/pool-stats-error.js";
import { toGoJson } from "../../src/go/json.js";
import { workersStatsToGo } from "../../src/json/compat-shapes.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { ChartSettings } from "../../src/model/charts.js";
import type { PoolStats } from "../../src/model/results.js";
import type { MinerHashrate } from "../../src/model/rows.js";
import { seededRandom as rng } from "../../src/testing/random.js";
import { clusterSkipReason, commandCalls, type TestCluster, useTestCluster } from "../support/cluster.js";
import { applyCommands, dumpState, loadGolden, seedGolden } from "../support/golden.js";
import { API_READS, expectedRejection, expectedText, replay, WRITES } from "../support/golden-replay.js";
import { uniquePrefix, useRedis } from "../support/redis.js";
import { type ReadStrategy, strategyBackend } from "../support/strategies.js";
import { clusterOnlySuites } from "./cluster-only.js";
import { replicaSuites } from "./replicas.js";

/**
 * The suites whose behaviour depends on where keys live, run on a single server and on
 * a Redis Cluster (3 masters + 3 replicas, started once for this file), each with a
 * hash-tagged prefix (`{t…}`: every read one MULTI) and an untagged one (`t…`: keys
 * spread over slots, reads split per slot).
 */
interface Target {
  readonly name: string;
  /** The client reads and writes go through. */
  client(): Redis | Cluster;
  /** MULTIs the masters have run so far; `undefined` where other test files share the server. */
  multis(): Promise<number | undefined>;
  /** How many of `prefix`'s keys each master holds; `undefined` on a single server. */
  keysPerMaster(prefix: string): Promise<number[] | undefined>;
}

const single = useRedis();
const singleTarget: Target = {
  name: "a single server",
  client: () => single.redis,
  multis: async () => undefined,
  keysPerMaster: async () => undefined,
};

function clusterTarget(cluster: { readonly current: TestCluster }): Target {
  return {
    name: "Redis Cluster",
    client: () => cluster.current.client,
    multis: async () => (await commandCalls(cluster.current.masters)).get("multi") ?? 0,
    keysPerMaster: async (prefix) =>
      Promise.all(
        cluster.current.masters.map(async (master) => {
          let count = 0;
          let cursor = "0";
          do {
            const [next, keys] = await master.admin.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
            cursor = next;
            count += keys.length;
          } while (cursor !== "0");
          return count;
        }),
      ),
  };
}

/** A fresh prefix; on the single server it is deleted after the file (the cluster is thrown away). */
function freshPrefix(target: Target, tagged: boolean): string {
  return target === singleTarget ? single.prefix("t", tagged) : uniquePrefix("t", tagged);
}

describe(`on ${singleTarget.name}`, () => slotSensitiveSuites(singleTarget));

const skip = clusterSkipReason();
describe.skipIf(skip !== undefined)(`on Redis Cluster${skip === undefined ? "" : ` (skipped: ${skip})`}`, () => {
  const cluster = useTestCluster({ replicas: true });
  slotSensitiveSuites(clusterTarget(cluster));
  replicaSuites(cluster);
  clusterOnlySuites(cluster); // last: it moves a slot to another master
});

function slotSensitiveSuites(target: Target): void {
  const variants: { tagged: boolean; strategy: ReadStrategy; atomicReads: boolean }[] = [
    { tagged: true, strategy: "incremental", atomicReads: true },
    { tagged: false, strategy: "incremental", atomicReads: true },
    { tagged: false, strategy: "original", atomicReads: true },
    { tagged: true, strategy: "incremental", atomicReads: false },
  ];
  for (const variant of variants) goldenSuite(target, variant);
  incrementalSuite(target);
  purgeSuite(target);
  accountWindowSuite(target);
  chartsSuite(target);
}

/**
 * Reads that are one MULTI in the plan (when the window fits one command, as here);
 * GetNodeStates is a bare HGETALL, as in the original.
 */
const ONE_MULTI = new Set(["CollectStats", "CollectLuckStats", "GetMinerStats", "CollectWorkersStats"]);

function goldenSuite(target: Target, variant: { tagged: boolean; strategy: ReadStrategy; atomicReads: boolean }): void {
  const scenario = loadGolden("b_small_pool");
  const label = `${variant.tagged ? "{tagged}" : "untagged"} prefix, ${variant.strategy}${variant.atomicReads ? "" : ", atomicReads: false"}`;
  describe(`golden b_small_pool, ${label}: the original's bytes`, () => {
    const calls = scenario.calls.filter((call) => API_READS.has(call.fn) && expectedRejection(call) === undefined);
    calls.forEach((call, i) => {
      it(`${call.fn} ${JSON.stringify(call.args)}`, async () => {
        const client = target.client();
        const p = freshPrefix(target, variant.tagged);
        await seedGolden(client, scenario, p);
        const backend = strategyBackend(client, {
          prefix: p,
          now: () => scenario.nowMs,
          readStrategy: variant.strategy,
          atomicReads: variant.atomicReads,
        });
        const before = await target.multis();
        const text = await replay(backend, call);
        const after = await target.multis();
        expect(text, `call #${i}`).toBe(expectedText(call));
        if (before !== undefined && after !== undefined) {
          const sent = after - before;
          if (!variant.atomicReads || !ONE_MULTI.has(call.fn)) expect(sent).toBe(0);
          else if (variant.tagged) expect(sent).toBe(1);
          else if (call.fn === "CollectStats")
            expect(sent).toBeGreaterThan(1); // split per slot
          else expect(sent).toBeGreaterThanOrEqual(1);
        }
        if (WRITES.has(call.fn)) {
          const reference = freshPrefix(target, variant.tagged);
          await seedGolden(client, scenario, reference);
          if (variant.strategy === "original" || call.fn === "FlushStaleStats") {
            await applyCommands(client, call.stateDelta ?? [], scenario.prefix, reference);
          }
          expect(await dumpState(client, p)).toEqual(await dumpState(client, reference));
        }
      });
    });
  });
}

function incrementalSuite(target: Target): void {
  const WINDOW = 120;
  const logins = ["0xaaa", "0xbbb", "0xccc", "0xddd"];
  const sorted = (miners: PoolStats["miners"]): unknown => [...miners].sort(([a], [b]) => (a < b ? -1 : 1));
  describe("incremental collection over many cycles equals a full recompute", () => {
    for (const tagged of [true, false]) {
      it(`${tagged ? "{tagged}" : "untagged"} prefix: late, future and malformed shares, purges, a flush`, async () => {
        const client = target.client();
        const p = freshPrefix(target, tagged);
        const keys = new PoolKeys(p);
        const random = rng(tagged ? 11 : 12);
        let nowMs = 1_700_000_000_000;
        const backend = new RedisStatsBackend(client, {
          prefix: p,
          now: () => nowMs,
          hashrate: { overlapSeconds: 3, tailChunkSize: 7, resyncChunkSize: 13 },
        });
        let serial = 0;
        const modes = new Set<string>();
        for (let cycle = 0; cycle < 30; cycle++) {
          nowMs += Math.floor(1000 + random() * 9000);
          const nowS = Math.trunc(nowMs / 1000);
          const shares: (string | number)[] = [];
          for (let i = Math.floor(random() * 20); i > 0; i--) {
            const kind = random();
            const late = kind < 0.2 ? Math.floor(random() * 8) : kind < 0.3 ? 8 + Math.floor(random() * 100) : 0;
            const score = kind > 0.95 ? nowS + 2 : nowS - late;
            const login = logins[Math.floor(random() * logins.length)] as string;
            shares.push(score, random() < 0.03 ? `junk${serial++}` : `2000000000:${login}:w${serial % 3}:${serial++}`);
            // The account key too, so the purges below trim keys all over the cluster.
            await client.zadd(keys.minerHashrate(login), score, `2000000000:w:${serial}`);
          }
          if (shares.length > 0) await client.zadd(keys.hashrate(), ...shares);
          const event = random();
          if (event < 0.05) await client.del(keys.hashrate());
          else if (event < 0.2) await backend.flushStaleStats(`${WINDOW}s`, "1h");
          const stats = await backend.collectStats(`${WINDOW}s`, 10, 10);
          modes.add(backend.lastHashrateRead?.mode ?? "none");
          const reply = await client.zrange(keys.hashrate(), String(nowS - WINDOW), "+inf", "BYSCORE", "WITHSCORES");
          const full = convertMinersStats(reply, nowS, WINDOW);
          expect(sorted(stats.miners), `cycle ${cycle}`).toEqual(sorted(full.miners));
          expect(stats.hashrate, `cycle ${cycle}`).toBe(full.hashrate);
          expect(backend.lastHashrateRead?.verified).toBe(true);
        }
        expect(modes.has("tail")).toBe(true);
      });
    }
  });
}

function purgeSuite(target: Target): void {
  describe("flushStaleStats trims every account key, wherever its slot lives", () => {
    for (const tagged of [false, true]) {
      it(`${tagged ? "{tagged}" : "untagged"} prefix: removed counts every stale share once`, async () => {
        const client = target.client();
        const p = freshPrefix(target, tagged);
        const keys = new PoolKeys(p);
        const nowS = 1_700_000_000;
        const logins = Array.from({ length: 60 }, (_, i) => `0x${i.toString(16).padStart(4, "0")}`);
        for (const [i, login] of logins.entries()) {
          // 3 shares older than the large window (1 h), 2 inside it; i varies the scores.
          await client.zadd(
            keys.minerHashrate(login),
            nowS - 7200 - i,
            `1:w:a${i}`,
            nowS - 3601,
            `1:w:b${i}`,
            nowS - 3602 - i,
            `1:w:c${i}`,
            nowS - 3600,
            `1:w:d${i}`,
            nowS,
            `1:w:e${i}`,
          );
        }
        await client.set(keys.minerHashrate("0xbad"), "a string where a ZSET belongs");
        // The pool window: 4 shares older than 10 min, 2 inside.
        await client.zadd(
          keys.hashrate(),
          nowS - 601,
          "a",
          nowS - 700,
          "b",
          1,
          "c",
          2,
          "d",
          nowS - 600,
          "e",
          nowS,
          "f",
        );
        const spread = await target.keysPerMaster(p);
        if (spread !== undefined) {
          // Untagged keys hash all over: every master holds some. Tagged ones share a slot.
          if (tagged) expect(spread.filter((n) => n > 0)).toEqual([62]);
          else expect(spread.every((n) => n > 0)).toBe(true);
        }
        const backend = new RedisStatsBackend(client, { prefix: p, now: () => nowS * 1000, scanCount: 7 });
        const result = await backend.flushStaleStats("10m", "1h");
        expect(result.removed).toBe(60 * 3 + 4);
        expect(result.minerKeys).toBe(61);
        expect(result.malformed).toEqual({ [keys.minerHashrate("0xbad")]: 1 });
        for (const login of logins) expect(await client.zcard(keys.minerHashrate(login))).toBe(2);
        expect(await client.zcard(keys.hashrate())).toBe(2);
        expect((await backend.flushStaleStats("10m", "1h")).removed).toBe(0);
      });
    }
  });
}

function accountWindowSuite(target: Target): void {
  describe("account window read in score slices", () => {
    it("equals the original's one full read (untagged prefix, 600 shares, 50 per command)", async () => {
      const client = target.client();
      const p = freshPrefix(target, false);
      const keys = new PoolKeys(p);
      const nowS = 1_700_000_000;
      const members: (string | number)[] = [];
      for (let i = 0; i < 600; i++) members.push(nowS - ((i * 37) % 11_000), `${1000 + i}:rig${i % 7}:${i}`);
      await client.zadd(keys.minerHashrate("0xabc"), ...members);
      const options = { prefix: p, now: () => nowS * 1000 };
      const chunked = strategyBackend(client, {
        ...options,
        readStrategy: "chunked",
        hashrate: { resyncChunkSize: 50 },
      });
      const sliced = toGoJson(workersStatsToGo(await chunked.collectWorkersStats("10m", "3h", "0xabc")));
      const original = strategyBackend(client, { ...options, readStrategy: "original" });
      expect(sliced).toBe(toGoJson(workersStatsToGo(await original.collectWorkersStats("10m", "3h", "0xabc"))));
      expect(JSON.parse(sliced).workersTotal).toBe(7);
    });

    it("rejects bad options with a typed error, before any command", () => {
      const error = (() => {
        try {
          return new RedisStatsBackend(target.client(), { prefix: "x", atomicReads: "no" as unknown as boolean });
        } catch (e) {
          return e;
        }
      })();
      expect(isPoolStatsError(error) && error.code).toBe("ERR_INVALID_ARGUMENT");
    });
  });
}

function chartsSuite(target: Target): void {
  describe("charts: sampled and read wherever the series live", () => {
    for (const tagged of [true, false]) {
      it(`${tagged ? "{tagged}" : "untagged"} prefix: 60 miners sampled in script batches, the lease held, series read back`, async () => {
        const client = target.client();
        const p = freshPrefix(target, tagged);
        const nowS = 1_700_000_000;
        const settings = {
          intervalSeconds: 600,
          retentionSeconds: 86_400,
          leaseMs: 30_000,
        } as unknown as ChartSettings;
        const miners = new Map<string, MinerHashrate>();
        for (let i = 0; i < 60; i++) miners.set(`0x${String(i).padStart(40, "0")}`, { hr: BigInt(i) } as MinerHashrate);
        const stats = { now: nowS * 1000, miners, minersTotal: 60, hashrate: 1770n } as unknown as PoolStats;
        const backend = new RedisStatsBackend(client, { prefix: p, charts: { batchSize: 16 } });
        const store = backend.chartStore(settings);
        // Scripts unknown to a node (each Cluster master, at first) are sent as EVAL there.
        const first = await store.sample(stats);
        expect(first).toMatchObject({ outcome: "sampled", pool: true, miners: 60, batches: 4, malformed: {} });
        expect((await store.sample({ ...stats, now: (nowS + 1) * 1000 })).outcome).toBe("not-due");
        const again = await backend.chartStore(settings).sample({ ...stats, now: (nowS + 600) * 1000 });
        expect(again.outcome).toBe("not-leader"); // another store: the first one holds the lease
        expect((await store.readPool(nowS * 1000)).points).toEqual([
          { x: BigInt(nowS), hashrate: 1770n, minersOnline: 60n },
        ]);
        for (const [login, miner] of miners) {
          expect((await store.readMiner(login, nowS * 1000)).points).toEqual([{ x: BigInt(nowS), hashrate: miner.hr }]);
        }
        const spread = await target.keysPerMaster(p);
        if (spread !== undefined && !tagged) expect(spread.filter((n) => n > 0).length).toBe(spread.length);
        expect(await store.release()).toBe(true);
      });
    }
  });
}
