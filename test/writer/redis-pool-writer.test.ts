import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { isPoolStatsError, type PoolStatsError } from "../../src/errors/pool-stats-error.js";
import { freePort } from "../../src/testing/redis-server-process.js";
import { formatBlockMember, formatCandidateMember } from "../../src/writer/members.js";
import { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";
import { normalizeWorkerId, type PowParams } from "../../src/writer/writer-inputs.js";
import { dumpState } from "../support/golden.js";
import { fixedClock, useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const NOW_MS = 1_700_000_000_123;
const NOW_S = 1_700_000_000;
const A = `0x${"a".repeat(40)}`;
const B = `0x${"b".repeat(40)}`;
const hex = (n: number, width: number): string => `0x${n.toString(16).padStart(width, "0")}`;
const pow = (n: number): PowParams => [hex(n, 16), hex(n, 64), hex(n + 1, 64)];

function writerAt(ms = NOW_MS): { writer: RedisPoolWriter; p: string; clock: ReturnType<typeof fixedClock> } {
  const p = prefix();
  const clock = fixedClock(ms);
  return { writer: new RedisPoolWriter(redis, { prefix: p, now: clock.now }), p, clock };
}

async function codeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    if (isPoolStatsError(error)) return error.code;
    throw error;
  }
}

async function errorOf(run: () => Promise<unknown>): Promise<PoolStatsError> {
  try {
    await run();
  } catch (error) {
    if (isPoolStatsError(error)) return error;
    throw error;
  }
  throw new Error("expected a PoolStatsError");
}

describe("members: the original's join", () => {
  it("formats the worked examples of the reference (§1.2)", () => {
    const nonce = "0x1122334455667788";
    const h64 = `0x${"ab".repeat(32)}`;
    expect(
      formatCandidateMember({
        nonce,
        powHash: h64,
        mixDigest: h64,
        timestamp: 1510000000,
        difficulty: 1500000000000000n,
        totalShares: 1820000000000000n,
      }),
    ).toBe(`${nonce}:${h64}:${h64}:1510000000:1500000000000000:1820000000000000`);
    const block = { nonce, timestamp: 1510000000n, difficulty: 1500000000000000n, totalShares: 1820000000000000n };
    expect(formatBlockMember({ ...block, hash: h64, reward: 3000000000000000000n })).toBe(
      `0:0:${nonce}:${h64}:1510000000:1500000000000000:1820000000000000:3000000000000000000`,
    );
    // An orphan straight from the candidates: no hash → 0x0, nil reward → 0, orphan → 1.
    expect(formatBlockMember({ ...block, orphan: true })).toBe(
      `0:1:${nonce}:0x0:1510000000:1500000000000000:1820000000000000:0`,
    );
    expect(formatBlockMember({ ...block, uncleHeight: 4370003, hash: h64, reward: 2250000000000000000n })).toMatch(
      /^4370003:0:.*:2250000000000000000$/,
    );
  });

  it("normalizeWorkerId applies the proxy's worker pattern", () => {
    expect(["rig1", "a-b_C9", "12345678"].map(normalizeWorkerId)).toEqual(["rig1", "a-b_C9", "12345678"]);
    expect(["", "123456789", "rig.1", "rig:1", "rïg"].map(normalizeWorkerId)).toEqual(["0", "0", "0", "0", "0"]);
  });
});

