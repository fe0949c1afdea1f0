import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { createApiHandler } from "../../src/http/create-api-handler.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import { formatBlockMember } from "../../src/writer/members.js";
import { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";
import type { PowParams } from "../../src/writer/writer-inputs.js";
import { type HttpReply, ORIGINAL_HEADERS, rawHeader, request, serve } from "../support/http.js";
import { fixedClock, useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const NOW_S = 1_700_000_000;
const NOW_MS = NOW_S * 1000 + 250; // `now` in the bodies keeps the milliseconds
const A = `0x${"a1".repeat(20)}`;
const B = `0x${"b2".repeat(20)}`;
const D = 3n * 2n ** 60n; // a share difficulty beyond 2^61; two of them stay below 2^63
const NET = 2n ** 62n + 1n; // network difficulty beyond 2^53
const R1 = 2n ** 65n + 7n; // rewards in wei beyond 2^64
const R3 = 2n ** 64n + 5n;
const HASH1 = `0x${"1f".repeat(32)}`;
const HASH3 = `0x${"3e".repeat(32)}`;
const TX1 = `0x${"7c".repeat(32)}`;
const CONFIG: StatsCacheConfig = { statsCollectInterval: "1h", purgeInterval: "1h" };
let powSeq = 0;
const pow = (): PowParams => {
  powSeq += 1;
  const n = powSeq.toString(16);
  return [`0x${n.padStart(16, "0")}`, `0x${n.padStart(64, "0")}`, `0x${n.padStart(64, "1")}`];
};

/** The three headers exactly once each, and the body as text. */
function check(reply: HttpReply, status: number): string {
  expect(reply.status).toBe(status);
  for (const [name, value] of ORIGINAL_HEADERS) expect(rawHeader(reply, name), name).toEqual([value]);
  expect(rawHeader(reply, "Content-Length")).toEqual([String(reply.body.length)]);
  return reply.body.toString("utf8");
}

/** A cache over `p` with a fixed clock, started or not, behind a real server. */
async function api(p: string, config: StatsCacheConfig = CONFIG, start = true) {
  const now = () => NOW_MS;
  const cache = new StatsCache(new RedisStatsBackend(redis, { prefix: p, now }), config);
  closers.push(() => cache.stop());
  if (start) await cache.start();
  const errors: unknown[] = [];
  const server = await serve(createApiHandler(cache, { now, onError: (event) => errors.push(event) }));
  closers.push(server.close);
  return { cache, port: server.port, errors, get: (path: string) => request(server.port, path) };
}

describe("an empty pool", () => {
  it("before the first collection: nodes only on /api/stats, {} elsewhere, no freshness headers", async () => {
    const { get, errors } = await api(prefix(), CONFIG, false);
    const stats = await get("/api/stats");
    expect(check(stats, 200)).toBe('{"nodes":[]}\n');
    expect(rawHeader(stats, "X-Stats-Version")).toEqual([]);
    for (const path of ["/api/miners", "/api/blocks", "/api/payments"]) {
      const reply = await get(path);
      expect(check(reply, 200), path).toBe("{}\n");
      expect(rawHeader(reply, "X-Stats-Age-Ms"), path).toEqual([]);
    }
    expect(check(await get(`/api/accounts/${A}`), 404)).toBe("");
    expect(errors).toEqual([]);
  });

  it("after an empty collection: zero totals, null lists, {} maps, the no-block luck row", async () => {
    const { get } = await api(prefix());
    expect(check(await get("/api/stats"), 200)).toBe(
      `{"candidatesTotal":0,"hashrate":0,"immatureTotal":0,"maturedTotal":0,"minersTotal":0,"nodes":[],"now":${NOW_MS},"stats":{}}\n`,
    );
    expect(check(await get("/api/miners"), 200)).toBe(`{"hashrate":0,"miners":{},"minersTotal":0,"now":${NOW_MS}}\n`);
    expect(check(await get("/api/blocks"), 200)).toBe(
      '{"candidates":null,"candidatesTotal":0,"immature":null,"immatureTotal":0,' +
        '"luck":{"0":{"luck":0,"orphanRate":0,"uncleRate":0}},"matured":null,"maturedTotal":0}\n',
    );
    expect(check(await get("/api/payments"), 200)).toBe('{"payments":null,"paymentsTotal":0}\n');
    const blocks = await get("/api/blocks");
    expect(rawHeader(blocks, "X-Stats-Version")).toEqual(["1"]);
    expect(rawHeader(blocks, "X-Stats-Age-Ms")).toEqual(["0"]);
  });

  it("without luckWindow, luck is null", async () => {
    const { get } = await api(prefix(), { ...CONFIG, luckWindow: [] });
    expect(check(await get("/api/blocks"), 200)).toBe(
      '{"candidates":null,"candidatesTotal":0,"immature":null,"immatureTotal":0,"luck":null,"matured":null,"maturedTotal":0}\n',
    );
  });
});

/**
 * A pool written through RedisPoolWriter whose numbers go beyond 2^53 (hashrates,
 * difficulties, balances, round shares) and 2^64 (rewards in wei). Every expected body
 * is worked out by hand from the original's formulas (reference §2.2–§2.6, §3.6).
 */
describe("a pool with big numbers, written by the writer", () => {
  const p = prefix();
  let get: (path: string) => Promise<HttpReply>;

  beforeAll(async () => {
    const clock = fixedClock(NOW_MS);
    const writer = new RedisPoolWriter(redis, { prefix: p, now: clock.now });
    const at = (agoS: number) => clock.set((NOW_S - agoS) * 1000);
    const blockPows = [pow(), pow(), pow()] as const;
    at(900);
    await writer.writeShare(B, "0", pow(), 4_000_000_000n, 18_599_990, "3h");
    at(850); // block 1: round {B: 8e9}
    await writer.writeBlock(B, "0", blockPows[0], 4_000_000_000n, NET, 18_600_000, "3h");
    at(800); // block 2, stays a candidate: round {B: 4e9}
    await writer.writeBlock(B, "0", blockPows[1], 4_000_000_000n, NET, 18_600_005, "3h");
    at(700); // block 3, becomes an immature uncle
    await writer.writeBlock(B, "0", blockPows[2], 4_000_000_000n, NET, 18_600_010, "3h");
    at(600);
    await writer.writeShare(A, "rig1", pow(), D, 18_600_020, "3h");
    at(300);
    await writer.writeShare(A, "rig1", pow(), D, 18_600_030, "3h");
    at(100);
    await writer.writeShare(B, "0", pow(), 4_000_000_000n, 18_600_040, "3h");

    const [n1, h1, m1] = blockPows[0];
    const block1 = { nonce: n1, powHash: h1, mixDigest: m1, timestamp: NOW_S - 850, difficulty: NET };
    const found1 = { ...block1, height: 18_600_000, totalShares: 8_000_000_000n, hash: HASH1, reward: R1 };
    at(60);
    await writer.writeImmatureBlock(found1, { [B]: 2n ** 60n });
    await writer.writeMaturedBlock({ ...found1, immatureKey: formatBlockMember(found1) }, { [B]: 2n ** 60n });
    const [n3, h3, m3] = blockPows[2];
    await writer.writeImmatureBlock(
      {
        height: 18_600_012,
        roundHeight: 18_600_010,
        uncleHeight: 18_600_010,
        nonce: n3,
        powHash: h3,
        mixDigest: m3,
        timestamp: NOW_S - 700,
        difficulty: NET,
        totalShares: 4_000_000_000n,
        hash: HASH3,
        reward: R3,
      },
      { [A]: 2n ** 59n },
    );
    at(10);
    await writer.lockPayouts(B, 2n ** 55n);
    await writer.updateBalance(B, 2n ** 55n);
    await writer.writePayment(B, TX1, 2n ** 55n);
    at(0);
    await writer.writeNodeState("main", 18_600_020, 2n ** 70n);
    ({ get } = await api(p));
  });

  // A: 2·D in 600 s (the floor) → 6917529027641081856 / 600. B: 5 × 4e9 since 900 s ago.
  const hrA = "11529215046068469";
  const hrB = "22222222";
  const candidate2 =
    `{"height":18600005,"timestamp":${NOW_S - 800},"difficulty":${NET},"shares":4000000000,` +
    `"uncle":false,"uncleHeight":0,"orphan":false,"hash":"","reward":""}`;
  const uncle3 =
    `{"height":18600012,"timestamp":${NOW_S - 700},"difficulty":${NET},"shares":4000000000,` +
    `"uncle":true,"uncleHeight":18600010,"orphan":false,"hash":"${HASH3}","reward":"${R3}"}`;
  const matured1 =
    `{"height":18600000,"timestamp":${NOW_S - 850},"difficulty":${NET},"shares":8000000000,` +
    `"uncle":false,"uncleHeight":0,"orphan":false,"hash":"${HASH1}","reward":"${R1}"}`;

  it("/api/stats: totals, the live node with its 2^70 difficulty as a string, round shares beyond 2^53", async () => {
    expect(check(await get("/api/stats"), 200)).toBe(
      `{"candidatesTotal":1,"hashrate":11529215068290691,"immatureTotal":1,"maturedTotal":1,"minersTotal":2,` +
        `"nodes":[{"difficulty":"${2n ** 70n}","height":"18600020","lastBeat":"${NOW_S}","name":"main"}],` +
        `"now":${NOW_MS},"stats":{"lastBlockFound":${NOW_S - 700},"roundShares":${2n * D + 4_000_000_000n}}}\n`,
    );
  });

  it("/api/miners: per-miner hashrates beyond 2^53, logins in byte order", async () => {
    expect(check(await get("/api/miners"), 200)).toBe(
      `{"hashrate":11529215068290691,"miners":{` +
        `"${A}":{"lastBeat":${NOW_S - 300},"hr":${hrA},"offline":false},` +
        `"${B}":{"lastBeat":${NOW_S - 100},"hr":${hrB},"offline":false}},"minersTotal":2,"now":${NOW_MS}}\n`,
    );
  });

  it("/api/blocks: every digit of difficulties and wei rewards, an uncle, Go's float form for luck", async () => {
    // Luck over the immature uncle then the matured block: mean of shares/difficulty in float64.
    const luck = String((4e9 / Number(NET) + 8e9 / Number(NET)) / 2);
    expect(luck).toMatch(/e-9$/); // Go writes 1.3e-09 as 1.3e-9 too
    expect(check(await get("/api/blocks"), 200)).toBe(
      `{"candidates":[${candidate2}],"candidatesTotal":1,"immature":[${uncle3}],"immatureTotal":1,` +
        `"luck":{"2":{"luck":${luck},"orphanRate":0,"uncleRate":0.5}},"matured":[${matured1}],"maturedTotal":1}\n`,
    );
  });

  it("/api/payments: the payout of 2^55 Shannon", async () => {
    expect(check(await get("/api/payments"), 200)).toBe(
      `{"payments":[{"address":"${B}","amount":${2n ** 55n},"timestamp":${NOW_S - 10},"tx":"${TX1}"}],"paymentsTotal":1}\n`,
    );
  });

  it("/api/accounts: balances, immature credits and round shares beyond 2^53", async () => {
    expect(check(await get(`/api/accounts/${A}`), 200)).toBe(
      `{"currentHashrate":${hrA},"hashrate":${hrA},"pageSize":30,"payments":null,"paymentsTotal":0,` +
        `"roundShares":${2n * D},"stats":{"immature":${2n ** 59n},"lastShare":${NOW_S - 300}},` +
        `"workers":{"rig1":{"lastBeat":${NOW_S - 300},"hr":${hrA},"offline":false,"hr2":${hrA}}},` +
        `"workersOffline":0,"workersOnline":1,"workersTotal":1}\n`,
    );
    expect(check(await get(`/api/accounts/${B}`), 200)).toBe(
      `{"currentHashrate":${hrB},"hashrate":${hrB},"pageSize":30,` +
        `"payments":[{"amount":${2n ** 55n},"timestamp":${NOW_S - 10},"tx":"${TX1}"}],"paymentsTotal":1,` +
        `"roundShares":4000000000,"stats":{"balance":${2n ** 60n - 2n ** 55n},"blocksFound":3,"immature":0,` +
        `"lastShare":${NOW_S - 100},"paid":${2n ** 55n},"pending":0},` +
        `"workers":{"0":{"lastBeat":${NOW_S - 100},"hr":${hrB},"offline":false,"hr2":${hrB}}},` +
        `"workersOffline":0,"workersOnline":1,"workersTotal":1}\n`,
    );
  });

  it("mixed-case logins: 200 with the lower-cased account's bytes", async () => {
    const lower = check(await get(`/api/accounts/${A}`), 200);
    for (const login of [`0x${"A1".repeat(20)}`, `0x${"a1A1".repeat(10)}`]) {
      expect(check(await get(`/api/accounts/${login}`), 200), login).toBe(lower);
    }
  });

  it.each([
    ["0X + 40 hex", `0X${"a1".repeat(20)}`],
    ["39 hex", `0x${"a1".repeat(20).slice(1)}`],
    ["41 hex", `0x${"a1".repeat(20)}1`],
    ["a trailing slash", `${A}/`],
    ["a non-hex digit", `0x${"a1".repeat(19)}g1`],
    ["no 0x", "a1".repeat(21)],
  ])("a login with %s → 404, empty body", async (_what, login) => {
    expect(check(await get(`/api/accounts/${login}`), 404)).toBe("");
  });

  it("an unknown miner → 404, and an unknown path → 404, both with an empty body", async () => {
    expect(check(await get(`/api/accounts/0x${"0".repeat(40)}`), 404)).toBe("");
    for (const path of ["/api/unknown", "/", "/api", "/api/", "/api/stats/", "/API/STATS", "/api/accounts/"]) {
      expect(check(await get(path), 404), path).toBe("");
    }
  });
});

describe("row limits: blocks and payments (0 = all)", () => {
  const p = prefix();

  beforeAll(async () => {
    const clock = fixedClock(NOW_MS);
    const writer = new RedisPoolWriter(redis, { prefix: p, now: clock.now });
    for (const [i, height] of [100, 200, 300].entries()) {
      clock.set((NOW_S - 1000 + i * 100) * 1000);
      const [nonce, powHash, mixDigest] = pow();
      await writer.writeBlock(A, "rig1", [nonce, powHash, mixDigest], 4_000_000_000n, 10n ** 16n, height, "3h");
      const block = {
        height,
        nonce,
        powHash,
        mixDigest,
        timestamp: NOW_S - 1000 + i * 100,
        difficulty: 10n ** 16n,
        totalShares: 4_000_000_000n,
        hash: `0x${String(height).repeat(4)}`,
        reward: 3n * 10n ** 18n,
      };
      await writer.writeImmatureBlock(block, { [A]: 2_000_000_000n, [B]: 1_000_000_000n });
      const immatureKey = formatBlockMember(block);
      if (height === 200) await writer.writeOrphan({ ...block, orphan: true, reward: null, immatureKey });
      else await writer.writeMaturedBlock({ ...block, immatureKey }, { [A]: 2_000_000_000n, [B]: 1_000_000_000n });
    }
    for (const [i, login] of [A, B, A].entries()) {
      clock.set((NOW_S - 30 + i * 10) * 1000);
      await writer.lockPayouts(login, 500_000_000n + BigInt(i));
      await writer.updateBalance(login, 500_000_000n + BigInt(i));
      await writer.writePayment(login, `0x${String(i).repeat(64)}`, 500_000_000n + BigInt(i));
    }
  });

  const json = async (get: (path: string) => Promise<HttpReply>, path: string) =>
    JSON.parse(check(await get(path), 200)) as Record<string, unknown> & {
      matured: { height: number; orphan: boolean; reward: string }[];
      payments: { amount: number; timestamp: number }[];
    };

  it("0 returns every row, newest first; an orphan is listed with its flag and no reward", async () => {
    const { get } = await api(p, { ...CONFIG, blocks: 0, payments: 0 });
    const blocks = await json(get, "/api/blocks");
    expect(blocks.matured.map((row) => [row.height, row.orphan, row.reward])).toEqual([
      [300, false, "3000000000000000000"],
      [200, true, "0"],
      [100, false, "3000000000000000000"],
    ]);
    expect(blocks.maturedTotal).toBe(3);
    const payments = await json(get, "/api/payments");
    expect(payments.payments.map((row) => row.amount)).toEqual([500_000_002, 500_000_001, 500_000_000]);
    expect(payments.paymentsTotal).toBe(3);
    const account = await json(get, `/api/accounts/${A}`);
    expect([account.pageSize, account.paymentsTotal, account.payments.length]).toEqual([0, 2, 2]);
  });

  it("small limits cut the lists, never the totals", async () => {
    const { get } = await api(p, { ...CONFIG, blocks: 2, payments: 1 });
    const blocks = await json(get, "/api/blocks");
    expect(blocks.matured.map((row) => row.height)).toEqual([300, 200]);
    expect(blocks.maturedTotal).toBe(3);
    // Luck still reads up to max(luckWindow) matured blocks, whatever `blocks` says.
    expect(Object.keys(blocks.luck as object)).toEqual(["3"]);
    const payments = await json(get, "/api/payments");
    expect(payments.payments.map((row) => row.timestamp)).toEqual([NOW_S - 10]);
    expect(payments.paymentsTotal).toBe(3);
    const account = await json(get, `/api/accounts/${A}`);
    expect([account.pageSize, account.paymentsTotal, account.payments.length]).toEqual([1, 2, 1]);
    expect(account.payments[0]?.amount).toBe(500_000_002);
  });
});
