import { randomBytes } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { createApiHandler } from "../../src/http/create-api-handler.js";
import { countCommands } from "../support/command-counter.js";
import { heapAfterGc } from "../support/heap.js";
import { ORIGINAL_HEADERS, serve } from "../support/http.js";
import { failOnProcessErrors } from "../support/process-errors.js";
import { failFastClient, useRedis } from "../support/redis.js";
import { MINER, seedFaultPool } from "./support/fault-pool.js";
import { type RawReply, rawRequest } from "./support/raw-http.js";
import { report } from "./support/report.js";

/**
 * Hostile HTTP input against a live handler over a real pool: random and malformed
 * request targets, targets of 10 KB and 100 KB, odd percent-encodings, random methods,
 * and bursts of 10,000 unknown addresses. Nothing crashes, every answer of the handler
 * has the original's three headers, memory and Redis commands stay bounded.
 */
failOnProcessErrors();
const { redis, prefix } = useRedis();
const MAX_NOT_FOUND = 10_000;
const MAX_ACCOUNTS = 1000;
const BURST = 10_000;

const agent = new Agent({ keepAlive: true, maxSockets: 50 });
const closers: (() => Promise<unknown>)[] = [];

/** A cache over the pool on a connection of its own (its commands counted), behind a live handler. */
async function startApi(p: string) {
  const client: Redis = await failFastClient();
  const counter = countCommands(client);
  const cache = new StatsCache(
    new RedisStatsBackend(client, { prefix: p }),
    { statsCollectInterval: "1h", purgeInterval: "1h" },
    { maxNotFound: MAX_NOT_FOUND, maxAccounts: MAX_ACCOUNTS },
  );
  await cache.start();
  const server = await serve(createApiHandler(cache));
  closers.push(async () => {
    await server.close();
    await cache.stop();
    client.disconnect();
  });
  return { counter, cache, port: server.port };
}

let api: Awaited<ReturnType<typeof startApi>>;
const pool = prefix("hostile");

beforeAll(async () => {
  await seedFaultPool(redis, pool);
  api = await startApi(pool);
});

afterAll(async () => {
  agent.destroy();
  for (const close of closers) await close();
});

/** Whether the handler wrote this response (Node's own refusals carry none of its headers). */
function fromHandler(reply: RawReply): boolean {
  return reply.headers.some(([name]) => name === "Content-Type");
}

function expectOriginalHeaders(reply: RawReply, what: string): void {
  for (const [name, value] of ORIGINAL_HEADERS) {
    expect(
      reply.headers.filter(([n]) => n === name).map(([, v]) => v),
      `${what}: ${name}`,
    ).toEqual([value]);
  }
}

/** The handler's statuses for a healthy Redis, and Node's own refusals of what it cannot parse. */
function expectSane(reply: RawReply, what: string): void {
  if (fromHandler(reply)) {
    expect([200, 301, 400, 404], what).toContain(reply.status);
    expectOriginalHeaders(reply, what);
    if (reply.status === 200 && reply.body.length > 0)
      expect(() => JSON.parse(reply.body.toString()), what).not.toThrow();
    if (reply.status === 301)
      expect(
        reply.headers.some(([n]) => n === "Location"),
        what,
      ).toBe(true);
  } else {
    expect([400, 431], `${what} (refused by Node's parser)`).toContain(reply.status);
  }
}

/** GET over keep-alive connections (at most 50 at once): status and whether the three headers came. */
function get(path: string, port = api.port): Promise<{ status: number; headersOk: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent }, (res) => {
      res.resume();
      res.on("end", () => {
        const headersOk = ORIGINAL_HEADERS.every(([name, value]) => res.headers[name.toLowerCase()] === value);
        resolve({ status: res.statusCode ?? 0, headersOk });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const address = () => `0x${randomBytes(20).toString("hex")}`;

const pathUnit = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom("/", "/", "//", "api", "accounts", "stats", "miners", "blocks", "payments", "health"),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(".", "..", "%", "%z", "%zz", "%00", "%2F", "%2f", "%2e%2e", "%25", "%20", "%7F"),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom("%C0%AF", "%E0%80%AF", "%ED%A0%80", "%FF", "%F0%9F%98%80", "?", "?x=1", "*", ";"),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(MINER, MINER.toUpperCase(), `0X${MINER.slice(2)}`, `${MINER}0`, MINER.slice(0, 41)),
  },
  { weight: 2, arbitrary: fc.nat().map(() => address()) },
  { weight: 2, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)) },
  // What Node's parser refuses before any handler: raw control bytes, spaces, bytes ≥ 0x80.
  {
    weight: 1,
    arbitrary: fc.constantFrom("\u0001", "\u007f", " ", "\t", "\u00e9", "\u00ff", "http://x", "https://h:1"),
  },
);
const target = fc
  .tuple(fc.boolean(), fc.array(pathUnit, { maxLength: 10 }))
  .map(([root, units]) => `${root ? "/" : ""}${units.join(root ? "" : "/")}`.slice(0, 4096));

