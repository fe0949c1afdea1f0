import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import type { StatsCacheOptions } from "../../src/cache/cache-options.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { BackendUnavailableError } from "../../src/errors/backend-unavailable-error.js";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.js";
import { toGoJson } from "../../src/go/json.js";
import { accountToGo } from "../../src/json/compat-shapes.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { Account, AccountResult } from "../../src/model/account.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import type { StatsCacheErrorEvent } from "../../src/model/events.js";
import { countCommands } from "../support/command-counter.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { instrument } from "../support/instrumented-backend.js";
import { failFastClient, fixedClock, useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";
import { realSleep, until } from "../support/wait.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const apiConfig = scenario.httpConfig as StatsCacheConfig;
const t0 = scenario.nowMs;
const [A, B, C] = [
  "0x8e550c57631c4743ac80a5441efc6e7cde71d248",
  "0x2a27f2a0bb62e31f98f18c161fcafa95869f42b6",
  "0xb0583494fab16711fbf10b3cd875fa1592a13012",
] as const;
const UNKNOWN = "0x965c27b854913816e632ae1ec8202df576bb3c3d";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A client of its own: its commands are counted, and a test may disconnect it. */
async function ownClient(): Promise<Redis> {
  const client = await failFastClient();
  cleanups.push(async () => client.disconnect());
  return client;
}

/** The golden pool under a fresh prefix; a cache on a counted client, over an instrumented real backend. */
async function setup(options: StatsCacheOptions = {}) {
  const p = prefix();
  await seedGolden(redis, scenario, p);
  const client = await ownClient();
  const commands = countCommands(client);
  const clock = fixedClock(t0);
  const probe = instrument(new RedisStatsBackend(client, { prefix: p, now: clock.now }), clock.now);
  const cache = new StatsCache(probe.backend, apiConfig, options);
  cleanups.push(() => cache.stop());
  const errors: StatsCacheErrorEvent[] = [];
  cache.on("error", (event) => errors.push(event));
  return { cache, client, commands, clock, probe, errors, keys: new PoolKeys(p) };
}

function account(result: AccountResult): Account {
  if (!result.found) throw new Error(`expected ${result.login} to be found`);
  return result.account;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("getAccount: the original's account data", () => {
  it("gives the golden /api/accounts bodies byte for byte after start()", async () => {
    const p = prefix();
    await seedGolden(redis, scenario, p);
    const now = () => t0;
    const cache = new StatsCache(new RedisStatsBackend(redis, { prefix: p, now }), apiConfig);
    cleanups.push(() => cache.stop());
    await cache.start(); // the original purged and collected before serving these
    const paths = scenario.httpOrder.filter((path) => path.startsWith("/api/accounts/"));
    expect(paths.length).toBeGreaterThan(4);
    for (const path of paths) {
      const golden = scenario.http[path];
      const result = await cache.getAccount(path.slice("/api/accounts/".length));
      if (golden?.status !== 200) {
        expect(result.found, path).toBe(false);
        continue;
      }
      const body = `${toGoJson(accountToGo(account(result)))}\n`;
      expect(JSON.parse(body), path).toEqual(golden.body);
      expect(Buffer.byteLength(body), path).toBe(golden.bodyBytes);
      expect(createHash("sha256").update(body).digest("hex"), path).toBe(golden.bodySha256);
    }
  });

  it("tells an unknown miner (a result) from a Redis failure (a rejection)", async () => {
    const { cache, client } = await setup();
    expect(await cache.getAccount(UNKNOWN.toUpperCase().replace("0X", "0x"))).toEqual({
      found: false,
      login: UNKNOWN,
      checkedAt: t0,
    });
    client.disconnect();
    for (const login of [A, "0x0000000000000000000000000000000000000001"]) {
      const error = await rejection(cache.getAccount(login));
      expect(error).toBeInstanceOf(BackendUnavailableError); // the original answers 404 here
    }
    expect(cache.accountCacheSizes()).toMatchObject({ accounts: 0, notFound: 1, inFlight: 0 });
  });

  it.each([[""], [42], [null]])("rejects the login %j with InvalidArgumentError, before Redis", async (login) => {
    const { cache, commands } = await setup();
    expect(await rejection(cache.getAccount(login as string))).toBeInstanceOf(InvalidArgumentError);
    expect(commands.log).toHaveLength(0);
  });
});

describe("getAccount: single flight, no global lock", () => {
  it("100 concurrent requests for one login make one refresh: 1 EXISTS, 1 miner MULTI, 1 workers MULTI", async () => {
    const { cache, commands } = await setup();
    const mixedCase = `0x${A.slice(2).toUpperCase()}`;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => cache.getAccount(i % 2 === 0 ? A : mixedCase)),
    );
    expect(commands.log.map((trip) => [trip.kind, ...trip.commands])).toEqual([
      ["call", "exists"],
      ["multi", "hgetall", "zrevrange", "zcard", "hget"],
      // The workers read: no trim (reads never write), a count and the window by score,
      // and the count that verifies the window the cache now holds for this account.
      ["multi", "zcount", "zrange", "zcount"],
    ]);
    const first = account(results[0] as AccountResult);
    expect(first.login).toBe(A);
    for (const result of results) expect(account(result)).toBe(first);
    // Shared by every caller, so nobody may change it.
    expect(Object.isFrozen(first) && Object.isFrozen(first.payments)).toBe(true);
    expect(() => (first.workers as Map<string, unknown>).clear()).toThrow(TypeError);
    expect(cache.accountCacheSizes()).toMatchObject({ accounts: 1, notFound: 0, inFlight: 0 });
  });

  it("never makes one login wait for another's refresh", async () => {
    const { cache, probe } = await setup();
    const release = probe.hold("minerExists", ([login]) => login === A);
    let aDone = false;
    const a = cache.getAccount(A).then((result) => {
      aDone = true;
      return result;
    });
    await until(() => probe.callsOf("minerExists").length === 1, "A's refresh to start");
    expect(account(await cache.getAccount(B)).login).toBe(B);
    expect(account(await cache.getAccount(C)).login).toBe(C);
    expect(aDone).toBe(false);
    expect(cache.accountCacheSizes().inFlight).toBe(1);
    release();
    expect(account(await a).login).toBe(A);
  });
});