describe("writeShare", () => {
  it("writes the original's members, scores and counters, and reports a duplicate PoW without writing", async () => {
    const { writer, p, clock } = writerAt();
    expect(await writer.writeShare(A, "rig1", pow(1), 4_000_000_000n, 100, "3h")).toBe(false);
    clock.advance(1000);
    expect(await writer.writeShare(A, "rig1", pow(1), 4_000_000_000n, 100, "3h")).toBe(true);
    const state = await dumpState(redis, p);
    expect(state[":hashrate"]).toEqual({ type: "zset", value: [`4000000000:${A}:rig1:${NOW_MS}`, String(NOW_S)] });
    expect(state[`:hashrate:${A}`]).toEqual({
      type: "zset",
      value: [`4000000000:rig1:${NOW_MS}`, String(NOW_S)],
      ttl: true,
    });
    expect(state[":shares:roundCurrent"]).toEqual({ type: "hash", value: { [A]: "4000000000" } });
    expect(state[":stats"]).toEqual({ type: "hash", value: { roundShares: "4000000000" } });
    expect(state[`:miners:${A}`]).toEqual({ type: "hash", value: { lastShare: String(NOW_S) } });
    expect(state[":pow"]).toEqual({ type: "zset", value: [pow(1).join(":"), "100"] });
    expect(await redis.ttl(`${p}:hashrate:${A}`)).toBe(10800);
  });

  it("prunes PoW entries more than 8 heights old", async () => {
    const { writer, p } = writerAt();
    for (const h of [90, 91, 92, 100]) await writer.writeShare(A, "rig1", pow(h), 1, h, "3h");
    // At 100 the prune is `(92`: 90 and 91 go, 92 stays.
    expect(await redis.zrange(`${p}:pow`, "0", "-1", "WITHSCORES")).toEqual([
      pow(92).join(":"),
      "92",
      pow(100).join(":"),
      "100",
    ]);
  });

  it("keeps the dedupe working below height 8 (the original's uint64 underflow wipes P:pow there)", async () => {
    const { writer, p } = writerAt();
    for (const h of [0, 1, 3]) expect(await writer.writeShare(A, "rig1", pow(h), 1, h, "3h")).toBe(false);
    expect(await writer.writeShare(B, "w1", pow(1), 1, 3, "3h")).toBe(true);
    expect(await redis.zcard(`${p}:pow`)).toBe(3);
  });

  it("truncates the expiry to seconds like the original's client: a sub-second expiry deletes the key", async () => {
    const { writer, p } = writerAt();
    await writer.writeShare(A, "rig1", pow(1), 1, 100, 90_500); // milliseconds
    expect(await redis.ttl(`${p}:hashrate:${A}`)).toBe(90);
    await writer.writeShare(A, "rig1", pow(2), 1, 100, "500ms");
    expect(await redis.exists(`${p}:hashrate:${A}`)).toBe(0);
    expect(await redis.zcard(`${p}:hashrate`)).toBe(1); // same ms: the pool member collapsed
  });

  it("rejects input that would corrupt members before sending anything", async () => {
    const { writer, p } = writerAt();
    const bad: [string, () => Promise<unknown>][] = [
      ["login with :", () => writer.writeShare("0xa:b", "rig1", pow(1), 1, 100, "3h")],
      ["empty login", () => writer.writeShare("", "rig1", pow(1), 1, 100, "3h")],
      ["worker with :", () => writer.writeShare(A, "rig:1", pow(1), 1, 100, "3h")],
      ["param with :", () => writer.writeShare(A, "rig1", ["0x1:2", "0x2", "0x3"], 1, 100, "3h")],
      ["two params", () => writer.writeShare(A, "rig1", ["0x1", "0x2"] as unknown as PowParams, 1, 100, "3h")],
      ["diff 0", () => writer.writeShare(A, "rig1", pow(1), 0, 100, "3h")],
      ["diff beyond int64", () => writer.writeShare(A, "rig1", pow(1), 1n << 63n, 100, "3h")],
      ["unsafe number diff", () => writer.writeShare(A, "rig1", pow(1), 2 ** 60, 100, "3h")],
      ["negative height", () => writer.writeShare(A, "rig1", pow(1), 1, -1, "3h")],
    ];
    for (const [label, run] of bad) expect(await codeOf(run), label).toBe("ERR_INVALID_ARGUMENT");
    expect(await codeOf(() => writer.writeShare(A, "rig1", pow(1), 1, 100, "-3h"))).toBe("ERR_INVALID_DURATION");
    expect(await dumpState(redis, p)).toEqual({});
  });

  it("turns a key of the wrong type into CommandFailedError, writing nothing", async () => {
    const { writer, p } = writerAt();
    await redis.set(`${p}:pow`, "not a zset");
    const error = await errorOf(() => writer.writeShare(A, "rig1", pow(1), 1, 100, "3h"));
    expect(error.code).toBe("ERR_COMMAND_FAILED");
    expect(error.message).toMatch(/WRONGTYPE/);
    expect(Object.keys(await dumpState(redis, p))).toEqual([":pow"]);
  });

  it("fails with BackendUnavailableError when Redis does not answer", async () => {
    const offline = new Redis({
      port: await freePort(),
      host: "127.0.0.1",
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    offline.on("error", () => undefined); // the refused connection is the point
    const writer = new RedisPoolWriter(offline, { prefix: "offline" });
    expect(await codeOf(() => writer.writeShare(A, "rig1", pow(1), 1, 100, "3h"))).toBe("ERR_BACKEND_UNAVAILABLE");
    expect(await codeOf(() => writer.isPayoutsLocked())).toBe("ERR_BACKEND_UNAVAILABLE");
    offline.disconnect();
  });
});

describe("writeBlock", () => {
  it("sums the frozen round the original's way: unparsable values count 0, overflow clamps", async () => {
    const { writer, p } = writerAt();
    await writer.writeShare(A, "rig1", pow(1), 10, 100, "3h");
    await redis.hset(`${p}:shares:roundCurrent`, "junk", "abc", "huge", "99999999999999999999");
    expect(await writer.writeBlock(B, "w1", pow(2), 5, 58_000_000_000_000_000n, 101, "3h")).toBe(false);
    const total = 10n + 5n + ((1n << 63n) - 1n);
    expect(await redis.zrange(`${p}:blocks:candidates`, "0", "-1", "WITHSCORES")).toEqual([
      `${pow(2).join(":")}:${NOW_S}:58000000000000000:${total}`,
      "101",
    ]);
    expect(await redis.exists(`${p}:shares:roundCurrent`)).toBe(0);
    expect(await redis.hgetall(`${p}:shares:round101:${pow(2)[0]}`)).toMatchObject({ [A]: "10", [B]: "5" });
    expect(await redis.hgetall(`${p}:stats`)).toEqual({ lastBlockFound: String(NOW_S) });
    expect(await redis.zscore(`${p}:finders`, B)).toBe("1");
    expect(await redis.hget(`${p}:miners:${B}`, "blocksFound")).toBe("1");
    expect(await writer.writeBlock(B, "w1", pow(2), 5, 1, 101, "3h")).toBe(true);
  });
});

describe("unlocker writers", () => {
  it("moves a candidate to immature without candidateKey by rebuilding it from powHash and mixDigest", async () => {
    const { writer, p } = writerAt();
    await writer.writeBlock(A, "rig1", pow(7), 4, 58n, 300, "3h");
    const [nonce, powHash, mixDigest] = pow(7);
    const block = { height: 300, nonce, powHash, mixDigest, timestamp: NOW_S, difficulty: 58n, totalShares: 4n };
    await writer.writeImmatureBlock({ ...block, hash: hex(9, 64), reward: 3n * 10n ** 18n }, { [A]: 2_000_000_000n });
    expect(await redis.zcard(`${p}:blocks:candidates`)).toBe(0);
    expect(await redis.zrange(`${p}:blocks:immature`, "0", "-1")).toEqual([
      formatBlockMember({ ...block, hash: hex(9, 64), reward: 3n * 10n ** 18n }),
    ]);
    expect(await redis.hgetall(`${p}:credits:immature:300:${hex(9, 64)}`)).toEqual({ [A]: "2000000000" });
    expect(await redis.hget(`${p}:finances`, "immature")).toBe("2000000000");
  });

  it("re-keys an uncle's round to the including height, and reports a missing round while applying the rest", async () => {
    const { writer, p } = writerAt();
    await writer.writeBlock(A, "rig1", pow(7), 4, 58n, 300, "3h");
    const [nonce, powHash, mixDigest] = pow(7);
    const uncle = {
      height: 302,
      roundHeight: 300,
      uncleHeight: 300,
      nonce,
      powHash,
      mixDigest,
      hash: hex(5, 64),
      timestamp: NOW_S,
      difficulty: 58n,
      totalShares: 4n,
      reward: 10n ** 18n,
    };
    await writer.writeImmatureBlock(uncle, {});
    expect(await redis.exists(`${p}:shares:round302:${nonce}`)).toBe(1);
    expect(await redis.exists(`${p}:shares:round300:${nonce}`)).toBe(0);
    expect(await redis.zscore(`${p}:blocks:immature`, formatBlockMember(uncle))).toBe("302");
    // Again: the round key is gone now. The original returns RENAME's error, the rest ran.
    const error = await errorOf(() => writer.writeImmatureBlock({ ...uncle, hash: hex(6, 64) }, {}));
    expect(error.code).toBe("ERR_COMMAND_FAILED");
    expect(error).toMatchObject({ partial: true, command: expect.arrayContaining(["rename"]) });
    expect(await redis.zscore(`${p}:blocks:immature`, formatBlockMember({ ...uncle, hash: hex(6, 64) }))).toBe("302");
  });

  it("reverses an immature credit log the Go way: an unparsable credit counts 0 but is still sent", async () => {
    const { writer, p } = writerAt();
    const hash = hex(3, 64);
    await redis.hset(`${p}:credits:immature:400:${hash}`, A, "abc", B, "7");
    await redis.hset(`${p}:finances`, "immature", "7");
    const block = { height: 400, nonce: "0x9", hash, timestamp: 1, difficulty: 2, totalShares: 3, orphan: true };
    await writer.writeOrphan({ ...block, immatureKey: "m" });
    expect(await redis.hget(`${p}:miners:${A}`, "immature")).toBe("0");
    expect(await redis.hget(`${p}:miners:${B}`, "immature")).toBe("-7");
    expect(await redis.hget(`${p}:finances`, "immature")).toBe("0");
    expect(await redis.exists(`${p}:credits:immature:400:${hash}`)).toBe(0);
    expect(await redis.zrange(`${p}:blocks:matured`, "0", "-1", "WITHSCORES")).toEqual([
      `0:1:0x9:${hash}:1:2:3:0`,
      "400",
    ]);
  });

  it("refuses an immature credit log of the wrong type before writing (the original would delete it)", async () => {
    const { writer, p } = writerAt();
    await redis.set(`${p}:credits:immature:400:0xh`, "oops");
    const block = { height: 400, nonce: "0x9", hash: "0xh", timestamp: 1, difficulty: 2, totalShares: 3 };
    const error = await errorOf(() => writer.writeOrphan({ ...block, immatureKey: "m" }));
    expect(error).toMatchObject({ code: "ERR_COMMAND_FAILED", partial: false });
    expect(Object.keys(await dumpState(redis, p))).toEqual([":credits:immature:400:0xh"]);
  });

  it("requires the members it must remove and the reward it must credit", async () => {
    const { writer, p } = writerAt();
    const block = { height: 1, nonce: "0x1", timestamp: 1, difficulty: 1, totalShares: 1, reward: 1n };
    expect(await codeOf(() => writer.writeImmatureBlock(block, {}))).toBe("ERR_INVALID_ARGUMENT"); // no candidateKey
    expect(await codeOf(() => writer.writeOrphan(block))).toBe("ERR_INVALID_ARGUMENT"); // no immatureKey
    expect(await codeOf(() => writer.writeMaturedBlock({ ...block, immatureKey: "k", reward: null }, {}))).toBe(
      "ERR_INVALID_ARGUMENT",
    );
    expect(await codeOf(() => writer.writeMaturedBlock({ ...block, immatureKey: "k", hash: "0x:1" }, {}))).toBe(
      "ERR_INVALID_ARGUMENT",
    );
    expect(await codeOf(() => writer.writeMaturedBlock({ ...block, immatureKey: "k" }, { [A]: -1n }))).toBe(
      "ERR_INVALID_ARGUMENT",
    );
    await writer.writePendingOrphans([]);
    expect(await dumpState(redis, p)).toEqual({});
  });

  it("aborts writeMaturedBlock, writing nothing, when the credit log changes between WATCH and EXEC", async () => {
    const { p } = writerAt();
    const other = redis.duplicate();
    const creditKey = `${p}:credits:immature:300:${hex(9, 64)}`;
    await redis.hset(creditKey, A, "100");
    // The real client, except that another client edits the log right after our HGETALL.
    const racing = new Proxy(redis, {
      get(target, key, receiver) {
        if (key !== "call") return Reflect.get(target, key, receiver);
        return async (name: string, ...args: string[]) => {
          const reply = await target.call(name, ...args);
          if (name === "hgetall") await other.hset(creditKey, B, "1");
          return reply;
        };
      },
    });
    const writer = new RedisPoolWriter(racing, { prefix: p, now: () => NOW_MS });
    const block = {
      height: 300,
      nonce: "0x1",
      hash: hex(9, 64),
      timestamp: 1,
      difficulty: 1,
      totalShares: 1,
      reward: 10n ** 18n,
      immatureKey: "m",
    };
    const error = await errorOf(() => writer.writeMaturedBlock(block, { [A]: 100n }));
    expect(error).toMatchObject({ code: "ERR_COMMAND_FAILED", partial: false });
    expect(Object.keys(await dumpState(redis, p))).toEqual([`:credits:immature:300:${hex(9, 64)}`]);
    await other.quit();
  });
});

describe("payouts", () => {
  it("lock, held lock, unlock", async () => {
    const { writer, p } = writerAt();
    expect(await writer.isPayoutsLocked()).toBe(false);
    await writer.lockPayouts(A, 500_000_000n);
    expect(await redis.get(`${p}:payments:lock`)).toBe(`${A}:500000000`);
    expect(await redis.ttl(`${p}:payments:lock`)).toBe(-1);
    const error = await errorOf(() => writer.lockPayouts(B, 1));
    expect(error.code).toBe("ERR_PAYOUTS_LOCKED");
    expect(error.message).toBe(`Unable to acquire lock '${p}:payments:lock'`);
    expect(await writer.isPayoutsLocked()).toBe(true);
    await writer.unlockPayouts();
    expect(await writer.isPayoutsLocked()).toBe(false);
  });

  it("rejects amounts that are not positive int64 and hashes with ':'", async () => {
    const { writer, p } = writerAt();
    for (const amount of [0, -5, 0.5, 1n << 63n]) {
      expect(await codeOf(() => writer.updateBalance(A, amount)), String(amount)).toBe("ERR_INVALID_ARGUMENT");
    }
    expect(await codeOf(() => writer.writePayment(A, "0x:1", 1))).toBe("ERR_INVALID_ARGUMENT");
    expect(await codeOf(() => writer.writeNodeState("a:b", 1, 1))).toBe("ERR_INVALID_ARGUMENT");
    expect(await dumpState(redis, p)).toEqual({});
  });
});
