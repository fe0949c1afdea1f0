import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seedWidePool } from "../http/support/wide-pool.js";
import { request } from "../support/http.js";
import { useRedis } from "../support/redis.js";
import { report } from "./support/report.js";
import { type ServerChild, startServerChild } from "./support/server-child.js";

/**
 * The abuse the issue found crashing the server (100 connections × 80 pipelined GET
 * /api/miners on a 10,000-miner pool, never reading: 3.6 GB, then out of memory), scaled to
 * this machine: 50 connections on a 5,000-miner pool (a ~490 KB body). The server runs in
 * a process of its own, so its memory is its own; a normal client polls /api/stats all along.
 *
 * The bound it is held to (docs/RELIABILITY.md, "Memory under hostile clients"): the
 * process grows by at most C × (k + 2P × r) + G, where C connections each hold at most P
 * requests being answered and P waiting (r ≤ 8 KiB each: Node's request and response
 * objects, headers, the per-request chunks), k ≤ 64 KiB per connection (socket, parser,
 * its last read), and G = 32 MiB of V8 young generation that a burst may fill before a
 * scavenge. Response bodies are shared by reference, so they add nothing per request.
 */
const { redis, prefix } = useRedis();
const MINERS = 5000;
const CONNECTIONS = 50;
const MAX_PIPELINED = 32;
const GRACE_MS = 2000;
const KIB = 1024;
const BOUND = CONNECTIONS * (64 * KIB + 2 * MAX_PIPELINED * 8 * KIB) + 32 * 1024 * KIB;

let server: ServerChild;
beforeAll(async () => {
  const p = prefix("abuse");
  await seedWidePool(redis, p, MINERS, Date.now());
  server = await startServerChild(inject("redisUrl"), p, { maxPipelined: MAX_PIPELINED, overloadGrace: GRACE_MS });
}, 60_000);
afterAll(() => server?.stop());

/** Connections that each write `pipelined` GET /api/miners at once and never read. */
function abusers(pipelined: number): Socket[] {
  const requests = Buffer.from("GET /api/miners HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(pipelined));
  return Array.from({ length: CONNECTIONS }, () => {
    const socket = connect(server.port, "127.0.0.1");
    socket.on("error", () => {});
    socket.pause();
    socket.write(requests);
    return socket;
  });
}

/** Polls /api/stats every 50 ms until `stop()`; the latencies seen. */
function normalClient() {
  const latencies: number[] = [];
  const statuses = new Set<number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const reply = await request(server.port, "/api/stats");
      latencies.push(performance.now() - started);
      statuses.add(reply.status);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    latencies,
    statuses,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Samples the server's RSS every 50 ms until `stop()`; the peak. */
function memoryWatch() {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, (await server.memory()).rss);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return peak;
    },
  };
}

describe(`${CONNECTIONS} connections of pipelined GET /api/miners that never read (${MINERS.toLocaleString("en")} miners)`, () => {
  it("40 each: not read past the bound, closed after the grace; memory within the bound; a normal client answered within 1 s", async () => {
    const body = (await request(server.port, "/api/miners")).body.length;
    expect(body).toBeGreaterThan(400_000);
    await server.gc();
    const before = await server.memory();
    const client = normalClient();
    const memory = memoryWatch();
    const sockets = abusers(40);
    const started = performance.now();
    let stats = (await server.memory()).stats;
    while (stats.closedAfterGrace < CONNECTIONS && performance.now() - started < GRACE_MS + 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stats = (await server.memory()).stats;
    }
    const closedMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 300)); // the normal client goes on after
    await client.stop();
    const peak = Math.max(await memory.stop(), (await server.memory()).peakRss); // the kernel's high-water mark too
    for (const socket of sockets) socket.destroy();

    expect(stats).toMatchObject({ closedAfterGrace: CONNECTIONS, closedForPipelining: 0 });
    expect(closedMs).toBeGreaterThanOrEqual(GRACE_MS - 100);
    expect([...client.statuses]).toEqual([200]);
    expect(Math.max(...client.latencies)).toBeLessThan(1000);
    expect(peak - before.rss).toBeLessThan(BOUND);
    const sorted = [...client.latencies].sort((a, b) => a - b);
    report(`abuse: ${CONNECTIONS} conns × 40 pipelined /api/miners (${body} B), never read`, {
      rssBeforeMb: before.rss / 1e6,
      rssPeakGrowthMb: (peak - before.rss) / 1e6,
      boundMb: BOUND / 1e6,
      closedAllMs: closedMs,
      normalRequests: sorted.length,
      normalP50Ms: sorted[Math.floor(sorted.length / 2)] as number,
      normalMaxMs: sorted.at(-1) as number,
    });
  });

  it("80 each: more than twice maxPipelined ahead, closed at once; memory within the bound", async () => {
    await server.gc();
    const before = await server.memory();
    const memory = memoryWatch();
    const client = normalClient();
    const sockets = abusers(80);
    const started = performance.now();
    let stats = before.stats;
    while (
      stats.closedForPipelining < before.stats.closedForPipelining + CONNECTIONS &&
      performance.now() - started < 10_000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stats = (await server.memory()).stats;
    }
    const closedMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.stop();
    const peak = Math.max(await memory.stop(), (await server.memory()).peakRss);
    for (const socket of sockets) socket.destroy();
    expect(stats.closedForPipelining - before.stats.closedForPipelining).toBe(CONNECTIONS);
    expect(closedMs).toBeLessThan(GRACE_MS); // not the grace: at once
    expect(Math.max(...client.latencies)).toBeLessThan(1000);
    expect(peak - before.rss).toBeLessThan(BOUND);
    report(`abuse: ${CONNECTIONS} conns × 80 pipelined /api/miners, never read`, {
      rssPeakGrowthMb: (peak - before.rss) / 1e6,
      closedAllMs: closedMs,
      normalMaxMs: Math.max(...client.latencies),
    });
  });
});
