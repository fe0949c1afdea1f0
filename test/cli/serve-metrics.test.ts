import { createHash } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { startCli } from "../support/cli-process.js";
import { configDir, writeConfig } from "../support/config-file.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { request } from "../support/http.js";
import { parsePrometheus, sampleValue } from "../support/prometheus.js";
import { useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const dir = configDir("metrics");
const sha256 = (body: Buffer): string => createHash("sha256").update(body).digest("hex");

function config(coin: string, api: Record<string, unknown> = {}): string {
  const url = new URL(inject("redisUrl"));
  return writeConfig(dir, `${coin}.json`, {
    coin,
    redis: { endpoint: `${url.hostname}:${url.port || 6379}` },
    api: { ...scenario.httpConfig, statsCollectInterval: "500ms", listen: "127.0.0.1:0", ...api },
  });
}

async function scrape(port: number) {
  const reply = await request(port, "/metrics");
  expect(reply.status).toBe(200);
  return parsePrometheus(reply.body.toString());
}

describe("serve's /metrics, as a child process", () => {
  it("--metrics: on the API's port, values moving with each collection; the API's bytes unchanged", async () => {
    const p = prefix();
    await seedGolden(redis, scenario, p);
    const cli = startCli(["serve", "--config", config(p), "--metrics"]);
    const port = Number((await cli.waitFor(/API listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]);
    await cli.waitFor(/Stats collection finished/);
    const blocks = await request(port, "/api/blocks");
    expect(sha256(blocks.body)).toBe(scenario.http["/api/blocks"]?.bodySha256);
    const first = await scrape(port);
    await new Promise((resolve) => setTimeout(resolve, 1300)); // two more collections or so
    const later = await scrape(port);
    const version = (samples: typeof first) => sampleValue(samples, "open_pool_stats_snapshot_version") as number;
    const collections = (samples: typeof first) =>
      samples
        .filter((s) => s.name === "open_pool_stats_collection_duration_seconds_count")
        .reduce((sum, s) => sum + s.value, 0);
    expect(version(first)).toBeGreaterThanOrEqual(1);
    expect(version(later)).toBeGreaterThan(version(first));
    expect(collections(later)).toBe(version(later));
    expect(sampleValue(later, "open_pool_stats_collection_duration_seconds_count", { mode: "cold" })).toBe(1);
    expect(sampleValue(later, "open_pool_stats_http_requests_total", { route: "/api/blocks", status: "200" })).toBe(1);
    expect(sampleValue(later, "open_pool_stats_redis_ready")).toBe(1);
    expect(sampleValue(later, "process_resident_memory_bytes")).toBeGreaterThan(0); // prom-client's defaults
    const exit = await cli.stop("SIGTERM");
    expect(exit.code).toBe(0);
  });

  it("api.metrics.listen: on its own port; the API's port has no /metrics (the original's 404)", async () => {
    const p = prefix();
    const cli = startCli(["serve", "--config", config(p, { metrics: { listen: "127.0.0.1:0" } })]);
    const api = Number((await cli.waitFor(/API listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]);
    const own = Number((await cli.waitFor(/Metrics listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]);
    await cli.waitFor(/Stats collection finished/);
    expect((await request(api, "/metrics")).status).toBe(404);
    expect(sampleValue(await scrape(own), "open_pool_stats_snapshot_version")).toBeGreaterThanOrEqual(1);
    expect((await request(own, "/api/stats")).status).toBe(404);
    await cli.stop("SIGTERM");
  });
});
