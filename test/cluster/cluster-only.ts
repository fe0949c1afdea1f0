import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { ClusterSlotError } from "../../src/errors/cluster-slot-error.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import { sendBatch } from "../../src/redis/exec.js";
import { keySlot } from "../../src/redis/key-slot.js";
import { seededRandom as rng } from "../../src/testing/random.js";
import { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";
import { commandCalls, masterOfSlot, type TestCluster } from "../support/cluster.js";
import { uniquePrefix } from "../support/redis.js";

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** What only a Cluster can show: its own slot function, slot errors, a slot moving. */
export function clusterOnlySuites(cluster: { readonly current: TestCluster }): void {
  describe("keySlot agrees with CLUSTER KEYSLOT", () => {
    it("for 400 random keys full of braces, colons and non-ASCII characters", async () => {
      const admin = cluster.current.masters[0]?.admin;
      const random = rng(7);
      const alphabet = ["a", "b", "{", "}", ":", "é", "😀", "x", "{eth}", "}{"];
      for (let i = 0; i < 400; i++) {
        let key = "";
        for (let n = Math.floor(random() * 10); n > 0; n--) key += alphabet[Math.floor(random() * alphabet.length)];
        expect(keySlot(key), JSON.stringify(key)).toBe(Number(await admin?.call("cluster", "keyslot", key)));
      }
    });
  });

  describe("slot errors are typed, never a raw CROSSSLOT", () => {
    it("one command with keys in two slots: ClusterSlotError, nothing sent", async () => {
      const { client, masters } = cluster.current;
      const before = await commandCalls(masters);
      const error = await failure(
        sendBatch(client, [["exists", "eth:stats", "eth:hashrate"]], { operation: "test", transaction: true }),
      );
      expect(error).toBeInstanceOf(ClusterSlotError);
      expect((error as ClusterSlotError).code).toBe("ERR_CLUSTER_SLOTS");
      expect((await commandCalls(masters)).get("exists")).toBe(before.get("exists"));
    });

    it("the server's CROSSSLOT (a MULTI over two slots of one node): ClusterSlotError", async () => {
      const master = cluster.current.masters[0];
      if (master === undefined) throw new Error("no master");
      const owned: string[] = [];
      for (let i = 0; owned.length < 2; i++) {
        const key = `k${i}`;
        if ((await masterOfSlot(cluster.current, keySlot(key))) === master) owned.push(key);
      }
      const commands = owned.map((key) => ["get", key] as const);
      const error = await failure(sendBatch(master.admin, commands, { operation: "test", transaction: true }));
      expect(error).toBeInstanceOf(ClusterSlotError);
      expect(String((error as Error).message)).toContain("CROSSSLOT");
    });
  });

  describe("RedisPoolWriter on a Cluster", () => {
    const hex = (n: number, width: number): string => `0x${n.toString(16).padStart(width, "0")}`;
    const pow = (n: number): [string, string, string] => [hex(n, 16), hex(n, 64), hex(n + 1, 64)];
    const nowMs = 1_700_000_000_000;

    it("with a hash-tagged prefix writes in one slot, and the backend reads it back", async () => {
      const { client } = cluster.current;
      const p = uniquePrefix("t", true);
      const writer = new RedisPoolWriter(client, { prefix: p, now: () => nowMs });
      for (let i = 0; i < 12; i++) {
        expect(await writer.writeShare(`0x${String(i % 4).repeat(40)}`, "rig", pow(i), 2_000_000_000n, 50, "3h")).toBe(
          false,
        );
      }
      expect(await writer.writeShare(`0x${"0".repeat(40)}`, "rig", pow(0), 2_000_000_000n, 50, "3h")).toBe(true);
      await writer.writeNodeState("main", 50, 1000);
      const backend = new RedisStatsBackend(client, { prefix: p, now: () => nowMs });
      const stats = await backend.collectStats("30m", 0, 0);
      expect(stats.minersTotal).toBe(4);
      expect(stats.stats.get("roundShares")).toBe(12n * 2_000_000_000n);
      expect([...(await backend.getNodeStates()).nodes.map((node) => node.id)]).toEqual(["main"]);
    });

    it("with an untagged prefix rejects a write that spans slots with ClusterSlotError", async () => {
      const { client } = cluster.current;
      const p = uniquePrefix("t");
      const writer = new RedisPoolWriter(client, { prefix: p, now: () => nowMs });
      const error = await failure(writer.writeShare(`0x${"a".repeat(40)}`, "rig", pow(1), 1n, 50, "3h"));
      expect(error).toBeInstanceOf(ClusterSlotError);
      expect((error as Error).message).toContain('"{eth}"');
      expect(await client.exists(new PoolKeys(p).hashrate())).toBe(0);
    });
  });

  describe("the purge while a slot migrates", () => {
    it("trims a key the scan met on the importing master through the Cluster client (MOVED, then ASK)", async () => {
      const { client, masters } = cluster.current;
      const p = uniquePrefix("t");
      const keys = new PoolKeys(p);
      // Two account keys in one slot (the logins carry a hash tag); one is moved away.
      const moving = keys.minerHashrate("{mig}a");
      const staying = keys.minerHashrate("{mig}b");
      const slot = keySlot(moving);
      expect(keySlot(staying)).toBe(slot);
      const nowS = 1_700_000_000;
      for (const key of [moving, staying]) await client.zadd(key, 1, "old1", 2, "old2", 3, "old3", nowS, "fresh");
      const source = await masterOfSlot(cluster.current, slot);
      const target = masters.find((master) => master !== source);
      if (target === undefined) throw new Error("no second master");
      const sourceId = String(await source.admin.call("cluster", "myid"));
      const targetId = String(await target.admin.call("cluster", "myid"));
      await target.admin.call("cluster", "setslot", slot, "importing", sourceId);
      await source.admin.call("cluster", "setslot", slot, "migrating", targetId);
      expect(await source.admin.call("migrate", "127.0.0.1", target.port, moving, 0, 5000)).toBe("OK");

      const askingBefore = (await commandCalls([target])).get("asking") ?? 0;
      const backend = new RedisStatsBackend(client, { prefix: p, now: () => nowS * 1000 });
      const result = await backend.flushStaleStats("10m", "1h");
      expect(result).toMatchObject({ removed: 6, minerKeys: 2 });
      // The target refused the direct trim (MOVED); the Cluster client was sent on with ASK.
      expect((await commandCalls([target])).get("asking") ?? 0).toBeGreaterThan(askingBefore);

      // Finish the migration so the cluster is whole again, then read through it.
      expect(await source.admin.call("migrate", "127.0.0.1", target.port, staying, 0, 5000)).toBe("OK");
      await target.admin.call("cluster", "setslot", slot, "node", targetId);
      for (const master of masters)
        if (master !== target) await master.admin.call("cluster", "setslot", slot, "node", targetId);
      expect(await client.zrange(moving, "0", "-1")).toEqual(["fresh"]);
      expect(await client.zrange(staying, "0", "-1")).toEqual(["fresh"]);
    });
  });
}