describe("getAccount: freshness by statsCollectInterval", () => {
  it("reuses an entry while updatedAt ≥ now − interval, then refreshes with the time taken before the reads", async () => {
    const { cache, commands, clock, probe } = await setup();
    const first = account(await cache.getAccount(A));
    expect(first.updatedAt).toBe(t0);
    clock.advance(5000);
    expect(account(await cache.getAccount(A))).toBe(first);
    expect(commands.log).toHaveLength(3);

    clock.advance(1);
    const release = probe.hold("collectWorkersStats");
    const refreshing = cache.getAccount(A);
    await until(() => probe.callsOf("collectWorkersStats").length === 2, "the refresh's last read");
    clock.advance(700); // the reads take a while
    release();
    const second = account(await refreshing);
    expect(second).not.toBe(first);
    expect(second.updatedAt).toBe(t0 + 5001);
    // EXISTS, the miner MULTI, the workers' tail with its counts, and the account window's
    // rolling verification (one slice of the held window read again), sent as the read lands.
    expect(commands.log).toHaveLength(7);
    expect(commands.log[6]?.commands).toEqual(["zcount", "zrange"]);
  });

  it("leaves a stale entry in place when its refresh fails (and does not serve it)", async () => {
    const { cache, client, clock } = await setup();
    await cache.getAccount(A);
    client.disconnect();
    clock.advance(5001);
    expect(await rejection(cache.getAccount(A))).toBeInstanceOf(BackendUnavailableError);
    expect(cache.accountCacheSizes()).toMatchObject({ accounts: 1, notFound: 0, inFlight: 0 });
  });
});

