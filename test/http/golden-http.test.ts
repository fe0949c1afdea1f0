import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { createApiHandler } from "../../src/http/create-api-handler.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { ORIGINAL_HEADERS, rawHeader, request, serve } from "../support/http.js";
import { useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/**
 * The recorded HTTP runs of the original: the same Redis state, the same clock, the same
 * paths in the same order against one handler (so repeated accounts come from the warm
 * cache), and the same status, headers and body bytes.
 */
describe.each(["a_empty", "b_small_pool"] as const)("golden HTTP replay: %s", (name) => {
  const scenario = loadGolden(name);

  it("answers every recorded path with the original's status, headers and bytes", async () => {
    const p = prefix();
    await seedGolden(redis, scenario, p);
    const now = () => scenario.nowMs;
    const cache = new StatsCache(
      new RedisStatsBackend(redis, { prefix: p, now }),
      scenario.httpConfig as StatsCacheConfig,
    );
    closers.push(() => cache.stop());
    await cache.start(); // the original purged and collected before it listened
    const errors: unknown[] = [];
    const server = await serve(createApiHandler(cache, { now, onError: (event) => errors.push(event) }));
    closers.push(server.close);

    expect(scenario.httpOrder.length).toBeGreaterThanOrEqual(9);
    for (const path of scenario.httpOrder) {
      const golden = scenario.http[path];
      if (golden === undefined) throw new Error(`no recording for ${path}`);
      const reply = await request(server.port, path);
      expect(reply.status, path).toBe(golden.status);
      for (const [header, value] of ORIGINAL_HEADERS) {
        expect(rawHeader(reply, header), `${path} ${header}`).toEqual([value]);
        expect(golden.headers[header], `${path} ${header} (recorded)`).toBe(value);
      }
      expect(reply.body.length, path).toBe(golden.bodyBytes);
      expect(rawHeader(reply, "Content-Length"), path).toEqual([String(golden.bodyBytes)]);
      if (golden.bodySha256 !== undefined) {
        expect(createHash("sha256").update(reply.body).digest("hex"), path).toBe(golden.bodySha256);
      } else if (golden.bodyText !== undefined) {
        expect(reply.body.toString(), path).toBe(golden.bodyText);
      } else {
        // /api/stats with two nodes: the original's node order was random, the recording
        // sorted them by name, and ours are sorted by id (the same here). Its numbers are
        // all below 2^53, so the recording re-serializes to the exact text.
        expect(reply.body.toString(), path).toBe(`${JSON.stringify(golden.body)}\n`);
      }
    }
    expect(errors).toEqual([]);
  });
});
