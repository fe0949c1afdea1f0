import { createHash } from "node:crypto";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { createApiHandler } from "../../src/http/create-api-handler.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { PoolStatsMetrics } from "../../src/metrics/metric-set.js";
import { registerPoolStatsMetrics } from "../../src/metrics/pool-stats-metrics.js";
import { routeLabel } from "../../src/metrics/route-label.js";
import type { StatsSnapshot } from "../../src/model/snapshot.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { request, serve } from "../support/http.js";
import { parsePrometheus, type Sample, sampleValue } from "../support/prometheus.js";
import { failFastClient, useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const A = "0x8e550c57631c4743ac80a5441efc6e7cde71d248";
const sha256 = (body: Buffer): string => createHash("sha256").update(body).digest("hex");

describe("routeLabel: few labels, by the router's own path rules", () => {
  it.each([
    ["/api/stats", "/api/stats"],
    ["/api/stats?x=1", "/api/stats"],
    ["/api/%73tats", "/api/stats"],
    [`/api/accounts/${A}`, "/api/accounts/:login"],
    ["/api/accounts/anything", "/api/accounts/:login"],
    ["//api/stats", "redirect"],
    ["/api/%zz", "bad-request"],
    [`/${"x".repeat(2000)}`, "not-found"],
    ["/random/path/42", "not-found"],
    ["/health", "/health"],
    ["/metrics", "/metrics"],
    ["/api/events", "/api/events"],
  ])("%s → %s", (url, label) => {
    expect(routeLabel(url)).toBe(label);
  });

  it("follows a custom health path", () => {
    expect(routeLabel("/healthz", { healthPath: "/healthz" })).toBe("/healthz");
    expect(routeLabel("/health", { healthPath: false })).toBe("not-found");
  });
});

describe("registerPoolStatsMetrics on a real cache, scraped over HTTP", () => {
  let cache: StatsCache;
  let metrics: PoolStatsMetrics;
  let server: { port: number; close: () => Promise<void> };
  let p: string;
  const scrape = async (): Promise<Sample[]> => {
    const reply = await request(server.port, "/metrics");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(reply.body.toString());
  };
  const nextSnapshot = (): Promise<StatsSnapshot> =>
    new Promise((resolve) => {
      const off = cache.on("collected", (snapshot) => {
        off();
        resolve(snapshot);
      });
    });
  /** Shares scored now, so the window read has members to count. */
  const addShares = async (count: number): Promise<void> => {
    const nowS = Math.trunc(Date.now() / 1000);
    const args: (string | number)[] = [];
    for (let i = 0; i < count; i++) args.push(nowS, `1000:${A}:rig${i}:${Date.now()}${i}`);
    await redis.zadd(new PoolKeys(p).hashrate(), ...args);
  };

  beforeAll(async () => {
    p = prefix();
    await seedGolden(redis, scenario, p);
    await addShares(5);
    const backend = new RedisStatsBackend(redis, { prefix: p });
    cache = new StatsCache(backend, { ...scenario.httpConfig, statsCollectInterval: "150ms" });
    metrics = registerPoolStatsMetrics(new Registry(), { cache, backend, sseClients: () => 3, redisReady: () => true });
    const api = metrics.instrument(createApiHandler(cache));
    server = await serve((req, res) => (req.url === "/metrics" ? metrics.handler(req, res) : api(req, res)));
  });
  afterAll(async () => {
    metrics.dispose();
    await cache.stop();
    await server.close();
  });

  it("counts the first (cold) collection, then tail collections and the members they read, as they happen", async () => {
    const before = await scrape();
    expect(sampleValue(before, "open_pool_stats_snapshot_version")).toBe(0);
    expect(sampleValue(before, "open_pool_stats_snapshot_age_seconds")).toBeNaN();
    await cache.start();
    const first = await scrape();
    expect(sampleValue(first, "open_pool_stats_snapshot_version")).toBe(1);
    expect(sampleValue(first, "open_pool_stats_collection_duration_seconds_count", { mode: "cold" })).toBe(1);
    expect(sampleValue(first, "open_pool_stats_collection_members_read_total", { mode: "cold" })).toBe(5);
    expect(sampleValue(first, "open_pool_stats_purge_duration_seconds_count")).toBe(1);
    expect(sampleValue(first, "open_pool_stats_snapshot_age_seconds")).toBeGreaterThanOrEqual(0);

    await addShares(3);
    const snapshot = await nextSnapshot();
    const second = await scrape();
    expect(sampleValue(second, "open_pool_stats_snapshot_version")).toBeGreaterThanOrEqual(snapshot.version);
    expect(
      sampleValue(second, "open_pool_stats_collection_duration_seconds_count", { mode: "tail" }),
    ).toBeGreaterThanOrEqual(1);
    // The tail read re-reads its overlap (5 s), so the 3 new shares and the 5 before.
    expect(
      sampleValue(second, "open_pool_stats_collection_members_read_total", { mode: "tail" }),
    ).toBeGreaterThanOrEqual(3);
    expect(sampleValue(second, "open_pool_stats_sse_clients")).toBe(3);
    expect(sampleValue(second, "open_pool_stats_redis_ready")).toBe(1);
  });

  it("counts responses by route and status, times them, and leaves the API's bytes as they are", async () => {
    const blocks = await request(server.port, "/api/blocks");
    expect(sha256(blocks.body)).toBe(sha256((await request(server.port, "/api/blocks")).body));
    expect(JSON.parse(blocks.body.toString())).toHaveProperty("maturedTotal");
    await request(server.port, "/api/stats");
    await request(server.port, "//api/stats");
    await request(server.port, "/no/such/route");
    await request(server.port, `/api/accounts/${A}`); // a miss: read from Redis
    await request(server.port, `/api/accounts/${A}`); // a hit
    await request(server.port, `/api/accounts/0x${"0".repeat(40)}`); // not found, from Redis
    const samples = await scrape();
    const requests = (labels: Record<string, string>) =>
      sampleValue(samples, "open_pool_stats_http_requests_total", labels);
    expect(requests({ route: "/api/blocks", status: "200" })).toBe(2);
    expect(requests({ route: "/api/stats", status: "200" })).toBe(1);
    expect(requests({ route: "redirect", status: "301" })).toBe(1);
    expect(requests({ route: "not-found", status: "404" })).toBe(1);
    expect(requests({ route: "/api/accounts/:login", status: "200" })).toBe(2);
    expect(requests({ route: "/api/accounts/:login", status: "404" })).toBe(1);
    expect(sampleValue(samples, "open_pool_stats_http_request_duration_seconds_count", { route: "/api/blocks" })).toBe(
      2,
    );
    expect(sampleValue(samples, "open_pool_stats_account_cache_hits_total")).toBe(1);
    expect(sampleValue(samples, "open_pool_stats_account_cache_misses_total")).toBe(2);
    expect(sampleValue(samples, "open_pool_stats_account_cache_not_found_total")).toBe(1);
    expect(sampleValue(samples, "open_pool_stats_account_cache_entries", { kind: "accounts" })).toBe(1);
    expect(sampleValue(samples, "open_pool_stats_account_cache_entries", { kind: "not_found" })).toBe(1);
  });

  it("counts Redis errors by Redis's own code", async () => {
    const client = await failFastClient();
    try {
      const refused = await client.call("auth", "nobody", "wrong").catch((error: unknown) => error);
      metrics.countRedisError("connection", refused);
      client.disconnect();
      const down = await client.get("x").catch((error: unknown) => error); // no answer at all
      metrics.countRedisError("connection", down);
    } finally {
      client.disconnect();
    }
    const samples = await scrape();
    expect(
      sampleValue(samples, "open_pool_stats_redis_errors_total", { operation: "connection", code: "WRONGPASS" }),
    ).toBe(1);
    expect(
      sampleValue(samples, "open_pool_stats_redis_errors_total", { operation: "connection", code: "NO_ANSWER" }),
    ).toBe(1);
  });
});
