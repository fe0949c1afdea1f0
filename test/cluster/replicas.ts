import type { Cluster } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import { commandCalls, type TestCluster } from "../support/cluster.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { API_READS, expectedRejection, expectedText, replay } from "../support/golden-replay.js";
import { uniquePrefix } from "../support/redis.js";

/** The commands our reads send; none of them is ever propagated to a replica. */
const READ_COMMANDS = ["zrange", "zrevrange", "zcount", "zcard", "hgetall", "hget", "exists"];

function reads(calls: Map<string, number>): number {
  return READ_COMMANDS.reduce((sum, name) => sum + (calls.get(name) ?? 0), 0);
}

/** Waits until each master's replica acknowledged everything written through `client`. */
async function waitForReplication(client: Cluster): Promise<void> {
  // WAIT covers the writes of the connection it is sent on: the Cluster's own.
  for (const master of client.nodes("master")) expect(Number(await master.call("wait", 1, 5000))).toBe(1);
}

/** Reading from a Cluster's replicas: `scaleReads` plus `atomicReads: false`. */
export function replicaSuites(cluster: { readonly current: TestCluster }): void {
  const scenario = loadGolden("b_small_pool");
  // Every read but the purge (it writes); the same bytes wherever they are answered.
  const calls = scenario.calls.filter(
    (call) => API_READS.has(call.fn) && call.fn !== "FlushStaleStats" && expectedRejection(call) === undefined,
  );

  describe("reads from the replicas of a Cluster (scaleReads)", () => {
    for (const tagged of [true, false]) {
      it(`${tagged ? "{tagged}" : "untagged"} prefix, atomicReads: false: replicas answer every read, with the masters' bytes`, async () => {
        const { client, masters, replicas } = cluster.current;
        const p = uniquePrefix("t", tagged);
        await seedGolden(client, scenario, p);
        await waitForReplication(client);
        const now = (): number => scenario.nowMs;
        const fromMasters = new RedisStatsBackend(client, { prefix: p, now });
        const expected: string[] = [];
        for (const call of calls) expected.push(await replay(fromMasters, call));

        const replicaClient = await cluster.current.connect({ scaleReads: "slave" });
        const fromReplicas = new RedisStatsBackend(replicaClient, { prefix: p, now, atomicReads: false });
        const [mastersBefore, replicasBefore] = [await commandCalls(masters), await commandCalls(replicas)];
        const texts: string[] = [];
        for (const call of calls) texts.push(await replay(fromReplicas, call));
        const [mastersAfter, replicasAfter] = [await commandCalls(masters), await commandCalls(replicas)];

        expect(texts).toEqual(expected);
        expect(texts).toEqual(calls.map(expectedText));
        expect(reads(mastersAfter) - reads(mastersBefore)).toBe(0);
        expect(reads(replicasAfter) - reads(replicasBefore)).toBeGreaterThanOrEqual(calls.length);
        expect((replicasAfter.get("multi") ?? 0) - (replicasBefore.get("multi") ?? 0)).toBe(0);
      });
    }

    it("with atomic reads (the default), ioredis keeps every MULTI on the masters", async () => {
      const { client, masters, replicas } = cluster.current;
      const p = uniquePrefix("t", true);
      await seedGolden(client, scenario, p);
      await waitForReplication(client);
      const replicaClient = await cluster.current.connect({ scaleReads: "slave" });
      const backend = new RedisStatsBackend(replicaClient, { prefix: p, now: () => scenario.nowMs });
      const [mastersBefore, replicasBefore] = [await commandCalls(masters), await commandCalls(replicas)];
      const stats = await backend.collectStats("30m", 10, 10);
      await backend.getMinerStats("0x2a27f2a0bb62e31f98f18c161fcafa95869f42b6", 10);
      const [mastersAfter, replicasAfter] = [await commandCalls(masters), await commandCalls(replicas)];
      expect(stats.minersTotal).toBeGreaterThan(0);
      expect(reads(replicasAfter) - reads(replicasBefore)).toBe(0);
      expect((mastersAfter.get("multi") ?? 0) - (mastersBefore.get("multi") ?? 0)).toBe(2);
    });

    it("the purge on a scaleReads client still writes on the masters", async () => {
      const { client } = cluster.current;
      const p = uniquePrefix("t", false);
      const key = new PoolKeys(p).minerHashrate("0xabc");
      await client.zadd(key, 1, "old", 1_700_000_000, "new");
      const replicaClient = await cluster.current.connect({ scaleReads: "slave" });
      const backend = new RedisStatsBackend(replicaClient, {
        prefix: p,
        now: () => 1_700_000_000_000,
        atomicReads: false,
      });
      expect((await backend.flushStaleStats("10m", "1h")).removed).toBe(1);
      expect(await client.zcard(key)).toBe(1);
    });
  });
}