describe("getAccount: bounded memory", () => {
  it("remembers 'not found' for notFoundTtl, then asks Redis again", async () => {
    const { cache, commands, clock, keys } = await setup();
    expect((await cache.getAccount(UNKNOWN)).found).toBe(false);
    expect((await cache.getAccount(UNKNOWN)).found).toBe(false);
    expect(commands.count("call", "exists")).toBe(1);

    await redis.hset(keys.miner(UNKNOWN), "balance", "1"); // the miner's first share was credited
    clock.advance(5000); // the default TTL: one statsCollectInterval
    expect((await cache.getAccount(UNKNOWN)).found).toBe(false);
    expect(commands.count("call", "exists")).toBe(1);
    clock.advance(1);
    expect((await cache.getAccount(UNKNOWN)).found).toBe(true);
    expect(cache.accountCacheSizes()).toMatchObject({ accounts: 1, notFound: 0, inFlight: 0 });
  });

  it("asks Redis every time with the negative cache off", async () => {
    const { cache, commands } = await setup({ notFoundTtl: 0 });
    for (let i = 0; i < 3; i++) expect((await cache.getAccount(UNKNOWN)).found).toBe(false);
    expect(commands.count("call", "exists")).toBe(3);
    expect(cache.accountCacheSizes().notFound).toBe(0);
  });

  it("keeps at most maxAccounts entries, dropping the least recently used", async () => {
    const { cache, commands } = await setup({ maxAccounts: 2 });
    await cache.getAccount(A);
    await cache.getAccount(B);
    await cache.getAccount(A); // A is now the most recently used
    await cache.getAccount(C); // evicts B
    expect(cache.accountCacheSizes().accounts).toBe(2);
    const before = commands.count("call", "exists");
    await cache.getAccount(A);
    await cache.getAccount(C);
    expect(commands.count("call", "exists")).toBe(before);
    await cache.getAccount(B);
    expect(commands.count("call", "exists")).toBe(before + 1);
  });

  it("drops entries and answers older than evictAfterIntervals × interval", async () => {
    const { cache, clock } = await setup({ evictAfterIntervals: 3, notFoundTtl: "10s" });
    await cache.getAccount(A);
    await cache.getAccount(B);
    await cache.getAccount(UNKNOWN);
    expect(cache.accountCacheSizes()).toMatchObject({ accounts: 2, notFound: 1, inFlight: 0 });
    clock.advance(15_001);
    await cache.getAccount(C); // any request sweeps, at most once per interval
    expect(cache.accountCacheSizes()).toMatchObject({ accounts: 1, notFound: 0, inFlight: 0 });
  });

  it("stays within its bounds over 10^5 distinct logins, and repeated unknowns cost no Redis command", async () => {
    const maxAccounts = 100;
    const maxNotFound = 1000;
    const { cache, commands, keys } = await setup({ maxAccounts, maxNotFound });
    const logins = Array.from({ length: 100_000 }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`);
    const existing = logins.filter((_, i) => i % 500 === 0); // 200 real miners among them
    const seed = redis.pipeline();
    for (const login of existing) seed.hset(keys.miner(login), "balance", "1");
    await seed.exec();

    let found = 0;
    for (let i = 0; i < logins.length; i += 1000) {
      const results = await Promise.all(logins.slice(i, i + 1000).map((login) => cache.getAccount(login)));
      found += results.filter((result) => result.found).length;
      const sizes = cache.accountCacheSizes();
      expect(sizes.accounts).toBeLessThanOrEqual(maxAccounts);
      expect(sizes.notFound).toBeLessThanOrEqual(maxNotFound);
      expect(sizes.inFlight).toBe(0);
      expect(sizes.windows).toBeLessThanOrEqual(maxAccounts);
    }
    expect(found).toBe(existing.length);
    expect(cache.accountCacheSizes()).toMatchObject({ accounts: maxAccounts, notFound: maxNotFound, inFlight: 0 });
    expect(commands.count("call", "exists")).toBe(logins.length);
    expect(commands.count("multi", "hgetall")).toBe(existing.length);

    // The most recent unknowns are remembered: asking again costs nothing.
    const unknown = logins.filter((_, i) => i % 500 !== 0);
    const recent = unknown.slice(-maxNotFound);
    await Promise.all(recent.map((login) => cache.getAccount(login)));
    expect(commands.count("call", "exists")).toBe(logins.length);
    // Older ones fell out of the bounded cache: one EXISTS each, and the bound still holds.
    await Promise.all(unknown.slice(0, 500).map((login) => cache.getAccount(login)));
    expect(commands.count("call", "exists")).toBe(logins.length + 500);
    expect(cache.accountCacheSizes().notFound).toBe(maxNotFound);
  });
});

describe("getAccount: stale-while-revalidate", () => {
  it("serves the stale entry at once while one background refresh runs", async () => {
    const { cache, clock, probe } = await setup({ staleWhileRevalidate: true });
    const first = account(await cache.getAccount(A));
    clock.advance(6000);
    const release = probe.hold("minerExists");
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.getAccount(A)));
    for (const result of results) expect(result).toMatchObject({ found: true, stale: true, account: first });
    expect(probe.callsOf("minerExists")).toHaveLength(2); // the first read, then one refresh
    expect(cache.accountCacheSizes().inFlight).toBe(1);
    release();
    await until(() => cache.accountCacheSizes().inFlight === 0, "the background refresh");
    const fresh = await cache.getAccount(A);
    expect(fresh).toMatchObject({ found: true, stale: false });
    expect(account(fresh).updatedAt).toBe(t0 + 6000);
    expect(probe.callsOf("minerExists")).toHaveLength(2);
  });

  it("does not serve an entry older than evictAfterIntervals × interval: it waits for the refresh", async () => {
    const { cache, clock, probe } = await setup({ staleWhileRevalidate: true, evictAfterIntervals: 20 });
    await cache.getAccount(A);
    clock.advance(100_001);
    const release = probe.hold("minerExists");
    let done = false;
    const pending = cache.getAccount(A).then((result) => {
      done = true;
      return result;
    });
    await realSleep(20);
    expect(done).toBe(false);
    release();
    expect(await pending).toMatchObject({ found: true, stale: false });
  });

  it("reports a failed background refresh as an error event, never as an unhandled rejection", async () => {
    const { cache, client, clock, errors } = await setup({ staleWhileRevalidate: true });
    const first = account(await cache.getAccount(A));
    client.disconnect();
    clock.advance(6000);
    expect(await cache.getAccount(A)).toMatchObject({ found: true, stale: true, account: first });
    await until(() => errors.length === 1, "the background failure");
    expect(errors[0]).toMatchObject({ operation: "account", login: A, at: t0 + 6000 });
    expect(errors[0]?.error).toBeInstanceOf(BackendUnavailableError);
    expect(cache.lastError).toBeUndefined(); // that is about the loop, not accounts
    expect(cache.accountCacheSizes()).toMatchObject({ accounts: 1, notFound: 0, inFlight: 0 });
  });
});
