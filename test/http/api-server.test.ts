import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.js";
import { type ApiServer, type ApiServerOptions, createApiServer } from "../../src/http/api-server.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { ORIGINAL_HEADERS, rawHeader, request } from "../support/http.js";
import { useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";
import { until } from "../support/wait.js";
import { pipeline, readReplies } from "./support/pipeline.js";
import { seedWidePool } from "./support/wide-pool.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const LOGIN = "0x8e550c57631c4743ac80a5441efc6e7cde71d248";
let cache: StatsCache;
let wide: StatsCache;
const servers: ApiServer[] = [];
const caches: StatsCache[] = [];

beforeAll(async () => {
  const p = prefix();
  await seedGolden(redis, scenario, p);
  const now = () => scenario.nowMs;
  cache = new StatsCache(new RedisStatsBackend(redis, { prefix: p, now }), scenario.httpConfig as StatsCacheConfig);
  const w = prefix();
  await seedWidePool(redis, w, 3000, Date.now());
  wide = new StatsCache(new RedisStatsBackend(redis, { prefix: w }), {
    purgeInterval: "1h",
    statsCollectInterval: "1h",
  });
  caches.push(cache, wide);
  await Promise.all(caches.map((c) => c.start()));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.shutdown(100)));
});
afterAll(async () => {
  for (const c of caches) await c.stop();
});

