import { afterEach, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { BackendUnavailableError } from "../../src/errors/backend-unavailable-error.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";
import { countCommands } from "../support/command-counter.js";
import { instrument } from "../support/instrumented-backend.js";
import { failFastClient, fixedClock, useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const NOW_MS = 1_700_000_000_000;
const config: StatsCacheConfig = { statsCollectInterval: "5s" };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two nodes written by the writer, a cache on a client of its own whose commands are counted. */
async function setup() {
  const p = prefix();
  const clock = fixedClock(NOW_MS);
  const writer = new RedisPoolWriter(redis, { prefix: p, now: clock.now });
  await writer.writeNodeState("main", 18_600_000, 58_000_000_000_000_000n);
  await writer.writeNodeState("backup", 18_599_999, 57_999_999_999_999_223n);
  const client = await failFastClient();
  cleanups.push(async () => client.disconnect());
  const commands = countCommands(client);
  const probe = instrument(new RedisStatsBackend(client, { prefix: p, now: clock.now }), clock.now);
  const cache = new StatsCache(probe.backend, config);
  cleanups.push(() => cache.stop());
  return { cache, client, commands, probe, writer };
}

describe("StatsCache.getNodeStates: live node states, one read per burst", () => {
  it("reads P:nodes without start(), sorted by node id, values as the writer wrote them", async () => {
    const { cache } = await setup();
    const { nodes } = await cache.getNodeStates();
    expect(nodes.map((node) => node.id)).toEqual(["backup", "main"]);
    expect(nodes[1]?.fields.get("difficulty")).toBe("58000000000000000");
    expect(nodes[1]?.fields.get("lastBeat")).toBe(String(NOW_MS / 1000));
    expect(cache.snapshot).toBeUndefined(); // reading nodes collects nothing
  });

  it("shares one HGETALL among concurrent callers, and starts a new one once it settled", async () => {
    const { cache, commands } = await setup();
    const burst = await Promise.all(Array.from({ length: 50 }, () => cache.getNodeStates()));
    expect(commands.count("pipeline", "hgetall")).toBe(1);
    for (const result of burst) expect(result).toBe(burst[0]);
    expect(Object.isFrozen(burst[0])).toBe(true);
    const fields = burst[0]?.nodes[0]?.fields as Map<string, string>;
    expect(() => fields.set("x", "y")).toThrow(TypeError);

    const next = await cache.getNodeStates(); // not cached: the original reads per request
    expect(commands.count("pipeline", "hgetall")).toBe(2);
    expect(next).not.toBe(burst[0]);
    expect(next).toEqual(burst[0]);
  });

  it("sees a heartbeat written between two reads", async () => {
    const { cache, writer } = await setup();
    expect((await cache.getNodeStates()).nodes).toHaveLength(2);
    await writer.writeNodeState("third", 1, 1);
    expect((await cache.getNodeStates()).nodes.map((node) => node.id)).toEqual(["backup", "main", "third"]);
  });

  it("rejects every sharing caller with BackendUnavailableError when Redis fails, then reads again", async () => {
    const { cache, client, probe } = await setup();
    client.disconnect();
    const results = await Promise.allSettled([cache.getNodeStates(), cache.getNodeStates(), cache.getNodeStates()]);
    expect(probe.callsOf("getNodeStates")).toHaveLength(1);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      if (result.status === "rejected") expect(result.reason).toBeInstanceOf(BackendUnavailableError);
    }
    await client.connect();
    expect((await cache.getNodeStates()).nodes).toHaveLength(2);
    expect(probe.callsOf("getNodeStates")).toHaveLength(2);
  });

  it("stop() waits for the node read in flight", async () => {
    const { cache, probe } = await setup();
    const release = probe.hold("getNodeStates");
    let settled = false;
    const read = cache.getNodeStates().finally(() => {
      settled = true;
    });
    let stopped = false;
    const stopping = cache.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect([settled, stopped]).toEqual([false, false]);
    release();
    await stopping;
    expect(settled).toBe(true);
    expect((await read).nodes).toHaveLength(2);
  });
});
