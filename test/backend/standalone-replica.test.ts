import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { ReadOnlyReplicaError } from "../../src/errors/read-only-replica-error.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { ChartSettings } from "../../src/model/charts.js";
import { type RedisServerProcess, startRedisServer } from "../../src/testing/redis-server-process.js";
import { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { API_READS, expectedRejection, expectedText, replay } from "../support/golden-replay.js";
import { strategyBackend } from "../support/strategies.js";

const skip = inject("redisServerAvailable")
  ? undefined
  : "redis-server is not on PATH (only REDIS_URL given); this suite starts a master and its replica";

const scenario = loadGolden("b_small_pool");
// Every read but the purge: none of them writes, so a replica can answer them all.
const calls = scenario.calls.filter(
  (call) => API_READS.has(call.fn) && call.fn !== "FlushStaleStats" && expectedRejection(call) === undefined,
);

describe.skipIf(skip !== undefined)(`a standalone replica (--replicaof)${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const servers: RedisServerProcess[] = [];
  const clients: Redis[] = [];
  let toMaster: Redis;
  let toReplica: Redis;
  const now = (): number => scenario.nowMs;

  beforeAll(async () => {
    // Without this the master waits 5 s before the replica's first (diskless) sync.
    const master = await startRedisServer({ args: ["--repl-diskless-sync-delay", "0"] });
    servers.push(master);
    const replica = await startRedisServer({ args: ["--replicaof", "127.0.0.1", String(master.port)] });
    servers.push(replica);
    toMaster = new Redis(master.url, { maxRetriesPerRequest: 1 });
    toReplica = new Redis(replica.url, { maxRetriesPerRequest: 1 });
    clients.push(toMaster, toReplica);
    for (let i = 0; !(await toReplica.info("replication")).includes("master_link_status:up"); i++) {
      if (i > 200) throw new Error("the replica did not connect to its master");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // Written through the master in the original's formats (the recorded commands), the
    // prefix the original uses; WAIT returns once the replica has acknowledged them.
    await seedGolden(toMaster, scenario, "eth");
    expect(Number(await toMaster.call("wait", 1, 5000))).toBe(1);
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const server of servers) await server.stop();
  });

  for (const atomicReads of [true, false]) {
    describe(`atomicReads: ${atomicReads}`, () => {
      calls.forEach((call, i) => {
        it(`${call.fn} ${JSON.stringify(call.args)}: the master's bytes, read on the replica`, async () => {
          const fromReplica = new RedisStatsBackend(toReplica, { prefix: "eth", now, atomicReads });
          const fromMaster = new RedisStatsBackend(toMaster, { prefix: "eth", now, atomicReads });
          const text = await replay(fromReplica, call);
          expect(text, `call #${i}`).toBe(await replay(fromMaster, call));
          expect(text, `call #${i}`).toBe(expectedText(call));
        });
      });
    });
  }

  it("shares written by RedisPoolWriter through the master are read back on the replica", async () => {
    const nowMs = 1_700_000_000_000;
    const writer = new RedisPoolWriter(toMaster, { prefix: "pool2", now: () => nowMs });
    const hex = (n: number, width: number): string => `0x${n.toString(16).padStart(width, "0")}`;
    for (let i = 0; i < 30; i++) {
      const login = `0x${String(i % 3).repeat(40)}`;
      const fresh = await writer.writeShare(
        login,
        `rig${i % 2}`,
        [hex(i, 16), hex(i, 64), hex(i + 1, 64)],
        4_000_000_000n,
        100,
        "3h",
      );
      expect(fresh).toBe(false);
    }
    await writer.writeNodeState("main", 100, 1_000_000);
    expect(Number(await toMaster.call("wait", 1, 5000))).toBe(1);
    const options = { prefix: "pool2", now: () => nowMs };
    const onReplica = new RedisStatsBackend(toReplica, options);
    const onMaster = new RedisStatsBackend(toMaster, options);
    const stats = await onReplica.collectStats("30m", 0, 0);
    expect(stats.minersTotal).toBe(3);
    expect(stats).toEqual(await onMaster.collectStats("30m", 0, 0));
    expect(await onReplica.getNodeStates()).toEqual(await onMaster.getNodeStates());
    const login = `0x${"1".repeat(40)}`;
    expect(await onReplica.collectWorkersStats("10m", "3h", login)).toEqual(
      await onMaster.collectWorkersStats("10m", "3h", login),
    );
  });

  it("RedisPoolWriter on the replica rejects with ReadOnlyReplicaError", async () => {
    const writer = new RedisPoolWriter(toReplica, { prefix: "pool3", now });
    const error = await writer
      .writeShare(`0x${"a".repeat(40)}`, "rig", ["0x01", "0x02", "0x03"], 1n, 1, "3h")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadOnlyReplicaError);
  });

  it("flushStaleStats rejects with ReadOnlyReplicaError, and nothing is trimmed", async () => {
    const backend = new RedisStatsBackend(toReplica, { prefix: "eth", now });
    const before = await toMaster.zcard(new PoolKeys("eth").hashrate());
    const error = await backend.flushStaleStats("30m", "3h").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadOnlyReplicaError);
    expect(error).toMatchObject({ code: "ERR_READ_ONLY_REPLICA", operation: "flushStaleStats" });
    expect((error as Error).message).toMatch(/read-only replica.*needs the master/);
    expect(await toMaster.zcard(new PoolKeys("eth").hashrate())).toBe(before);
  });

  it("charts: the replica serves the master's series; sampling there is refused before any write", async () => {
    const settings = { intervalSeconds: 600, retentionSeconds: 86_400, leaseMs: 30_000 } as unknown as ChartSettings;
    const keys = new PoolKeys("charts");
    const stats = await new RedisStatsBackend(toMaster, { prefix: "eth", now }).collectStats("30m", 0, 0);
    const sampled = await new RedisStatsBackend(toMaster, { prefix: "charts", now }).chartStore(settings).sample(stats);
    expect(sampled.outcome).toBe("sampled");
    expect(Number(await toMaster.call("wait", 1, 5000))).toBe(1);
    for (const atomicReads of [true, false]) {
      const onReplica = new RedisStatsBackend(toReplica, { prefix: "charts", now, atomicReads }).chartStore(settings);
      const onMaster = new RedisStatsBackend(toMaster, { prefix: "charts", now }).chartStore(settings);
      expect(await onReplica.readPool(now())).toEqual(await onMaster.readPool(now()));
      const login = [...stats.miners.keys()][0] as string;
      expect((await onReplica.readMiner(login, now())).points).toHaveLength(1);
      const error = await onReplica.sample(stats).catch((e: unknown) => e);
      expect(error, `atomicReads: ${atomicReads}`).toBeInstanceOf(ReadOnlyReplicaError);
    }
    expect(await toMaster.get(keys.chartSampler())).not.toBeNull(); // the master's sampler's, untouched
    expect(await toMaster.zcard(keys.poolChart())).toBe(1);
  });

  it('the "original" read strategy (it trims) rejects the same way, atomic or not', async () => {
    for (const atomicReads of [true, false]) {
      const backend = strategyBackend(toReplica, { prefix: "eth", now, readStrategy: "original", atomicReads });
      const error = await backend.collectStats("30m", 10, 10).catch((e: unknown) => e);
      expect(error, `atomicReads: ${atomicReads}`).toBeInstanceOf(ReadOnlyReplicaError);
    }
  });
});
