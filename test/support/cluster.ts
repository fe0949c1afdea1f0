import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, inject } from "vitest";
import { freePort, type RedisServerProcess, startRedisServer } from "../../src/testing/redis-server-process.js";

/** One server of a test cluster. */
export interface ClusterNodeProcess {
  readonly port: number;
  readonly process: RedisServerProcess;
  /** A plain connection to this node alone (for INFO, CLUSTER …); closed by `stop()`. */
  readonly admin: Redis;
}

/** What a test may choose of a Cluster client (ioredis's option types do not spread under exactOptionalPropertyTypes). */
export interface ClusterClientOptions {
  readonly scaleReads?: "master" | "slave" | "all";
}

/** How {@link startTestCluster} builds the cluster. */
export interface TestClusterOptions {
  /** One replica per master (6 servers instead of 3). */
  readonly replicas?: boolean;
  /**
   * `cluster-node-timeout`. Also paces the gossip that tells every node about the
   * replicas (a node pings each peer at least every half timeout): 2 s brings a cluster
   * with replicas up in about 4 s instead of 6 with 5 s, while a stall shorter than
   * that on a busy machine still triggers no failover.
   * @defaultValue 2000
   */
  readonly nodeTimeoutMs?: number;
}

/** A throwaway Redis Cluster on 127.0.0.1, from {@link startTestCluster}. */
export interface TestCluster {
  /** The masters, each serving a third of the slots. */
  readonly masters: readonly ClusterNodeProcess[];
  /** One replica per master (empty unless started with `replicas: true`). */
  readonly replicas: readonly ClusterNodeProcess[];
  /** A Cluster client on the masters' ports; closed by `stop()`. */
  readonly client: Cluster;
  /** Another Cluster client (e.g. with `scaleReads`), ready; closed by `stop()`. */
  connect(options?: ClusterClientOptions): Promise<Cluster>;
  /** Closes every client and stops every server (SIGTERM), removing their files. */
  stop(): Promise<void>;
}

/**
 * Why the cluster suites cannot run here, or `undefined` when they can. They start
 * their own servers, so a Redis given only by `REDIS_URL` is not enough.
 */
export function clusterSkipReason(): string | undefined {
  if (!inject("redisServerAvailable")) {
    return "redis-server is not on PATH (only REDIS_URL given); the cluster suites start their own servers";
  }
  if (!onPath("redis-cli")) return "redis-cli is not on PATH (apt-get install redis-tools); it joins the cluster";
  return undefined;
}

