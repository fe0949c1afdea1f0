import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import type { RedisChartStore } from "../../src/charts/redis-chart-store.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { ChartSettings } from "../../src/model/charts.js";
import type { PoolStats } from "../../src/model/results.js";
import type { MinerHashrate } from "../../src/model/rows.js";
import type { Milliseconds, Seconds } from "../../src/time/units.js";
import { countCommands } from "../support/command-counter.js";
import { connect, useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const T0 = 1_700_000_000;
const LEASE_MS = 300;
const SETTINGS: ChartSettings = {
  intervalSeconds: 600 as Seconds,
  retentionSeconds: 86_400 as Seconds,
  leaseMs: LEASE_MS as Milliseconds,
};
const clients: Redis[] = [];
afterAll(() => {
  for (const client of clients) client.disconnect();
});

/** `n` instances of one pool, each on a connection of its own, as N API processes are. */
function instances(keys: PoolKeys, n: number, batchSize = 500): RedisChartStore[] {
  return Array.from({ length: n }, () => {
    const client = connect();
    clients.push(client);
    return new RedisStatsBackend(client, { prefix: keys.prefix, charts: { batchSize } }).chartStore(
      SETTINGS,
    ) as RedisChartStore;
  });
}

function collected(nowS: number, miners: number): PoolStats {
  const map = new Map<string, MinerHashrate>();
  for (let i = 0; i < miners; i++)
    map.set(`0x${String(i).padStart(40, "0")}`, { hr: BigInt(1000 + i) } as MinerHashrate);
  return { now: nowS * 1000, miners: map, minersTotal: miners, hashrate: 7n } as unknown as PoolStats;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("one sampler among many instances: the lease", () => {
  it("three instances: exactly one samples; after it dies, another takes over within the lease", async () => {
    const keys = new PoolKeys(prefix("lease"));
    const [a, b, c] = instances(keys, 3) as [RedisChartStore, RedisChartStore, RedisChartStore];
    const turn = (ts: number) => Promise.all([a, b, c].map((store) => store.sample(collected(ts, 20))));

    const first = await turn(T0);
    expect(first.filter((r) => r.leader)).toHaveLength(1);
    expect(first.filter((r) => r.outcome === "sampled")).toHaveLength(1);
    const leader = [a, b, c][first.findIndex((r) => r.leader)] as RedisChartStore;
    expect(await redis.get(keys.chartSampler())).toBe((leader as unknown as { lease: { token: string } }).lease.token);
    expect(await redis.pttl(keys.chartSampler())).toBeGreaterThan(0);
    expect(await redis.zcard(keys.poolChart())).toBe(1);
    expect(await redis.zcard(keys.minerChart(`0x${"0".repeat(40)}`))).toBe(1);

    // Turns in between: the leader renews, the others stay out, nothing is due.
    for (const ts of [T0 + 5, T0 + 300]) {
      const reports = await turn(ts);
      expect(reports.map((r) => r.leader)).toEqual([a, b, c].map((s) => s === leader));
      expect(reports.filter((r) => r.outcome === "not-due")).toHaveLength(1);
    }

    // The leader dies (stops renewing, never releases). Within the lease, nobody takes over.
    const others = [a, b, c].filter((s) => s !== leader);
    const died = Date.now();
    let taker: RedisChartStore | undefined;
    let ts = T0 + 600;
    while (taker === undefined) {
      const reports = await Promise.all(others.map((store) => store.sample(collected(ts, 20))));
      const winners = reports.filter((r) => r.leader);
      expect(winners.length).toBeLessThanOrEqual(1);
      if (winners.length === 1) {
        taker = others[reports.indexOf(winners[0] as (typeof reports)[number])];
        expect(winners[0]?.acquired).toBe(true);
        expect(winners[0]?.outcome).toBe("sampled");
      } else {
        expect(Date.now() - died).toBeLessThan(LEASE_MS + 500);
        await sleep(20);
        ts++;
      }
    }
    expect(Date.now() - died).toBeGreaterThanOrEqual(LEASE_MS - 50); // not before the lease ran out
    const series = await redis.zrange(keys.poolChart(), "0", "-1", "WITHSCORES");
    expect(series.filter((_, i) => i % 2 === 1).map(Number)).toEqual([T0, ts]); // none doubled, none lost

    // The old leader comes back (a paused process): its renewal fails, it does not write.
    const back = await leader.sample(collected(ts + 600, 20));
    expect([back.outcome, back.leader]).toEqual(["not-leader", false]);
    expect(await redis.zcard(keys.poolChart())).toBe(2);
  });

  it("racing for a free lease: one wins; a released lease is taken at the next turn", async () => {
    const keys = new PoolKeys(prefix("race"));
    const stores = instances(keys, 8);
    const reports = await Promise.all(stores.map((store) => store.sample(collected(T0, 3))));
    expect(reports.filter((r) => r.acquired)).toHaveLength(1);
    const winner = stores[reports.findIndex((r) => r.acquired)] as RedisChartStore;
    expect(await winner.release()).toBe(true);
    expect(await redis.exists(keys.chartSampler())).toBe(0);
    const next = stores.find((s) => s !== winner) as RedisChartStore;
    const report = await next.sample(collected(T0 + 600, 3));
    expect([report.acquired, report.outcome]).toEqual([true, "sampled"]);
    // Releasing only ever deletes one's own lease.
    expect(await winner.release()).toBe(false);
    expect(await redis.exists(keys.chartSampler())).toBe(1);
  });

  it("a restart (a new instance, a new token) does not sample again within the interval", async () => {
    const keys = new PoolKeys(prefix("restart"));
    const [first] = instances(keys, 1) as [RedisChartStore];
    expect((await first.sample(collected(T0, 5))).outcome).toBe("sampled");
    await first.release();
    const [second] = instances(keys, 1) as [RedisChartStore];
    const report = await second.sample(collected(T0 + 599, 5));
    expect([report.acquired, report.outcome]).toEqual([true, "not-due"]);
    expect(await redis.zcard(keys.poolChart())).toBe(1);
  });

  it("a round cut short is finished by the next sampler: no miner doubled, none missed", async () => {
    const keys = new PoolKeys(prefix("cut"));
    const stats = collected(T0, 50);
    // The first sampler died after 20 miners: their samples exist, the pool's does not.
    let i = 0;
    for (const [login, miner] of stats.miners) {
      if (i++ >= 20) break;
      await redis.zadd(keys.minerChart(login), T0 - 3, `${T0 - 3}:${miner.hr}`);
    }
    const [next] = instances(keys, 1, 7) as [RedisChartStore];
    const report = await next.sample(stats);
    expect(report).toMatchObject({ outcome: "sampled", pool: true, miners: 30, minersSkipped: 20, batches: 8 });
    for (const login of stats.miners.keys()) expect(await redis.zcard(keys.minerChart(login))).toBe(1);
  });

  it("a lease lost between two batches stops the round: the new holder writes the rest", async () => {
    const keys = new PoolKeys(prefix("lost"));
    const [slow, other] = instances(keys, 2, 10) as [RedisChartStore, RedisChartStore];
    const stats = collected(T0, 40);
    // Someone else holds the lease by the time the slow sampler renews it before its second batch.
    const client = (slow as unknown as { source: { client: Redis } }).source.client;
    const { log } = countCommands(client);
    const call = client.call.bind(client) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(client, {
      call: async (...args: unknown[]) => {
        if (args[0] === "evalsha" && log.some((trip) => trip.kind === "pipeline")) {
          await redis.set(keys.chartSampler(), "someone else", "PX", 60_000);
        }
        return call(...args);
      },
    });
    const report = await slow.sample(stats);
    expect(report).toMatchObject({ outcome: "lease-lost", leader: false, miners: 10, pool: false });
    expect(log.filter((trip) => trip.kind === "pipeline")).toHaveLength(1); // one batch, then it stopped
    await redis.del(keys.chartSampler());
    const rest = await other.sample(stats);
    expect(rest).toMatchObject({ outcome: "sampled", miners: 30, minersSkipped: 10, pool: true });
  });
});