async function start(source: StatsCache, options: ApiServerOptions = {}): Promise<{ server: ApiServer; port: number }> {
  const server = createApiServer(source, options);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe("createApiServer: the handler's answers", () => {
  it("answers the golden recordings with the original's status, headers and bytes", async () => {
    const { port } = await start(cache, { now: () => scenario.nowMs });
    for (const path of scenario.httpOrder) {
      const golden = scenario.http[path];
      if (golden === undefined) throw new Error(`no recording for ${path}`);
      const reply = await request(port, path);
      expect(reply.status, path).toBe(golden.status);
      for (const [header, value] of ORIGINAL_HEADERS) expect(rawHeader(reply, header), path).toEqual([value]);
      expect(reply.body.length, path).toBe(golden.bodyBytes);
      if (golden.bodySha256 !== undefined) {
        expect(createHash("sha256").update(reply.body).digest("hex"), path).toBe(golden.bodySha256);
      }
    }
  });

  it("refuses bad options at once, naming them", () => {
    for (const [options, path] of [
      [{ maxPipelined: 0 }, "maxPipelined"],
      [{ maxConnections: 1.5 }, "maxConnections"],
      [{ maxUnsentBytes: -1 }, "maxUnsentBytes"],
      [{ overloadGrace: "soon" }, "overloadGrace"],
      [{ headersTimeout: "20s", requestTimeout: "10s" }, "requestTimeout"],
      [{ events: { path: "api/events" } }, "events.path"],
      [{ events: { maxClients: 0 } }, "events.maxClients"],
      [{ nodesWait: "x" }, "nodesWait"],
    ] as const) {
      expect(() => createApiServer(cache, options as ApiServerOptions), path).toThrow(InvalidArgumentError);
      try {
        createApiServer(cache, options as ApiServerOptions);
      } catch (error) {
        expect((error as InvalidArgumentError).path).toBe(path);
      }
    }
  });
});

describe("createApiServer: bounded work per connection", () => {
  it("answers pipelined requests in order, at most maxPipelined at a time", async () => {
    const { server, port } = await start(cache, { maxPipelined: 8 });
    const paths = ["/api/blocks", "/api/payments", `/api/accounts/${LOGIN}`, "/api/stats", "/api/miners", "/nope"];
    const socket = connect(port, "127.0.0.1");
    socket.write(
      paths
        .map((path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)
        .join("")
        .repeat(2),
    );
    const { replies, closed } = await readReplies(socket, 12);
    socket.destroy();
    expect(closed).toBe(false);
    const expected = await Promise.all(paths.map((path) => request(port, path)));
    expect(replies.map((reply) => reply.status)).toEqual([...expected, ...expected].map((reply) => reply.status));
    replies.slice(0, 3).forEach((reply, i) => {
      expect(reply.body.equals((expected[i] as { body: Buffer }).body), paths[i]).toBe(true);
    });
    expect(server.connectionStats().deferred).toBeGreaterThanOrEqual(8); // 12 at once, 4 answered at a time
    expect(server.connectionStats().closedForPipelining).toBe(0);
  });

  it("closes a connection with more than twice maxPipelined requests ahead, and serves the others", async () => {
    const dropped: unknown[] = [];
    const { server, port } = await start(cache, { maxPipelined: 4, onConnectionDropped: (e) => dropped.push(e) });
    const abusive = pipeline(port, "/api/blocks", 50);
    const { closed, replies } = await readReplies(abusive, 50);
    expect(closed).toBe(true);
    expect(replies.length).toBeLessThan(50);
    expect(server.connectionStats().closedForPipelining).toBe(1);
    expect(dropped).toEqual([{ reason: "pipelining", remoteAddress: "127.0.0.1" }]);
    expect((await request(port, "/api/blocks")).status).toBe(200);
  });

  it("stops reading a connection that does not read its responses, and closes it after the grace", async () => {
    const { server, port } = await start(wide, { maxUnsentBytes: 512 * 1024, overloadGrace: "300ms" });
    const body = (await request(port, "/api/miners")).body.length;
    expect(body).toBeGreaterThan(250_000);
    // Sixty ~300 KB responses: more than the kernel's buffers take, so the output queues.
    const silent = pipeline(port, "/api/miners", 60);
    silent.pause();
    await until(() => server.connectionStats().overloaded === 1, "the connection over its bound", 5000);
    const overAt = Date.now();
    const normal = await request(port, "/api/stats");
    expect(normal.status).toBe(200); // others are served meanwhile
    await until(() => server.connectionStats().closedAfterGrace === 1, "the connection closed", 5000);
    expect(Date.now() - overAt).toBeGreaterThanOrEqual(250);
    expect(server.connectionStats().overloaded).toBe(0);
    // The client finds out when it reads: what was sent before the close, then the end.
    const { replies, closed } = await readReplies(silent, 60);
    expect(closed).toBe(true);
    expect(replies.length).toBeLessThan(60);
  });

  it("a connection that reads again before the grace ends is kept, and gets every response", async () => {
    const { server, port } = await start(wide, { maxUnsentBytes: 512 * 1024, overloadGrace: "5s" });
    const slow = pipeline(port, "/api/miners", 60);
    slow.pause();
    await until(() => server.connectionStats().overloaded === 1, "the connection over its bound", 5000);
    const { replies, closed } = await readReplies(slow, 60);
    slow.destroy();
    expect([replies.length, closed]).toEqual([60, false]);
    for (const reply of replies) expect(reply.status).toBe(200);
    expect(server.connectionStats()).toMatchObject({ overloaded: 0, closedAfterGrace: 0 });
  });

  it("closes a client that never finishes its request headers after headersTimeout", async () => {
    const { port } = await start(cache, { headersTimeout: "300ms", requestTimeout: "300ms" });
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    const started = Date.now();
    socket.write("GET /api/stats HTTP/1.1\r\nHost: x\r\n"); // no blank line, ever
    const { replies, closed } = await readReplies(socket, 1);
    expect(closed || replies[0]?.status === 408).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000); // the timeout, checked every second
  });
});

describe("createApiServer: shutdown", () => {
  it("closes idle keep-alive connections at once and lets a request in flight finish", async () => {
    const { server, port } = await start(cache);
    const keptAlive = connect(port, "127.0.0.1");
    keptAlive.write("GET /api/blocks HTTP/1.1\r\nHost: x\r\n\r\n");
    await readReplies(keptAlive, 1); // now idle, kept alive
    const closing = new Promise((resolve) => keptAlive.once("close", resolve));
    const started = Date.now();
    await server.shutdown("5s");
    await closing;
    expect(Date.now() - started).toBeLessThan(1000);
    servers.splice(servers.indexOf(server), 1);
  });
});