describe("hostile request targets", () => {
  it("2,000 random targets: the handler's 200/301/400/404 with its headers, or Node's 400; never a crash", async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(target, async (path) => {
        const reply = await rawRequest(api.port, "GET", path.length === 0 ? "/" : path);
        expectSane(reply, JSON.stringify(path));
        const key = `${fromHandler(reply) ? "handler" : "node"}${reply.status}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }),
      { numRuns: 2000 },
    );
    expect((await get("/api/stats")).status).toBe(200);
    report("2,000 random request targets", Object.fromEntries([...seen].sort()));
  });

  it("odd percent-encodings and invalid UTF-8 bytes", async () => {
    const cases: [string | Buffer, number][] = [
      ["/api/stats", 200],
      ["/api%2Fstats", 200], // Go decodes %2F in the path before routing
      ["/api/%73tats", 200],
      ["/%", 400],
      ["/%zz", 400],
      ["/api/stats%", 400],
      ["/api/stats%00", 404], // Go refuses raw control bytes, not escaped ones: no such route
      ["/api/%2e%2e/api/stats", 301],
      ["/api/accounts/%C0%AF", 404], // overlong UTF-8 for "/"
      ["/api/accounts/%ED%A0%80", 404], // a UTF-16 surrogate in UTF-8
      [`/api/accounts/${MINER}%00`, 404],
    ];
    for (const [path, status] of cases) {
      const reply = await rawRequest(api.port, "GET", path);
      expect(reply.status, String(path)).toBe(status);
      expectOriginalHeaders(reply, String(path));
    }
    // Raw control bytes and any raw byte ≥ 0x80 (valid UTF-8 or not): Node's parser refuses
    // the request line (400) before the handler runs; only their percent-encoded forms reach it.
    for (const bytes of [[0x01], [0x7f], [0xc0, 0xaf], [0xff, 0xfe], [0xc3, 0xa9]]) {
      const raw = await rawRequest(api.port, "GET", Buffer.from([...Buffer.from("/api/"), ...bytes]));
      expect([raw.status, fromHandler(raw)], String(bytes)).toEqual([400, false]);
    }
  });

  it("10 KB targets reach the handler (404); 100 KB ones are refused by Node's 16 KB header limit (431)", async () => {
    for (const path of [
      `/api/accounts/${"a".repeat(10_000)}`,
      `/${"%41".repeat(3400)}`,
      `/api/stats?${"q".repeat(10_000)}`,
    ]) {
      const reply = await rawRequest(api.port, "GET", path);
      expect(reply.status, `${path.length} bytes`).toBe(path.includes("?") ? 200 : 404);
      expectOriginalHeaders(reply, `${path.length} bytes`);
    }
    for (const path of [`/${"a".repeat(100_000)}`, `/api/stats?${"%zz".repeat(40_000)}`]) {
      const reply = await rawRequest(api.port, "GET", path);
      expect(reply.status, `${path.length} bytes`).toBe(431);
      expect(fromHandler(reply)).toBe(false);
    }
    expect((await get("/api/stats")).status).toBe(200);
  });
});

describe("hostile methods", () => {
  const KNOWN = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PROPFIND", "MKCOL", "PURGE"];
  const method = fc.oneof(
    fc.constantFrom(...KNOWN),
    fc.constantFrom("get", "G ET", "GET\u0000", "", "X".repeat(300), "BREW", "CONNECT"),
    fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ-_!#"), minLength: 1, maxLength: 12 }),
  );
  const path = fc.constantFrom("/api/stats", "/api/blocks", "/health", `/api/accounts/${MINER}`, "/nope", "/api/../x");

  it("500 random methods: known ones answered like GET (HEAD without a body), others refused by Node", async () => {
    const byGet = new Map<string, number>();
    const seen = new Map<string, number>();
    for (const p of ["/api/stats", "/api/blocks", "/health", `/api/accounts/${MINER}`, "/nope", "/api/../x"]) {
      byGet.set(p, (await rawRequest(api.port, "GET", p)).status);
    }
    await fc.assert(
      fc.asyncProperty(method, path, async (m, p) => {
        const reply = await rawRequest(api.port, m, p).catch(() => undefined);
        const key = reply === undefined ? "closed" : `${fromHandler(reply) ? "handler" : "node"}${reply.status}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (reply === undefined) {
          // CONNECT goes to the server's 'connect' event; without a listener Node closes the socket.
          expect(m).toBe("CONNECT");
          return;
        }
        expectSane(reply, `${m} ${p}`);
        if (fromHandler(reply)) {
          expect(reply.status, `${m} ${p}`).toBe(byGet.get(p));
          if (m === "HEAD") expect(reply.body.length).toBe(0);
        } else {
          expect(KNOWN, `${m} was refused`).not.toContain(m);
        }
      }),
      { numRuns: 500 },
    );
    expect((await get("/api/stats")).status).toBe(200);
    report("500 random methods", Object.fromEntries([...seen].sort()));
  });
});

