import fc from "fast-check";
import type { Redis } from "ioredis";
import type { PoolKeys } from "../../../src/keys/pool-keys.js";
import { GO_BOOLS, isGoInt, member, shapedMember, soup } from "./junk.js";

/**
 * Junk for a real Redis: what each key the backend reads may hold, written with ioredis
 * (members and fields as Buffers, so invalid UTF-8 reaches Redis byte for byte), and an
 * oracle of how many values each read must report malformed.
 */

/** Bytes that are not UTF-8: a stray continuation, 0xFF, an overlong NUL, a UTF-16 surrogate, a cut sequence. */
const BAD_UTF8 = [[0x80], [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82]] as const;

/** `text` as UTF-8 with invalid sequences spliced in at some places (often none). */
const bytesOf = (text: fc.Arbitrary<string>): fc.Arbitrary<Buffer> =>
  fc
    .tuple(text, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...BAD_UTF8)), { maxLength: 2 }))
    .map(([value, splices]) => {
      let bytes = Buffer.from(value, "utf8");
      for (const [at, bad] of splices) {
        const cut = at % (bytes.length + 1);
        bytes = Buffer.concat([bytes.subarray(0, cut), Buffer.from(bad), bytes.subarray(cut)]);
      }
      return bytes;
    });

/** A score Redis accepts, with the double it stores. */
export interface RedisScore {
  readonly text: string;
  readonly value: number;
}

const redisScore = (nowS: number): fc.Arbitrary<RedisScore> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.integer({ min: nowS - 12_000, max: nowS + 60 }).map((n) => ({ text: String(n), value: n })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: -1000, max: 20_000_000 }).map((n) => ({ text: `${n}.75`, value: n + 0.75 })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<RedisScore>(
        { text: "+inf", value: Number.POSITIVE_INFINITY },
        { text: "-inf", value: Number.NEGATIVE_INFINITY },
        { text: "1e308", value: 1e308 },
        { text: "-1e308", value: -1e308 },
        { text: "9.3e18", value: 9.3e18 }, // beyond int64
        { text: "0", value: 0 },
        { text: "-0", value: -0 },
      ),
    },
  );

/** What one key holds: a sorted set, a hash, or a value of the wrong type. */
export type KeyContent =
  | { readonly type: "zset"; readonly members: readonly (readonly [Buffer, RedisScore])[] }
  | { readonly type: "hash"; readonly fields: readonly (readonly [Buffer, Buffer])[] }
  | { readonly type: "wrong"; readonly as: "string" | "list" | "set" }
  | { readonly type: "none" };

const wrongType = fc.constantFrom("string", "list", "set").map((as) => ({ type: "wrong" as const, as }));

/** A sorted set of `kinds`-shaped members (and junk), 10% of the time another type, 5% absent. */
export function zsetContent(nowS: number, ...shapes: string[]): fc.Arbitrary<KeyContent> {
  const members = bytesOf(fc.oneof({ weight: 3, arbitrary: fc.oneof(...shapes.map(shapedMember)) }, member));
  return fc.oneof(
    {
      weight: 17,
      arbitrary: fc
        .array(fc.tuple(members, redisScore(nowS)), { maxLength: 14 })
        .map((list) => ({ type: "zset" as const, members: list })),
    },
    { weight: 2, arbitrary: wrongType },
    { weight: 1, arbitrary: fc.constant({ type: "none" as const }) },
  );
}

/** A hash of junk fields and values (node-state fields `node:attribute` now and then). */
export function hashContent(extraFields: fc.Arbitrary<string> = soup): fc.Arbitrary<KeyContent> {
  const fields = fc.array(fc.tuple(bytesOf(fc.oneof(soup, extraFields, member)), bytesOf(fc.oneof(soup, member))), {
    maxLength: 10,
  });
  return fc.oneof(
    { weight: 17, arbitrary: fields.map((list) => ({ type: "hash" as const, fields: list })) },
    { weight: 2, arbitrary: wrongType },
    { weight: 1, arbitrary: fc.constant({ type: "none" as const }) },
  );
}

