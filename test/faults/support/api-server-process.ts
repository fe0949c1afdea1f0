/**
 * A child process serving one pool with `createApiServer`, so that a test can measure the
 * server's own memory (its RSS, not the test's). Environment: `REDIS_URL`, `PREFIX`, and
 * `SERVER_OPTIONS` (JSON of ApiServerOptions). Prints `{"port":…}` once listening; answers
 * IPC `{ id, kind: "memory" }` with its memory and the server's connection stats (same
 * `id`), `"gc"` after a full GC, `"stop"` by exiting.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Redis } from "ioredis";
import { RedisStatsBackend } from "../../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../../src/cache/stats-cache.js";
import { createApiServer } from "../../../src/http/api-server.js";
import type { ConnectionGuardStats } from "../../../src/http/connection-guard.js";

/** What the child reports on `"memory"`. */
export interface ServerMemory {
  readonly rss: number;
  /** The most RSS the process ever had (the kernel's VmHWM), bytes. */
  readonly peakRss: number;
  readonly heapUsed: number;
  readonly connections: number;
  readonly stats: ConnectionGuardStats;
  /** The longest the event loop was blocked since the previous report, ms. */
  readonly loopDelayMaxMs: number;
}

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

const redis = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: 0 });
const cache = new StatsCache(new RedisStatsBackend(redis, { prefix: process.env.PREFIX as string }), {
  statsCollectInterval: "1h",
  purgeInterval: "1h",
});
await cache.start();
const server = createApiServer(cache, JSON.parse(process.env.SERVER_OPTIONS ?? "{}"));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

function peakRss(): number {
  const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return line ? Number(line[1]) * 1024 : 0;
}

process.on("message", ({ id, kind }: { id: number; kind: string }) => {
  if (kind === "gc") {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ id });
  } else if (kind === "memory") {
    server.getConnections((_, connections) => {
      const memory = process.memoryUsage();
      const report: ServerMemory = {
        rss: memory.rss,
        peakRss: peakRss(),
        heapUsed: memory.heapUsed,
        connections,
        stats: server.connectionStats(),
        loopDelayMaxMs: loop.max / 1e6,
      };
      loop.reset();
      process.send?.({ id, ...report });
    });
  } else if (kind === "stop") {
    void Promise.all([server.shutdown(100), cache.stop()]).then(() => {
      redis.disconnect();
      process.exit(0);
    });
  }
});
// The parent gone (a test or benchmark killed): nothing will ever stop this server.
process.once("disconnect", () => process.exit(0));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
