import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { createApiHandler } from "../../src/http/create-api-handler.js";
import { acceptedCodings } from "../../src/http/negotiate.js";
import { type HttpReply, ORIGINAL_HEADERS, rawHeader, request, serve } from "../support/http.js";
import { useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";
import { seedWidePool, type WidePool } from "./support/wide-pool.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const NOW_MS = 1_700_000_000_250;
const closers: (() => Promise<unknown>)[] = [];
let port = 0;
let pool: WidePool;
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** A pool of 500 miners (a ~50 KB /api/miners) behind a handler with a fixed clock. */
beforeAll(async () => {
  const p = prefix();
  pool = await seedWidePool(redis, p, 500, NOW_MS);
  const now = () => NOW_MS;
  const cache = new StatsCache(new RedisStatsBackend(redis, { prefix: p, now }), { purgeInterval: "1h" });
  closers.push(() => cache.stop());
  await cache.start();
  const server = await serve(createApiHandler(cache));
  closers.push(server.close);
  port = server.port;
});

const get = (path: string, headers: Record<string, string> = {}) => request(port, path, { headers });

/** Asks until the coded form is ready (it is computed off the event loop after the first request). */
async function coded(path: string, coding: "gzip" | "br"): Promise<HttpReply> {
  let reply: HttpReply | undefined;
  for (let i = 0; i < 200; i++) {
    reply = await get(path, { "Accept-Encoding": coding });
    if (rawHeader(reply, "Content-Encoding")[0] === coding) return reply;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${path} never came ${coding}-coded`);
}

function expectHeaders(reply: HttpReply, what: string): void {
  for (const [name, value] of ORIGINAL_HEADERS) expect(rawHeader(reply, name), `${what} ${name}`).toEqual([value]);
  expect(rawHeader(reply, "Content-Length"), what).toEqual([String(reply.body.length)]);
}

const ROUTES = () => ["/api/miners", "/api/blocks", "/api/payments", `/api/accounts/${pool.rich}`];

describe("compression, computed once per body", () => {
  it("gzip and brotli decode to exactly the identity bytes, with the original's headers and Vary", async () => {
    for (const path of ROUTES()) {
      const identity = await get(path);
      expect(identity.status, path).toBe(200);
      expect(identity.body.length, path).toBeGreaterThan(1024);
      expectHeaders(identity, path);
      expect(rawHeader(identity, "Content-Encoding"), path).toEqual([]);
      expect(rawHeader(identity, "Vary"), path).toEqual(["Accept-Encoding"]);
      const decoders = { gzip: gunzipSync, br: brotliDecompressSync };
      for (const coding of ["gzip", "br"] as const) {
        const reply = await coded(path, coding);
        expectHeaders(reply, `${path} ${coding}`);
        expect(rawHeader(reply, "Vary"), path).toEqual(["Accept-Encoding"]);
        expect(rawHeader(reply, "X-Stats-Age-Ms"), path).toEqual(rawHeader(identity, "X-Stats-Age-Ms"));
        expect(reply.body.length, `${path} ${coding}`).toBeLessThan(identity.body.length);
        expect(decoders[coding](reply.body).equals(identity.body), `${path} ${coding}`).toBe(true);
      }
    }
  });

  it("a body the framing would only grow stays identity: /api/stats, a few hundred bytes of mostly per-request parts", async () => {
    const plain = await get("/api/stats");
    expect(plain.body.length).toBeLessThan(1024);
    for (let i = 0; i < 20; i++) {
      const reply = await get("/api/stats", { "Accept-Encoding": "gzip, br" });
      expect(rawHeader(reply, "Content-Encoding")).toEqual([]);
      expect(rawHeader(reply, "Vary")).toEqual(["Accept-Encoding"]);
      expect(reply.body.equals(plain.body)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });

  it("serves identity, unchanged, when Accept-Encoding refuses the codings", async () => {
    const plain = await get("/api/miners");
    await coded("/api/miners", "gzip");
    for (const accept of ["identity", "gzip;q=0, br;q=0", "*;q=0", "deflate", "", "compress, x-unknown"]) {
      const reply = await get("/api/miners", { "Accept-Encoding": accept });
      expect(rawHeader(reply, "Content-Encoding"), accept).toEqual([]);
      expect(reply.body.equals(plain.body), accept).toBe(true);
      expectHeaders(reply, accept);
    }
  });

  it("/api/miners: the same clock gives the same coded bytes (only `now` is per request)", async () => {
    for (const path of ["/api/miners"]) {
      const a = await coded(path, "gzip");
      const b = await coded(path, "gzip");
      expect(gunzipSync(a.body).equals(gunzipSync(b.body)), path).toBe(true); // the same clock
      expect(a.body.equals(b.body), path).toBe(true);
    }
  });

  it("reads Accept-Encoding's q-values: the best first, brotli before gzip on a tie, * for the rest", () => {
    expect(acceptedCodings("gzip, deflate, br")).toEqual(["br", "gzip"]);
    expect(acceptedCodings("gzip;q=1.0, br;q=0.5")).toEqual(["gzip", "br"]);
    expect(acceptedCodings("br;q=0, *")).toEqual(["gzip"]);
    expect(acceptedCodings("X-GZIP")).toEqual(["gzip"]);
    expect(acceptedCodings("gzip;q=2, br;q=junk")).toEqual([]);
    expect(acceptedCodings("identity;q=1, *;q=0")).toEqual([]);
    expect(acceptedCodings(undefined)).toEqual([]);
  });
});

describe("ETag and 304, where the bytes are the same for a whole snapshot", () => {
  it("blocks, payments and accounts: a 304 with the original's headers on If-None-Match", async () => {
    for (const path of ["/api/blocks", "/api/payments", `/api/accounts/${pool.rich}`]) {
      const first = await get(path);
      const [etag] = rawHeader(first, "ETag");
      expect(etag, path).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      for (const match of [etag as string, `W/${etag}`, `"other", ${etag}`, "*"]) {
        const again = await get(path, { "If-None-Match": match });
        expect(again.status, `${path} ${match}`).toBe(304);
        expect(again.body.length).toBe(0);
        for (const [name, value] of ORIGINAL_HEADERS) expect(rawHeader(again, name), name).toEqual([value]);
        expect(rawHeader(again, "ETag")).toEqual([etag]);
      }
      expect((await get(path, { "If-None-Match": '"other"' })).status, path).toBe(200);
      expect((await request(port, path, { method: "POST", headers: { "If-None-Match": etag as string } })).status).toBe(
        200,
      );
      // Each coding has its own tag; any of them revalidates the same bytes.
      const gzip = await coded(path, "gzip");
      const gzipTag = rawHeader(gzip, "ETag")[0];
      expect(gzipTag).toBe(`${(etag as string).slice(0, -1)}-gzip"`);
      const notModified = await get(path, { "If-None-Match": gzipTag as string, "Accept-Encoding": "gzip" });
      expect([notModified.status, rawHeader(notModified, "Content-Encoding")]).toEqual([304, []]);
      expect((await get(path, { "If-None-Match": gzipTag as string })).status).toBe(304);
    }
  });

  it("never on /api/stats and /api/miners, whose now changes the bytes", async () => {
    for (const path of ["/api/stats", "/api/miners"]) {
      const reply = await get(path, { "If-None-Match": "*" });
      expect([reply.status, rawHeader(reply, "ETag")], path).toEqual([200, []]);
      expect(reply.body.length).toBeGreaterThan(0);
    }
  });
});
