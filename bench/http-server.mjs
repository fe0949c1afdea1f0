/**
 * The server side of `npm run bench:http`, in a process of its own so that its CPU, memory
 * and event loop are measured apart from the load generator. It runs the built package
 * (dist/, as a host would, without the TypeScript loader's extras): a StatsCache over the
 * pool under `PREFIX` (collecting every 5 s, like the original's example config) behind
 * `createApiServer` (options from `SERVER_OPTIONS`). Prints `{"port":…}` once the first
 * snapshot is in and served compressed; answers IPC `{ id, kind }`:
 *
 * - `"report"`: RSS, the kernel's RSS high-water mark, heap, event-loop delay since the last
 *   `"reset"`, the guard's stats, the CPU time used so far, and how long each new snapshot
 *   held the event loop;
 * - `"reset"`: restarts the event-loop histogram; `"gc"`: a full GC; `"stop"`: exits.
 */
import { readFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Redis } from "ioredis";

// The package to serve: this checkout's build, or (BENCH_PACKAGE_DIR) an older build to
// compare with, which may predate createApiServer: then a plain server with its handler.
const dir = process.env.BENCH_PACKAGE_DIR ?? new URL("../dist", import.meta.url).pathname;
const { RedisStatsBackend, StatsCache, createApiHandler } = await import(`${dir}/index.js`);
const { createApiServer } = await import(`${dir}/http.js`);

const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 0 });
const cache = new StatsCache(
  new RedisStatsBackend(redis, { prefix: process.env.PREFIX }),
  { statsCollectInterval: process.env.COLLECT_INTERVAL ?? "5s", purgeInterval: "1h" },
  { purge: false },
);

/**
 * Per new snapshot: from its `collected` event (this listener runs first) to the next turn
 * of the event loop, which includes the server building its bodies (compression then runs
 * on libuv's pool).
 */
const snapshots = [];
cache.on("collected", (snapshot) => {
  const started = performance.now();
  setImmediate(() => snapshots.push({ version: snapshot.version, landingMs: performance.now() - started }));
});

await cache.start();
const server =
  createApiServer === undefined
    ? createServer(createApiHandler(cache))
    : createApiServer(cache, JSON.parse(process.env.SERVER_OPTIONS ?? "{}"));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = server.address().port;

/** One GET with `Accept-Encoding: gzip`: its Content-Encoding. */
const coding = () =>
  new Promise((resolve) => {
    request({ host: "127.0.0.1", port, path: "/api/miners", headers: { "accept-encoding": "gzip" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.headers["content-encoding"]));
    }).end();
  });
if (createApiServer !== undefined) {
  for (let i = 0; i < 1000 && (await coding()) !== "gzip"; i++) await new Promise((r) => setTimeout(r, 10));
}

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

function peakRss() {
  const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return line ? Number(line[1]) * 1024 : 0;
}

process.on("message", ({ id, kind }) => {
  if (kind === "report") {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    process.send({
      id,
      rss: memory.rss,
      peakRss: peakRss(),
      heapUsed: memory.heapUsed,
      loopDelayMaxMs: loop.max / 1e6,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      stats: server.connectionStats?.() ?? {},
      cpuMicros: cpu.user + cpu.system,
      snapshots,
      version: cache.snapshot?.version ?? 0,
    });
  } else if (kind === "reset") {
    loop.reset();
    process.send({ id });
  } else if (kind === "gc") {
    globalThis.gc?.();
    process.send({ id });
  } else if (kind === "stop") {
    server.closeAllConnections();
    void Promise.all([new Promise((resolve) => server.close(resolve)), cache.stop()]).then(() => {
      redis.disconnect();
      process.exit(0);
    });
  }
});
// The parent gone (a test or benchmark killed): nothing will ever stop this server.
process.once("disconnect", () => process.exit(0));
process.stdout.write(`${JSON.stringify({ port })}\n`);
