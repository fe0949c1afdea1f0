import { connect as netConnect } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { createApiHandler } from "../../src/http/create-api-handler.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import { countCommands, type RecordedRoundTrip } from "../support/command-counter.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { type HttpReply, ORIGINAL_HEADERS, rawHeader, request, serve } from "../support/http.js";
import { useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const LOGIN = "0x8e550c57631c4743ac80a5441efc6e7cde71d248";
const closers: (() => Promise<unknown>)[] = [];
let port = 0;
let log: RecordedRoundTrip[] = [];
const errors: unknown[] = [];

/** The golden pool behind one server; the cache's own client counts every command it sends. */
beforeAll(async () => {
  const p = prefix();
  await seedGolden(redis, scenario, p);
  const client = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 0, lazyConnect: true });
  await client.connect();
  closers.push(async () => client.quit());
  log = countCommands(client).log;
  const now = () => scenario.nowMs;
  const config: StatsCacheConfig = { ...(scenario.httpConfig as StatsCacheConfig), purgeInterval: "1h" };
  const cache = new StatsCache(new RedisStatsBackend(client, { prefix: p, now }), config);
  closers.push(() => cache.stop());
  await cache.start();
  const server = await serve(createApiHandler(cache, { now, onError: (event) => errors.push(event) }));
  closers.push(server.close);
  port = server.port;
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});
beforeEach(() => {
  log.length = 0;
});

const get = (path: string, method = "GET", body?: string): Promise<HttpReply> =>
  request(port, path, body === undefined ? { method } : { method, body, headers: { "Content-Type": "text/plain" } });

function expectOriginalHeaders(reply: HttpReply, what: string): void {
  for (const [name, value] of ORIGINAL_HEADERS) expect(rawHeader(reply, name), `${what} ${name}`).toEqual([value]);
}

describe("methods: every one is answered like GET, as the original's router does", () => {
  it.each(["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])("%s gets GET's status and bytes", async (method) => {
    for (const path of ["/api/blocks", `/api/accounts/${LOGIN}`, "/api/unknown"]) {
      const expected = await get(path);
      const reply = await get(path, method, method === "POST" ? '{"ignored":true}' : undefined);
      expect(reply.status, `${method} ${path}`).toBe(expected.status);
      expect(reply.body.equals(expected.body), `${method} ${path}`).toBe(true);
      expectOriginalHeaders(reply, `${method} ${path}`);
    }
  });

  it("HEAD gets the headers (Content-Length included) and no body", async () => {
    const expected = await get("/api/payments");
    const reply = await get("/api/payments", "HEAD");
    expect(reply.status).toBe(200);
    expect(reply.body.length).toBe(0);
    expect(rawHeader(reply, "Content-Length")).toEqual([String(expected.body.length)]);
    expectOriginalHeaders(reply, "HEAD");
  });
});

describe("paths", () => {
  it("ignores query strings", async () => {
    const expected = await get("/api/miners");
    for (const path of ["/api/miners?", "/api/miners?login=x&page=2", "/api/miners?%zz"]) {
      expect((await get(path)).body.equals(expected.body), path).toBe(true);
    }
  });

  it("matches percent-encoded paths after decoding them, as Go's URL.Path does", async () => {
    const expected = await get(`/api/accounts/${LOGIN}`);
    for (const path of ["/api/%61ccounts/0x8e550c57631c4743ac80a5441efc6e7cde71d248", `/api%2Faccounts%2F${LOGIN}`]) {
      const reply = await get(path);
      expect(reply.status, path).toBe(200);
      expect(reply.body.equals(expected.body), path).toBe(true);
    }
    expect((await get("/api/%73tats")).status).toBe(200);
  });

  it("answers non-canonical paths with gorilla/mux's 301 to the clean path, query kept", async () => {
    for (const [path, location] of [
      ["//api/stats", "/api/stats"],
      ["/api/./blocks?x=1", "/api/blocks?x=1"],
      ["/api/x/../payments", "/api/payments"],
      ["/api/%2e%2e/api/miners", "/api/miners"],
      ["/nowhere//at/all", "/nowhere/at/all"],
    ] as const) {
      const reply = await get(path);
      expect(reply.status, path).toBe(301);
      expect(rawHeader(reply, "Location"), path).toEqual([location]);
      expect(reply.body.length, path).toBe(0);
      expectOriginalHeaders(reply, path);
    }
  });

  it("refuses a malformed percent-escape with 400, as Go's server does", async () => {
    for (const path of ["/api/%zz", "/api/stats%", "/api/accounts/0x%4"]) {
      const reply = await get(path);
      expect(reply.status, path).toBe(400);
      expect(reply.body.length, path).toBe(0);
      expectOriginalHeaders(reply, path);
    }
  });
});

describe("hostile input never reaches Redis", () => {
  it.each([
    ["a very long path", `/api/accounts/${"0".repeat(8000)}`],
    ["a very long login-like path", `/api/accounts/0x${"a".repeat(4000)}`],
    ["a long path of dot segments", `/api${"/..".repeat(2000)}/stats`],
    ["a non-hex login", `/api/accounts/0x${"z".repeat(40)}`],
    ["an encoded non-hex login", `/api/accounts/0x${"%7a".repeat(40)}`],
    ["0X", `/api/accounts/0X${"a".repeat(40)}`],
    ["39 hex digits", `/api/accounts/0x${"a".repeat(39)}`],
    ["41 hex digits", `/api/accounts/0x${"a".repeat(41)}`],
    ["a trailing slash", `/api/accounts/${LOGIN}/`],
    ["a NUL byte", `/api/accounts/${LOGIN}%00`],
    ["an encoded newline", `/api/accounts/${LOGIN}%0a`],
    ["a nested path", `/api/accounts/${LOGIN}/payments`],
  ])("%s → 404, no Redis command", async (_what, path) => {
    const reply = await get(path);
    expect(reply.status).toBe(404);
    expect(reply.body.length).toBe(0);
    expectOriginalHeaders(reply, path.slice(0, 40));
    expect(log).toEqual([]);
  });

  it("a request the HTTP parser refuses never reaches the handler", async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = netConnect(port, "127.0.0.1", () => socket.end("GET /api/\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n"));
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("latin1");
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(reply.startsWith("HTTP/1.1 400")).toBe(true);
    expect(log).toEqual([]);
  });

  it("a valid unknown login costs one EXISTS, then is remembered", async () => {
    const unknown = `/api/accounts/0x${"c".repeat(40)}`;
    expect((await get(unknown)).status).toBe(404);
    expect((await get(unknown.toUpperCase().replace("/API/ACCOUNTS/0X", "/api/accounts/0x"))).status).toBe(404);
    expect(log.map((trip) => trip.commands[0])).toEqual(["exists"]);
  });

  it("reported nothing to onError", () => {
    expect(errors).toEqual([]);
  });
});
