import { randomBytes } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { performance } from "node:perf_hooks";
import { afterAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { createApiHandler } from "../../src/http/create-api-handler.js";
import { PoolSeeder } from "../../src/testing/pool-seeder.js";
import type { SeedShare } from "../../src/testing/seed-shares.js";
import { countCommands } from "../support/command-counter.js";
import { heapAfterGc } from "../support/heap.js";
import { ORIGINAL_HEADERS, serve } from "../support/http.js";
import { failOnProcessErrors } from "../support/process-errors.js";
import { failFastClient, useRedis } from "../support/redis.js";
import { seedFaultPool } from "./support/fault-pool.js";
import { report } from "./support/report.js";

/**
 * Load: 50 concurrent keep-alive clients on each route in turn, each phase bounded by a
 * number of requests AND a number of seconds (whichever comes first ends it), on
 * loopback, against a pool of 500 miners while the cache keeps collecting every 500 ms.
 * Zero errors, only the expected statuses, and the heap after GC back where it was.
 * Requests per second are reported, not asserted (clients and server share one process).
 */
failOnProcessErrors();
const { redis, prefix } = useRedis();
const CLIENTS = 50;
const REQUESTS_PER_ROUTE = 3000;
const MAX_SECONDS_PER_ROUTE = 8;
const MINERS = 500;

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** 500 miners with two rigs each, a share a minute for the last 30 minutes, plus the fault pool's blocks and payments. */
async function seedPool(p: string): Promise<string[]> {
  await seedFaultPool(redis, p);
  const logins = Array.from({ length: MINERS }, () => `0x${randomBytes(20).toString("hex")}`);
  const now = Date.now();
  const shares: SeedShare[] = [];
  for (const login of logins) {
    for (const workerId of ["rig1", "rig2"]) {
      for (let minute = 1; minute <= 30; minute++) {
        shares.push({ login, workerId, diff: 4_000_000_000n * 60n, ms: now - minute * 60_000 });
      }
    }
  }
  await new PoolSeeder(redis, { prefix: p }).seedShares(shares, { expire: "3h" });
  return logins;
}

interface Phase {
  readonly route: string;
  readonly requests: number;
  readonly errors: number;
  readonly unexpected: number;
  readonly seconds: number;
  readonly p99Ms: number;
}

/** `CLIENTS` loops sending GETs for `paths()` until `REQUESTS_PER_ROUTE` are sent or the time is up. */
async function phase(
  port: number,
  agent: Agent,
  route: string,
  paths: () => string,
  status: number,
  requests = REQUESTS_PER_ROUTE,
): Promise<Phase> {
  let remaining = requests;
  const deadline = performance.now() + MAX_SECONDS_PER_ROUTE * 1000;
  let errors = 0;
  let unexpected = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const one = (path: string) =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      const req = httpRequest({ host: "127.0.0.1", port, path, agent }, (res) => {
        res.resume();
        res.on("end", () => {
          const headersOk = ORIGINAL_HEADERS.every(([name, value]) => res.headers[name.toLowerCase()] === value);
          if (res.statusCode !== status || !headersOk) unexpected++;
          latencies.push(performance.now() - sent);
          resolve();
        });
        res.on("error", () => {
          errors++;
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end();
    });
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (remaining > 0 && performance.now() < deadline) {
        remaining--;
        await one(paths());
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    route,
    requests: latencies.length + errors,
    errors,
    unexpected,
    seconds,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
}

describe(`load: ${CLIENTS} keep-alive clients per route, at most ${REQUESTS_PER_ROUTE} requests or ${MAX_SECONDS_PER_ROUTE} s each`, () => {
  it("no errors, only expected statuses, the heap flat after the run", async () => {
    const p = prefix("load");
    const logins = await seedPool(p);
    const unknown = Array.from({ length: 100 }, () => `0x${randomBytes(20).toString("hex")}`);
    const client = await failFastClient();
    const counter = countCommands(client);
    const cache = new StatsCache(new RedisStatsBackend(client, { prefix: p }), {
      statsCollectInterval: "500ms",
      purgeInterval: "1h",
    });
    closers.push(async () => client.disconnect());
    closers.push(() => cache.stop());
    await cache.start();
    const server = await serve(createApiHandler(cache));
    closers.push(server.close);
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    closers.push(async () => agent.destroy());
    expect(cache.snapshot?.stats.minersTotal).toBe(MINERS + 2);

    let i = 0;
    const next = <T>(list: readonly T[]) => list[i++ % list.length] as T;
    const routes: [string, () => string, number][] = [
      ["/api/stats", () => "/api/stats", 200],
      ["/api/miners", () => "/api/miners", 200],
      ["/api/blocks", () => "/api/blocks", 200],
      ["/api/payments", () => "/api/payments", 200],
      ["/health", () => "/health", 200],
      ["/api/accounts/<500 miners>", () => `/api/accounts/${next(logins)}`, 200],
      ["/api/accounts/<100 unknown>", () => `/api/accounts/${next(unknown)}`, 404],
    ];

    // Warm-up: every route once per client (JIT, sockets), every account and answer cached.
    for (const [route, path, status] of routes) {
      const count = route.startsWith("/api/accounts/") ? logins.length : CLIENTS;
      await phase(server.port, agent, route, path, status, count);
    }
    const heapBefore = await heapAfterGc();
    counter.log.splice(0);
    const phases: Phase[] = [];
    for (const [route, path, status] of routes) phases.push(await phase(server.port, agent, route, path, status));
    // The node read is a bare HGETALL pipeline (collections send theirs inside a MULTI).
    const nodeReads = counter.log.filter((trip) => trip.kind === "pipeline" && trip.commands[0] === "hgetall").length;
    counter.log.splice(0);
    const heapGrowth = (await heapAfterGc()) - heapBefore;

    for (const result of phases) {
      expect([result.route, result.errors, result.unexpected]).toEqual([result.route, 0, 0]);
      expect(result.requests).toBeGreaterThan(0);
    }
    // Flat: what the run allocated is gone once collected (a few MB of slack for the
    // snapshots the cache swapped meanwhile and V8's own bookkeeping).
    expect(heapGrowth).toBeLessThan(8 * 1024 * 1024);
    const stats = phases[0] as Phase;
    // Concurrent /api/stats requests share one node read: far fewer reads than requests.
    expect(nodeReads).toBeLessThan(stats.requests);
    report("load", {
      clients: CLIENTS,
      ...Object.fromEntries(phases.map((r) => [`${r.route} req/s`, r.requests / r.seconds])),
      ...Object.fromEntries(phases.map((r) => [`${r.route} p99 ms`, r.p99Ms])),
      "node reads during the /api/stats phase": nodeReads,
      "/api/stats requests": stats.requests,
      heapGrowthMB: heapGrowth / 1024 / 1024,
    });
  });
});
