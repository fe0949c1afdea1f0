import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { SERVICE_REDIS_OPTIONS } from "../../src/redis/service-options.js";
import { freePort } from "../../src/testing/redis-server-process.js";
import { uniquePrefix } from "../support/redis.js";

const API = { statsCollectInterval: "5s", luckWindow: [] };

/** A service connection as a host makes one: no offline queue, so nothing waits for the socket by itself. */
function serviceClient(url: string): Redis {
  const redis = new Redis(url, { ...SERVICE_REDIS_OPTIONS });
  redis.on("error", () => {});
  return redis;
}

describe("StatsCache.start() waits, bounded, for its backend's connection", () => {
  it("started right after new Redis(…) with the offline queue off: the first snapshot is there at once", async () => {
    const redis = serviceClient(inject("redisUrl"));
    try {
      expect(redis.status).not.toBe("ready"); // still connecting
      const cache = new StatsCache(new RedisStatsBackend(redis, { prefix: uniquePrefix() }), API);
      await cache.start();
      expect(cache.snapshot?.version).toBe(1);
      expect(cache.lastError).toBeUndefined();
      await cache.stop();
    } finally {
      redis.disconnect();
    }
  });

  it("readyTimeout 0 does not wait: the same start fails its first collection (the behaviour it fixes)", async () => {
    const redis = serviceClient(inject("redisUrl"));
    try {
      const cache = new StatsCache(new RedisStatsBackend(redis, { prefix: uniquePrefix() }), API, { readyTimeout: 0 });
      await cache.start();
      expect(cache.snapshot).toBeUndefined();
      expect(cache.lastError?.operation).toBe("collect");
      await cache.stop();
    } finally {
      redis.disconnect();
    }
  });

  it("gives up after readyTimeout when Redis is not there, and the loop goes on", async () => {
    const redis = serviceClient(`redis://127.0.0.1:${await freePort()}`);
    try {
      const backend = new RedisStatsBackend(redis, { prefix: uniquePrefix() });
      expect(await backend.whenReady(50)).toBe(false);
      const cache = new StatsCache(backend, API, { readyTimeout: "100ms" });
      await cache.start();
      expect(cache.snapshot).toBeUndefined();
      expect(cache.lastError?.operation).toBe("collect");
      await cache.stop();
    } finally {
      redis.disconnect();
    }
  });

  it("whenReady: true when ready, false at once for a closed or never-connected client", async () => {
    const ready = serviceClient(inject("redisUrl"));
    await new Promise((resolve) => ready.once("ready", resolve));
    expect(await new RedisStatsBackend(ready, { prefix: "x" }).whenReady(1000)).toBe(true);
    const ended = new Promise((resolve) => ready.once("end", resolve));
    ready.disconnect();
    await ended;
    expect(await new RedisStatsBackend(ready, { prefix: "x" }).whenReady(60_000)).toBe(false);
    const lazy = new Redis(inject("redisUrl"), { lazyConnect: true });
    expect(await new RedisStatsBackend(lazy, { prefix: "x" }).whenReady(60_000)).toBe(false);
    expect(lazy.status).toBe("wait"); // the library never opens a host's connection
  });
});
