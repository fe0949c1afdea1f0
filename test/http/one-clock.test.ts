import { afterEach, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { createApiHandler } from "../../src/http/create-api-handler.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { request, serve } from "../support/http.js";
import { fixedClock, useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const LOGIN = scenario.calls.find((call) => call.fn === "GetMinerStats")?.args.login as string;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe("one clock: given to the backend, read by the cache and every route built on it", () => {
  it("createApiHandler(cache) without a clock option answers `now` and ages from the cache's clock", async () => {
    const p = prefix();
    await seedGolden(redis, scenario, p);
    // A clock far from the real one: any route reading Date.now() instead would show it.
    const clock = fixedClock(scenario.nowMs);
    const cache = new StatsCache(new RedisStatsBackend(redis, { prefix: p, now: clock.now }), {
      ...(scenario.httpConfig as StatsCacheConfig),
      purgeInterval: "1h",
    });
    closers.push(() => cache.stop());
    await cache.start();
    expect(cache.now).toBe(clock.now);
    expect(cache.snapshot?.collectedAt).toBe(scenario.nowMs);
    const account = await cache.getAccount(LOGIN);
    expect(account.found && account.account.updatedAt).toBe(scenario.nowMs);

    const server = await serve(createApiHandler(cache));
    closers.push(server.close);
    clock.advance(1234);
    const miners = await request(server.port, "/api/miners");
    expect(JSON.parse(miners.body.toString()).now).toBe(scenario.nowMs + 1234);
    expect(miners.headers["x-stats-age-ms"]).toBe("1234");
    const stats = await request(server.port, "/api/stats");
    expect(stats.body.toString()).toContain(`"now":${scenario.nowMs + 1234},`);
    expect(stats.headers["x-stats-age-ms"]).toBe("1234");
    const accountReply = await request(server.port, `/api/accounts/${LOGIN}`);
    expect(accountReply.status).toBe(200);
    expect(accountReply.headers["x-stats-age-ms"]).toBe("1234");
    const health = await request(server.port, "/health");
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: "ok", ageMs: 1234 });
    expect(cache.snapshotAge()).toBe(1234);

    // The router's own clock, when given, is the one exception.
    const other = await serve(createApiHandler(cache, { now: () => scenario.nowMs + 99 }));
    closers.push(other.close);
    expect((await request(other.port, "/api/miners")).headers["x-stats-age-ms"]).toBe("99");
  });
});
