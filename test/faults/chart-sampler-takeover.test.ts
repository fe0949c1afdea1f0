import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";
import { type CliProcess, startCli } from "../support/cli-process.js";
import { useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const LOGINS = ["0x1", "0x2", "0x3"].map((head) => head.padEnd(42, "a"));
const INTERVAL_S = 2;
const LEASE_MS = 1000;
const ACQUIRED = /Chart sampler lease acquired/;

/** A config.json for `serve`: collecting every 100 ms, charts every 2 s under a 1 s lease. */
function configFile(coin: string): string {
  const url = new URL(inject("redisUrl"));
  const path = join(mkdtempSync(join(tmpdir(), "ops-takeover-")), "config.json");
  const api = {
    enabled: true,
    listen: "127.0.0.1:0",
    statsCollectInterval: "100ms",
    hashrateWindow: "30m",
    hashrateLargeWindow: "3h",
    luckWindow: [],
    purgeInterval: "10m",
    charts: { enabled: true, interval: `${INTERVAL_S}s`, retention: "1h", lease: `${LEASE_MS}ms` },
  };
  writeFileSync(path, JSON.stringify({ coin, redis: { endpoint: `${url.hostname}:${url.port || 6379}` }, api }));
  return path;
}

/** Scores of a series, ascending. */
async function series(key: string): Promise<number[]> {
  const reply = await redis.zrange(key, "0", "-1", "WITHSCORES");
  return reply.filter((_, i) => i % 2 === 1).map(Number);
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The first of `processes` that has logged the lease's acquisition, once one has. */
async function acquirer(processes: readonly CliProcess[], what: string, ms: number): Promise<CliProcess> {
  const find = () => processes.find((cli) => ACQUIRED.test(cli.stdout()));
  await waitUntil(() => find() !== undefined, what, ms);
  return find() as CliProcess;
}

describe("three API processes on one Redis: one samples the charts, another takes over when it dies", () => {
  it("SIGKILL the sampler: another acquires the lease within it; no sample doubled, none missing", async ({
    annotate,
  }) => {
    const coin = prefix("takeover");
    const keys = new PoolKeys(coin);
    // Miners with shares in the window now (the processes read by the real clock).
    const writer = new RedisPoolWriter(redis, { prefix: coin });
    for (const [i, login] of LOGINS.entries()) {
      await writer.writeShare(login, "rig1", [`0x${i}1`, `0x${i}2`, `0x${i}3`], 4_000_000_000n, 18_600_000, "3h");
    }
    const config = configFile(coin);
    const processes: CliProcess[] = [0, 1, 2].map(() => startCli(["serve", "--config", config]));
    await Promise.all(processes.map((cli) => cli.waitFor(/API listening on /, 30_000)));

    const leader = await acquirer(processes, "a sampler", 10_000);
    await waitUntil(async () => (await redis.zcard(keys.poolChart())) >= 2, "two samples", 15_000);
    // Only one of the three ever held the lease.
    expect(processes.filter((cli) => ACQUIRED.test(cli.stdout()))).toEqual([leader]);

    const sampler = leader;
    const before = await series(keys.poolChart());
    sampler.child.kill("SIGKILL"); // no release, no goodbye: the lease runs out by itself
    const killedAt = Date.now();
    await sampler.exited;
    const survivors = processes.filter((cli) => cli !== sampler);
    const taker = await acquirer(survivors, "a survivor to take the lease", LEASE_MS + 3000);
    const takeoverMs = Date.now() - killedAt;
    // Within the lease (plus a collection and scheduling on a busy machine).
    expect(takeoverMs).toBeLessThan(LEASE_MS + 1500);
    expect(survivors.filter((cli) => ACQUIRED.test(cli.stdout()))).toEqual([taker]);
    await waitUntil(
      async () => (await redis.zcard(keys.poolChart())) >= before.length + 3,
      "three more samples",
      20_000,
    );
    await Promise.all(survivors.map((cli) => cli.stop("SIGTERM")));

    const pool = await series(keys.poolChart());
    const gaps = pool.slice(1).map((x, i) => x - (pool[i] as number));
    // None doubled (never two within an interval), none missing (never a whole interval skipped),
    // across the takeover too: the lease (1 s) is shorter than the interval (2 s).
    for (const gap of gaps) {
      expect(gap, `gaps ${gaps.join(",")}`).toBeGreaterThanOrEqual(INTERVAL_S);
      expect(gap, `gaps ${gaps.join(",")}`).toBeLessThan(2 * INTERVAL_S + 1);
    }
    await annotate(`takeover ${takeoverMs} ms after SIGKILL (lease ${LEASE_MS} ms); sample gaps ${gaps.join(", ")} s`);
    // Every miner was sampled in every round, by whichever process held the lease.
    for (const login of LOGINS) expect(await series(keys.minerChart(login))).toEqual(pool);
    // The survivors released the lease when they stopped.
    expect(await redis.exists(keys.chartSampler())).toBe(0);
  }, 60_000);
});