/**
 * Starts 3 masters (and, with `replicas`, one replica each) from `redis-server` on free
 * loopback ports with `--cluster-enabled yes`, joins them with
 * `redis-cli --cluster create`, waits until every node reports `cluster_state:ok` (and
 * every replica is attached and in sync), and returns a connected Cluster client.
 * Whatever was started is stopped again if any step fails.
 */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), "open-pool-stats-cluster-"));
  const nodes: ClusterNodeProcess[] = [];
  const clients: (Redis | Cluster)[] = [];
  // A worker that dies without teardown must not leave servers behind.
  const killAll = (): void => {
    for (const node of nodes) node.process.child.kill("SIGKILL");
  };
  process.once("exit", killAll);
  const stop = async (): Promise<void> => {
    for (const client of clients) client.disconnect();
    await Promise.all(nodes.map((node) => node.process.stop()));
    process.off("exit", killAll);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const count = options.replicas ? 6 : 3;
    const started = await Promise.allSettled(
      Array.from({ length: count }, () => startNode(dir, options.nodeTimeoutMs ?? 2000)),
    );
    for (const result of started) {
      if (result.status === "fulfilled") {
        nodes.push(result.value);
        clients.push(result.value.admin);
      }
    }
    const failed = started.find((result) => result.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    await createCluster(
      nodes.map((node) => node.port),
      options.replicas ? 1 : 0,
    );
    await waitForCluster(nodes, 3);
    const connect = async (extra: ClusterClientOptions = {}): Promise<Cluster> => {
      const client = new Cluster(
        nodes.slice(0, 3).map((node) => ({ host: "127.0.0.1", port: node.port })),
        { scaleReads: extra.scaleReads ?? "master", redisOptions: { maxRetriesPerRequest: 1 } },
      );
      clients.push(client);
      await client.ping(); // queued until the slot map is loaded
      return client;
    };
    const client = await connect();
    // redis-cli lists the masters first: the first third of the nodes it was given.
    const roles = await Promise.all(
      nodes.map(async (node) => (await node.admin.info("replication")).includes("role:master")),
    );
    return {
      masters: nodes.filter((_, i) => roles[i]),
      replicas: nodes.filter((_, i) => !roles[i]),
      client,
      connect,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts a cluster before the enclosing `describe`'s tests and stops it after them (also
 * when tests failed). Read `.current` inside tests and hooks.
 */
export function useTestCluster(options: TestClusterOptions = {}): { readonly current: TestCluster } {
  let cluster: TestCluster | undefined;
  beforeAll(async () => {
    cluster = await startTestCluster(options);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return {
    get current(): TestCluster {
      if (cluster === undefined) throw new Error("the test cluster is not started (use it inside tests or hooks)");
      return cluster;
    },
  };
}

/** Sums `INFO commandstats` call counts per command (lower-case names) over `nodes`. */
export async function commandCalls(nodes: readonly ClusterNodeProcess[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const node of nodes) {
    const info = await node.admin.info("commandstats");
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      const name = match[1] as string;
      totals.set(name, (totals.get(name) ?? 0) + Number(match[2]));
    }
  }
  return totals;
}

/** The master serving `slot`, by asking the cluster itself. */
export async function masterOfSlot(cluster: TestCluster, slot: number): Promise<ClusterNodeProcess> {
  const ranges = (await cluster.masters[0]?.admin.call("cluster", "slots")) as [number, number, [string, number]][];
  for (const [from, to, [, port]] of ranges) {
    if (slot >= from && slot <= to) {
      const master = cluster.masters.find((node) => node.port === Number(port));
      if (master !== undefined) return master;
    }
  }
  throw new Error(`no master serves slot ${slot}`);
}

async function startNode(dir: string, nodeTimeoutMs: number): Promise<ClusterNodeProcess> {
  let lastError: unknown;
  // A free port can be taken by someone else before redis-server binds it: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // The cluster bus defaults to port + 10000, which can exceed 65535: pick it too.
    const busPort = await freePort();
    try {
      const server = await startRedisServer({
        port,
        args: [
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          join(dir, `nodes-${port}.conf`),
          "--cluster-node-timeout",
          String(nodeTimeoutMs),
          "--cluster-port",
          String(busPort),
          // A master waits 5 s by default before a diskless full sync, to batch replicas.
          "--repl-diskless-sync-delay",
          "0",
          // CLUSTER SLOTS lists a replica once its replication offset is not 0, and an
          // idle master only moves it with its pings to replicas (every 10 s by default).
          "--repl-ping-replica-period",
          "1",
        ],
      });
      return { port, process: server, admin: new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 }) };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function createCluster(ports: readonly number[], replicas: number): Promise<void> {
  const args = [
    "--cluster",
    "create",
    ...ports.map((port) => `127.0.0.1:${port}`),
    "--cluster-replicas",
    String(replicas),
    "--cluster-yes",
  ];
  return new Promise((resolve, reject) => {
    execFile("redis-cli", args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli --cluster create failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve();
    });
  });
}

/**
 * Every node reports `cluster_state:ok` and sees all `masters` masters; with replicas,
 * every node's slot map lists a replica for each range (ioredis reads it from any node
 * to route `scaleReads`) and every replica's link is up.
 */
async function waitForCluster(nodes: readonly ClusterNodeProcess[], masters: number): Promise<void> {
  const withReplicas = nodes.length > masters;
  const deadline = Date.now() + 30_000;
  let state = "";
  for (;;) {
    const views = await Promise.all(
      nodes.map(async (node) => {
        const info = await node.admin.call("cluster", "info");
        const slots = (await node.admin.call("cluster", "slots")) as unknown[][];
        const replication = await node.admin.info("replication");
        const ok = String(info).includes("cluster_state:ok");
        const covered = slots.length === masters && slots.every((range) => range.length >= (withReplicas ? 4 : 3));
        const linked = !replication.includes("role:slave") || replication.includes("master_link_status:up");
        return ok && covered && linked ? "" : `${node.port}: ok=${ok} covered=${covered} linked=${linked}`;
      }),
    );
    state = views.filter((view) => view !== "").join("; ");
    if (state === "") return;
    if (Date.now() > deadline) throw new Error(`the test cluster did not become ready: ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    if (dir === "") return false;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