describe(`a burst of ${BURST.toLocaleString("en")} distinct unknown addresses`, () => {
  it("costs one EXISTS each, then nothing on repeat; the caches stay within their bounds; the heap stays flat", async () => {
    const { counter, cache, port } = await startApi(pool);
    /** Sends every path at once (50 connections); how many answered `status` with the headers, and the commands sent. */
    const burst = async (paths: readonly string[], status: number) => {
      counter.log.splice(0);
      const replies = await Promise.all(paths.map((path) => get(path, port)));
      const commands = counter.log.splice(0).flatMap((trip) => trip.commands);
      return { ok: replies.filter((r) => r.status === status && r.headersOk).length, commands };
    };
    const heapBefore = await heapAfterGc();
    const addresses = Array.from({ length: BURST }, address);

    const first = await burst(
      addresses.map((a) => `/api/accounts/${a}`),
      404,
    );
    expect(first.ok).toBe(BURST);
    expect(first.commands.filter((name) => name !== "exists")).toEqual([]);
    expect(first.commands.length).toBeLessThanOrEqual(BURST); // at most one EXISTS per distinct address
    expect(cache.accountCacheSizes()).toEqual({
      accounts: 0,
      notFound: BURST,
      inFlight: 0,
      windows: 0,
      windowEntries: 0,
    });

    const repeat = await burst(
      addresses.map((a) => `/api/accounts/${a}`),
      404,
    );
    expect(repeat).toEqual({ ok: BURST, commands: [] }); // all from the negative cache

    // Logins the route cannot match never reach Redis at all.
    const malformed = await burst(
      addresses.map((a) => `/api/accounts/${a.slice(0, 41)}`),
      404,
    );
    expect(malformed).toEqual({ ok: BURST, commands: [] });

    // Another burst of new addresses: the oldest answers make room, the bound holds.
    const fresh = await burst(
      Array.from({ length: BURST }, () => `/api/accounts/${address()}`),
      404,
    );
    expect([fresh.ok, fresh.commands.length]).toEqual([BURST, BURST]);
    const sizes = cache.accountCacheSizes();
    expect(sizes).toEqual({ accounts: 0, notFound: MAX_NOT_FOUND, inFlight: 0, windows: 0, windowEntries: 0 });

    addresses.length = 0;
    const heapGrowth = (await heapAfterGc()) - heapBefore;
    // What stays is the cache's 10,000 remembered answers (an address and a time each).
    expect(heapGrowth).toBeLessThan(8 * 1024 * 1024);
    report("burst of 10,000 unknown addresses", {
      firstBurstExists: first.commands.length,
      repeatBurstCommands: repeat.commands.length,
      malformedBurstCommands: malformed.commands.length,
      secondBurstExists: fresh.commands.length,
      notFoundHeld: sizes.notFound,
      heapGrowthMB: heapGrowth / 1024 / 1024,
    });
  });
});