/** Writes `content` to `key` (which must not exist yet). */
export async function writeKey(redis: Redis, key: string, content: KeyContent): Promise<void> {
  switch (content.type) {
    case "zset":
      // One ZADD per member: a repeated member keeps its last score, as the oracle assumes.
      for (const [m, s] of content.members) await redis.zadd(key, s.text, m);
      return;
    case "hash":
      for (const [f, v] of content.fields) await redis.hset(key, f, v);
      return;
    case "wrong":
      if (content.as === "string") await redis.set(key, "junk");
      else if (content.as === "list") await redis.rpush(key, "junk");
      else await redis.sadd(key, "junk");
      return;
    case "none":
      return;
  }
}

/** The members Redis ends up holding (by bytes: a repeated member keeps its last score), as ioredis decodes them. */
export function storedMembers(content: KeyContent): { member: string; score: number }[] {
  if (content.type !== "zset") return [];
  const byBytes = new Map<string, { member: string; score: number }>();
  for (const [m, s] of content.members) byBytes.set(m.toString("hex"), { member: m.toString("utf8"), score: s.value });
  return [...byBytes.values()];
}

/** The fields ioredis hands over: decoded, so fields equal after decoding merge (the last one wins). */
export function decodedFields(content: KeyContent): Map<string, string> {
  const fields = new Map<string, string>();
  if (content.type !== "hash") return fields;
  const byBytes = new Map<string, [string, string]>();
  for (const [f, v] of content.fields) byBytes.set(f.toString("hex"), [f.toString("utf8"), v.toString("utf8")]);
  for (const [f, v] of byBytes.values()) fields.set(f, v);
  return fields;
}

const readable = (score: number): boolean => Number.isFinite(score) && Math.abs(score) < 2 ** 63;

/** The original's verdict on a block-list or payment member, restated from the reference. */
export type RowVerdict = "row" | "skip";

export const verdicts = {
  candidate: (m: string, score: number): RowVerdict => {
    const p = m.split(":");
    return readable(score) && p.length >= 6 && isGoInt(p[3]) && isGoInt(p[4]) && isGoInt(p[5]) ? "row" : "skip";
  },
  block: (m: string, score: number): RowVerdict => {
    const p = m.split(":");
    const ok = readable(score) && p.length >= 8 && [p[0], p[4], p[5], p[6]].every(isGoInt) && GO_BOOLS.has(p[1] ?? "");
    return ok ? "row" : "skip";
  },
  payment: (m: string, score: number): RowVerdict => {
    const p = m.split(":");
    return readable(score) && p.length >= 2 && isGoInt(p.length >= 3 ? p[2] : p[1]) ? "row" : "skip";
  },
  share: (m: string, score: number): RowVerdict => {
    const p = m.split(":");
    return readable(score) && p.length >= 2 && isGoInt(p[0]) ? "row" : "skip";
  },
};

/** Malformed members of a zset key by `verdict`, among those with score ≥ `from`; a wrong type counts once. */
export function expectedSkips(
  content: KeyContent,
  verdict: (member: string, score: number) => RowVerdict,
  from = Number.NEGATIVE_INFINITY,
): number {
  if (content.type === "wrong") return 1;
  return storedMembers(content).filter((s) => s.score >= from && verdict(s.member, s.score) === "skip").length;
}

/** Blocks (immature or matured) the luck rows leave out: not a finite `shares / difficulty`. */
export function expectedLuckSkips(content: KeyContent): number {
  return storedMembers(content).filter((s) => {
    if (verdicts.block(s.member, s.score) !== "row") return false;
    const p = s.member.split(":");
    return !Number.isFinite(Number(BigInt(p[6] as string)) / Number(BigInt(p[5] as string)));
  }).length;
}

/** Every key the backend reads, for one login. */
export function junkKeys(keys: PoolKeys, login: string) {
  return {
    hashrate: keys.hashrate(),
    minerHashrate: keys.minerHashrate(login),
    candidates: keys.candidates(),
    immature: keys.immature(),
    matured: keys.matured(),
    payments: keys.payments(),
    minerPayments: keys.minerPayments(login),
    stats: keys.stats(),
    miner: keys.miner(login),
    roundCurrent: keys.roundCurrent(),
    nodes: keys.nodes(),
  };
}
