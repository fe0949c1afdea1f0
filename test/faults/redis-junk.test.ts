import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { createApiHandler } from "../../src/http/create-api-handler.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import type { StatsSource } from "../../src/model/seams.js";
import { type HttpReply, request, serve } from "../support/http.js";
import { failOnProcessErrors } from "../support/process-errors.js";
import { useRedis } from "../support/redis.js";
import { intText, soup } from "./support/junk.js";
import {
  decodedFields,
  expectedLuckSkips,
  expectedSkips,
  hashContent,
  junkKeys,
  type KeyContent,
  verdicts,
  writeKey,
  zsetContent,
} from "./support/redis-junk.js";

/**
 * Junk in every key the backend reads, on a real Redis: shaped members with junk fields,
 * invalid UTF-8 bytes, +inf/-inf/1e308 scores, keys of the wrong type, absent keys. Every
 * read answers, counts exactly the malformed values an oracle restated from the reference
 * predicts, and every HTTP route answers 200/404 with JSON that parses.
 */
failOnProcessErrors();
const { redis, prefix } = useRedis();
const NOW_S = 1_700_000_000;
const NOW_MS = NOW_S * 1000 + 123;
const now = () => NOW_MS;
const WINDOW_S = 1800;
const LARGE_WINDOW_S = 10_800;
const ROUNDS = 200;
const CONFIG: StatsCacheConfig = {
  statsCollectInterval: "1h",
  purgeInterval: "1h",
  hashrateWindow: `${WINDOW_S}s`,
  hashrateLargeWindow: `${LARGE_WINDOW_S}s`,
  blocks: 0,
  payments: 0,
};

// One HTTP server for every round, over whichever cache the round runs.
let current: StatsCache | undefined;
let server: { port: number; close: () => Promise<void> } | undefined;
const source = {
  get now() {
    return (current as StatsCache).now;
  },
  get snapshot() {
    return current?.snapshot;
  },
  get config() {
    return (current as StatsCache).config;
  },
  get lastError() {
    return current?.lastError;
  },
  getNodeStates: () => (current as StatsCache).getNodeStates(),
  getAccount: (login: string) => (current as StatsCache).getAccount(login),
} as StatsSource;
beforeAll(async () => {
  current = new StatsCache(new RedisStatsBackend(redis, { prefix: "unused" }), CONFIG);
  server = await serve(createApiHandler(source, { now }));
});
afterAll(async () => {
  await server?.close();
});

const roundCurrent = (login: string): fc.Arbitrary<KeyContent> =>
  fc.oneof(
    hashContent(fc.constant(login)),
    fc.oneof(intText, soup).map((value) => ({
      type: "hash" as const,
      fields: [[Buffer.from(login), Buffer.from(value)] as const],
    })),
  );

const world = (login: string) =>
  fc.record({
    hashrate: zsetContent(NOW_S, "itti", "iti"),
    minerHashrate: zsetContent(NOW_S, "iti", "itti"),
    candidates: zsetContent(NOW_S, "tttiii"),
    immature: zsetContent(NOW_S, "ibttiiit"),
    matured: zsetContent(NOW_S, "ibttiiit"),
    payments: zsetContent(NOW_S, "tti", "ti"),
    minerPayments: zsetContent(NOW_S, "ti", "tti"),
    stats: hashContent(),
    miner: hashContent(),
    roundCurrent: roundCurrent(login),
    nodes: hashContent(fc.constantFrom("main:height", "main:lastBeat", "a:b:c", "x")),
  });

/** Malformed counts of a read, without keys that counted nothing. */
const counts = (entries: Record<string, number>) =>
  Object.fromEntries(Object.entries(entries).filter(([, n]) => n > 0));

const exists = (content: KeyContent): boolean =>
  content.type === "wrong" || (content.type === "hash" && content.fields.length > 0);

async function get(path: string): Promise<HttpReply> {
  return request((server as { port: number }).port, path);
}

