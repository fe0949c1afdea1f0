import { setTimeout as sleep } from "node:timers/promises";
import { Cluster } from "ioredis";
import { describe, expect, it } from "vitest";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import { keySlot } from "../../src/redis/key-slot.js";
import { SERVICE_CLUSTER_OPTIONS } from "../../src/redis/service-options.js";
import { activeResources, settleResources } from "../support/active-resources.js";
import { type ClusterNodeProcess, clusterSkipReason, masterOfSlot, useTestCluster } from "../support/cluster.js";
import { failOnProcessErrors } from "../support/process-errors.js";
import { uniquePrefix } from "../support/redis.js";
import { startApiRig } from "./support/api-rig.js";
import { MINER, seedFaultPool } from "./support/fault-pool.js";
import { runOutage } from "./support/outage.js";
import { report } from "./support/report.js";

/**
 * The master serving the pool's slot is killed (SIGKILL) under a running API; its replica
 * is promoted by the cluster itself (cluster-node-timeout 2 s) and the API's Cluster
 * client finds it without help.
 */
failOnProcessErrors();

/**
 * The Cluster options we recommend for an API (docs/RELIABILITY.md): fail fast while a
 * slot has no reachable master (a 503 within a few hundred ms instead of commands queued
 * behind a dead node), and let the cluster's own MOVED answers and slot refreshes bring
 * the reads back once the replica is promoted.
 */
/** The recommended options, with timeouts short enough for a test. */
const FAIL_FAST_CLUSTER_OPTIONS = {
  ...SERVICE_CLUSTER_OPTIONS,
  scaleReads: "master",
  redisOptions: { ...SERVICE_CLUSTER_OPTIONS.redisOptions, commandTimeout: 500, connectTimeout: 1000 },
} as const;

const skip = clusterSkipReason();

describe.skipIf(skip !== undefined)(
  `a Redis Cluster master killed and failed over${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    const cluster = useTestCluster({ replicas: true });

    it("the last snapshot is served, accounts 503, and reads resume on the promoted replica by themselves", async () => {
      const { client: seeder, replicas } = cluster.current;
      const prefix = uniquePrefix("fault", true);
      await seedFaultPool(seeder, prefix);
      // Everything written is on the replicas before the master dies (replication is async).
      for (const node of seeder.nodes("master")) expect(Number(await node.call("wait", 1, 5000))).toBe(1);
      const master = await masterOfSlot(cluster.current, keySlot(new PoolKeys(prefix).hashrate()));
      const before = activeResources();

      const client = new Cluster([{ host: "127.0.0.1", port: master.port }], FAIL_FAST_CLUSTER_OPTIONS);
      const nodeErrors: unknown[] = [];
      client.on("node error", (error: unknown) => nodeErrors.push(error));
      client.on("error", (error: unknown) => nodeErrors.push(error));
      await new Promise((resolve) => client.once("ready", resolve));
      const api = await startApiRig(client, prefix);
      try {
        const result = await runOutage(api, MINER, {
          inject: async () => {
            const at = Date.now();
            master.process.child.kill("SIGKILL");
            master.admin.disconnect(); // the harness's own connection to it: not the API's business
            return at;
          },
          downMs: 0,
          restore: async () => {
            const deadline = Date.now() + 20_000;
            let promoted = await findPromoted(replicas);
            while (promoted === undefined) {
              if (Date.now() > deadline) throw new Error("no replica was promoted within 20 s");
              await sleep(20);
              promoted = await findPromoted(replicas);
            }
            const info = () => promoted?.admin.call("cluster", "info");
            while (!String(await info()).includes("cluster_state:ok")) await sleep(20);
          },
        });
        expect(result.violations).toEqual([]);
        expect(nodeErrors.length).toBeGreaterThan(0); // the dead node was noticed, and reported, not thrown
        report("cluster master killed, failed over", result.numbers);
      } finally {
        await api.close();
      }
      const ended = new Promise((resolve) => client.once("end", resolve));
      await client.quit();
      await ended;
      expect(client.status).toBe("end");
      expect(await settleResources(before)).toEqual([]);
    });
  },
);

/** The replica that reports itself master now, if any. */
async function findPromoted(replicas: readonly ClusterNodeProcess[]): Promise<ClusterNodeProcess | undefined> {
  for (const node of replicas) {
    if ((await node.admin.info("replication")).includes("role:master")) return node;
  }
  return undefined;
}
