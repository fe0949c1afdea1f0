import { afterEach, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { BackendUnavailableError } from "../../src/errors/backend-unavailable-error.js";
import { buildAccountResponse } from "../../src/http/account-response.js";
import { buildBlocksResponse } from "../../src/http/blocks-response.js";
import { type ApiErrorEvent, createApiHandler } from "../../src/http/create-api-handler.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import type { StatsSource } from "../../src/model/seams.js";
import type { StatsSnapshot } from "../../src/model/snapshot.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { type HttpReply, ORIGINAL_HEADERS, rawHeader, request, serve } from "../support/http.js";
import { failFastClient, fixedClock, useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";
import { until } from "../support/wait.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const CONFIG: StatsCacheConfig = { ...(scenario.httpConfig as StatsCacheConfig), purgeInterval: "1h" };
const [A, B] = ["0x8e550c57631c4743ac80a5441efc6e7cde71d248", "0x2a27f2a0bb62e31f98f18c161fcafa95869f42b6"];

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The golden pool, a cache on a client of its own (a test may disconnect it), a server. */
async function setup(
  options: { config?: StatsCacheConfig; start?: boolean; handler?: Parameters<typeof createApiHandler>[1] } = {},
) {
  const p = prefix();
  await seedGolden(redis, scenario, p);
  const client = await failFastClient();
  cleanups.push(async () => client.disconnect());
  const clock = fixedClock(scenario.nowMs);
  const cache = new StatsCache(new RedisStatsBackend(client, { prefix: p, now: clock.now }), options.config ?? CONFIG);
  cleanups.push(() => cache.stop());
  if (options.start ?? true) await cache.start();
  const errors: ApiErrorEvent[] = [];
  const { port, close } = await serve(
    createApiHandler(cache, { now: clock.now, onError: (event) => errors.push(event), ...options.handler }),
  );
  cleanups.push(close);
  return { cache, client, clock, errors, get: (path: string) => request(port, path) };
}

async function serveSource(source: StatsSource) {
  const errors: ApiErrorEvent[] = [];
  const { port, close } = await serve(createApiHandler(source, { onError: (event) => errors.push(event) }));
  cleanups.push(close);
  return { errors, get: (path: string) => request(port, path) };
}

function expectOriginalHeaders(reply: HttpReply): void {
  for (const [name, value] of ORIGINAL_HEADERS) expect(rawHeader(reply, name), name).toEqual([value]);
}

/** A source that is `cache` except for the members given. */
function over(cache: StatsCache, members: Partial<Record<keyof StatsSource, unknown>>): StatsSource {
  return {
    now: cache.now,
    get snapshot() {
      return cache.snapshot;
    },
    config: cache.config,
    lastError: undefined,
    getNodeStates: () => cache.getNodeStates(),
    getAccount: (login: string) => cache.getAccount(login),
    ...members,
  } as StatsSource;
}

describe("Redis fails under a running API", () => {
  it("pool routes keep the last snapshot, nodes become null, uncached accounts 503 with Retry-After", async () => {
    const { client, errors, get } = await setup();
    const cached = await get(`/api/accounts/${A}`);
    const blocks = await get("/api/blocks");
    client.disconnect();

    const stats = await get("/api/stats");
    expect(stats.status).toBe(200); // the original's answer, and the front end copes with null
    const golden = scenario.http["/api/stats"]?.body as Record<string, unknown>;
    expect(stats.body.toString()).toBe(`${JSON.stringify({ ...golden, nodes: null })}\n`);
    expect((await get("/api/blocks")).body.equals(blocks.body)).toBe(true);

    const failed = await get(`/api/accounts/${B}`);
    expect(failed.status).toBe(503); // the original: 404 (a failed EXISTS reads as "no such miner")
    expect(rawHeader(failed, "Retry-After")).toEqual(["5"]); // one statsCollectInterval
    expect(failed.body.length).toBe(0);
    expectOriginalHeaders(failed);
    // An entry still fresh is served from memory, as in the original.
    expect((await get(`/api/accounts/${A}`)).body.equals(cached.body)).toBe(true);

    expect(errors.map(({ kind, status, url }) => [kind, status, url])).toEqual([
      ["nodes", 200, "/api/stats"],
      ["account", 503, `/api/accounts/${B}`],
    ]);
    expect(errors[1]?.error).toBeInstanceOf(BackendUnavailableError);
  });

  it('without a snapshot, /api/stats is {"nodes":null}', async () => {
    const { client, get } = await setup({ start: false });
    client.disconnect();
    expect((await get("/api/stats")).body.toString()).toBe('{"nodes":null}\n');
  });
});

describe("freshness headers and the health route", () => {
  it("say how old the snapshot is by the request clock; the bodies do not change", async () => {
    const { clock, get } = await setup();
    const before = await get("/api/payments");
    expect([rawHeader(before, "X-Stats-Version"), rawHeader(before, "X-Stats-Age-Ms")]).toEqual([["1"], ["0"]]);
    clock.advance(1234);
    const after = await get("/api/payments");
    expect(rawHeader(after, "X-Stats-Age-Ms")).toEqual(["1234"]);
    expect(after.body.equals(before.body)).toBe(true);
    expect(rawHeader(await get(`/api/accounts/${A}`), "X-Stats-Age-Ms")).toEqual(["0"]); // a fresh read
  });

  it("can be turned off", async () => {
    const { get } = await setup({ handler: { freshnessHeaders: false } });
    const reply = await get("/api/stats");
    expect(reply.rawHeaders.map(([name]) => name).filter((name) => name.startsWith("X-"))).toEqual([]);
  });

  it("/health: 503 before the first snapshot, 200 while fresh, 503 once stale", async () => {
    const { cache, clock, get } = await setup({ start: false });
    const none = await get("/health");
    expect(none.status).toBe(503);
    expect(rawHeader(none, "Retry-After")).toEqual(["5"]);
    expectOriginalHeaders(none);
    expect(JSON.parse(none.body.toString())).toEqual({
      status: "no-snapshot",
      fresh: false,
      version: null,
      ageMs: null,
      staleAfterMs: 30_000,
      lastError: null,
    });

    await cache.start();
    clock.advance(30_000); // the default: 3 intervals of 5 s, at least 30 s
    const fresh = await get("/health");
    expect(fresh.status).toBe(200);
    expect(JSON.parse(fresh.body.toString())).toMatchObject({ status: "ok", fresh: true, version: 1, ageMs: 30_000 });
    expect(rawHeader(fresh, "Retry-After")).toEqual([]);

    clock.advance(1);
    const stale = await get("/health?probe=1");
    expect(stale.status).toBe(503);
    expect(JSON.parse(stale.body.toString())).toMatchObject({ status: "stale", fresh: false, ageMs: 30_001 });
  });

  it("/health names the failing operation and its code, never the message", async () => {
    const { cache, client, get } = await setup({ config: { ...CONFIG, statsCollectInterval: "20ms" } });
    client.disconnect();
    await until(() => cache.lastError !== undefined, "a failed collection");
    const body = JSON.parse((await get("/health")).body.toString()) as { lastError: unknown };
    expect(body.lastError).toEqual({ operation: "collect", at: scenario.nowMs, code: "ERR_BACKEND_UNAVAILABLE" });
  });

  it("moves with healthPath, or goes away", async () => {
    const moved = await setup({ handler: { healthPath: "/status/api" } });
    expect((await moved.get("/status/api")).status).toBe(200);
    expect((await moved.get("/health")).status).toBe(404);
    const none = await setup({ handler: { healthPath: false } });
    expect((await none.get("/health")).status).toBe(404);
  });

  it.each([["health"], ["/api/stats"], ["/api/accounts/x"], ["/a//b"], [""]])("refuses healthPath %j", async (path) => {
    const { cache } = await setup({ start: false });
    expect(() => createApiHandler(cache, { healthPath: path })).toThrow(/healthPath/);
  });
});

describe("bodies are serialized once", () => {
  it("per snapshot: /api/blocks and /api/payments are the same Buffer until the next collection", async () => {
    const { cache } = await setup({ config: { ...CONFIG, statsCollectInterval: "20ms" } });
    const first = cache.snapshot as StatsSnapshot;
    const a = buildBlocksResponse(cache);
    const b = buildBlocksResponse(cache);
    expect(b.body).toBe(a.body); // built back to back: no collection can come in between
    await until(() => (cache.snapshot?.version ?? 0) >= first.version + 1, "the next collection");
    const c = buildBlocksResponse(cache);
    expect(c.body).not.toBe(a.body);
    expect(Buffer.from(c.body).equals(Buffer.from(a.body))).toBe(true); // same data, new snapshot, serialized anew
    expect(buildBlocksResponse(cache, { now: 1 }).body).toBe(buildBlocksResponse(cache, { now: 2 }).body);
  });

  it("per account entry: the same Buffer for every request the entry serves, whatever the login's case", async () => {
    const { cache } = await setup();
    const first = await buildAccountResponse(cache, A);
    const again = await buildAccountResponse(cache, A.toUpperCase().replace("0X", "0x"));
    expect(first.status).toBe(200);
    expect(again.body).toBe(first.body);
  });
});

describe("bad data and bugs never drop the connection", () => {
  it("a NaN luck row is left out of /api/blocks (the original blanks the body), reported once", async () => {
    const { cache } = await setup();
    const real = cache.snapshot as StatsSnapshot;
    const rows = new Map(real.luck?.rows);
    rows.set("999", {
      luck: Number.NaN,
      uncleRate: 0,
      orphanRate: Number.POSITIVE_INFINITY,
      blocks: 0,
      probability: null,
    });
    const snapshot = Object.freeze({ ...real, version: 99, luck: { rows, malformed: {} } });
    const { errors, get } = await serveSource(over(cache, { snapshot }));
    const replies = [await get("/api/blocks"), await get("/api/blocks"), await get("/api/blocks")];
    const golden = scenario.http["/api/blocks"];
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.body.length).toBe(golden?.bodyBytes); // exactly the real rows
    }
    expect(errors.map(({ kind, status }) => [kind, status])).toEqual([["luck", 200]]);
    expect(String(errors[0]?.error)).toMatch(/999/);
  });

  it("an unexpected error is a 500 with the original's headers, reported as internal", async () => {
    const { cache } = await setup();
    const { errors, get } = await serveSource(
      over(cache, {
        getAccount: async () => {
          throw new TypeError("a bug");
        },
      }),
    );
    const reply = await get(`/api/accounts/${A}`);
    expect([reply.status, reply.body.length]).toEqual([500, 0]);
    expectOriginalHeaders(reply);
    expect(errors.map(({ kind, status }) => [kind, status])).toEqual([["internal", 500]]);
    expect((await get("/api/miners")).status).toBe(200); // the rest is unaffected
  });

  it("a snapshot that throws, or an onError that throws, still gets an answer", async () => {
    const { cache } = await setup();
    const broken = over(cache, {});
    Object.defineProperty(broken, "snapshot", {
      get() {
        throw new Error("boom");
      },
    });
    const { port, close } = await serve(
      createApiHandler(broken, {
        onError: () => {
          throw new Error("the logger broke too");
        },
      }),
    );
    cleanups.push(close);
    for (const path of ["/api/miners", "/api/stats", "/health"]) {
      const reply = await request(port, path);
      expect(reply.status, path).toBe(500);
      expectOriginalHeaders(reply);
    }
    expect((await request(port, "/api/nothing")).status).toBe(404);
  });
});