describe(`junk in every key the backend reads (${ROUNDS} random pools on a real Redis)`, () => {
  it("every read answers with exact malformed counts; every route answers 200/404 with JSON", async () => {
    const login = `0x${randomBytes(20).toString("hex")}`;
    await fc.assert(
      fc.asyncProperty(world(login), async (junk) => {
        const p = prefix("junk");
        const keys = junkKeys(new PoolKeys(p), login);
        for (const name of Object.keys(keys) as (keyof typeof keys)[]) await writeKey(redis, keys[name], junk[name]);

        const backend = new RedisStatsBackend(redis, { prefix: p, now });
        const pool = await backend.collectStats(`${WINDOW_S}s`, 0, 0);
        expect(pool.malformed).toEqual(
          counts({
            [keys.hashrate]: expectedSkips(junk.hashrate, verdicts.share, NOW_S - WINDOW_S),
            [keys.stats]: junk.stats.type === "wrong" ? 1 : 0,
            [keys.candidates]: expectedSkips(junk.candidates, verdicts.candidate),
            [keys.immature]: expectedSkips(junk.immature, verdicts.block),
            [keys.matured]: expectedSkips(junk.matured, verdicts.block),
            [keys.payments]: expectedSkips(junk.payments, verdicts.payment),
          }),
        );
        // A second collection reads only the window's tail (incremental): the same answer.
        const again = await backend.collectStats(`${WINDOW_S}s`, 0, 0);
        expect([again.malformed, again.hashrate, again.miners]).toEqual([pool.malformed, pool.hashrate, pool.miners]);

        const luck = await backend.collectLuckStats([64, 128, 256]);
        expect(luck.malformed).toEqual(
          counts({
            [keys.immature]: expectedSkips(junk.immature, verdicts.block) + expectedLuckSkips(junk.immature),
            [keys.matured]: expectedSkips(junk.matured, verdicts.block) + expectedLuckSkips(junk.matured),
          }),
        );

        expect(await backend.minerExists(login)).toBe(exists(junk.miner));
        const miner = await backend.getMinerStats(login, 0);
        const round = decodedFields(junk.roundCurrent).get(login);
        expect(miner.malformed).toEqual(
          counts({
            [keys.miner]: junk.miner.type === "wrong" ? 1 : 0,
            [keys.minerPayments]: expectedSkips(junk.minerPayments, verdicts.payment),
            [keys.roundCurrent]:
              junk.roundCurrent.type === "wrong" || (round !== undefined && !/^[+-]?[0-9]+$/.test(round)) ? 1 : 0,
          }),
        );
        const workers = await backend.collectWorkersStats(`${WINDOW_S}s`, `${LARGE_WINDOW_S}s`, login);
        expect(workers.malformed).toEqual(
          counts({ [keys.minerHashrate]: expectedSkips(junk.minerHashrate, verdicts.share, NOW_S - LARGE_WINDOW_S) }),
        );
        const nodes = await backend.getNodeStates();
        const noColon = [...decodedFields(junk.nodes).keys()].filter((f) => !f.includes(":")).length;
        expect(nodes.malformed).toEqual(counts({ [keys.nodes]: junk.nodes.type === "wrong" ? 1 : noColon }));

        // The API over the same junk.
        current = new StatsCache(new RedisStatsBackend(redis, { prefix: p, now }), CONFIG, { purge: false });
        try {
          await current.start();
          expect(current.lastError).toBeUndefined();
          for (const path of ["/api/stats", "/api/miners", "/api/blocks", "/api/payments", "/health"]) {
            const reply = await get(path);
            expect(reply.status, path).toBe(200);
            expect(() => JSON.parse(reply.body.toString()), path).not.toThrow();
          }
          const account = await get(`/api/accounts/${login}`);
          expect(account.status).toBe(exists(junk.miner) ? 200 : 404);
          if (account.status === 200) expect(() => JSON.parse(account.body.toString())).not.toThrow();
          expect((await get(`/api/accounts/0x${"00".repeat(20)}`)).status).toBe(404);
        } finally {
          await current.stop();
        }

        // Last, the purge (it writes): it answers too.
        const purge = await backend.flushStaleStats(`${WINDOW_S}s`, `${LARGE_WINDOW_S}s`);
        expect(purge.removed).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: ROUNDS },
    );
  });
});

describe("numbers of a million digits", () => {
  it("are read exactly, counted where they overflow float64, and served as JSON", async () => {
    const p = prefix("huge");
    const keys = new PoolKeys(p);
    const login = `0x${"c3".repeat(20)}`;
    // Printing a bigint of n digits costs O(n²): each text is made once.
    const digits = (n: number, lead: string) => `${lead}${"0123456789".repeat(n / 10)}`.slice(0, n);
    const diffText = digits(1_000_000, "7");
    const hrText = String(BigInt(diffText) / 600n); // a first share: the original divides by its 600 s floor
    const amountText = digits(100_000, "3");
    const rewardText = digits(100_000, "9");
    await redis.zadd(keys.hashrate(), NOW_S, `${diffText}:${login}:rig:1`);
    await redis.zadd(keys.payments(), NOW_S, `0xtx:${login}:${amountText}`);
    await redis.zadd(keys.matured(), 18_600_000, `0:0:0x1:0xh:${NOW_S}:${rewardText}:${rewardText}0:${rewardText}`);
    await redis.hset(keys.miner(login), "balance", amountText, "lastShare", String(NOW_S));

    const backend = new RedisStatsBackend(redis, { prefix: p, now });
    const pool = await backend.collectStats(`${WINDOW_S}s`, 0, 0);
    expect(pool.miners.get(login)?.hr).toBe(BigInt(hrText));
    expect(pool.hashrate).toBe(BigInt(hrText));
    expect(pool.payments[0]?.amount).toBe(BigInt(amountText));
    expect(pool.matured[0]?.shares).toBe(BigInt(rewardText) * 10n);
    expect(pool.malformed).toEqual({});
    // shares / difficulty is Infinity / Infinity in float64: left out of the mean, counted.
    expect((await backend.collectLuckStats([64])).malformed).toEqual({ [keys.matured()]: 1 });
    const miner = await backend.getMinerStats(login, 0);
    expect(miner.stats.get("balance")).toBe(amountText); // beyond int64: kept as the exact text

    current = new StatsCache(new RedisStatsBackend(redis, { prefix: p, now }), CONFIG, { purge: false });
    try {
      await current.start();
      const miners = await get("/api/miners");
      expect(miners.status).toBe(200);
      expect(miners.body.includes(`"hr":${hrText},`)).toBe(true);
      expect((await get("/api/payments")).body.includes(`"amount":${amountText}`)).toBe(true);
      const blocks = await get("/api/blocks");
      expect(blocks.status).toBe(200);
      expect(() => JSON.parse(blocks.body.toString())).not.toThrow();
      expect((await get(`/api/accounts/${login}`)).body.includes(`"balance":"${amountText}"`)).toBe(true);
    } finally {
      await current.stop();
    }
  });
});
