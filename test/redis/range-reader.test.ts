import { describe, expect, it } from "vitest";
import { readScoreRange } from "../../src/redis/range-reader.js";
import { useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();

async function readAll(key: string, from: number, chunkSize: number) {
  const seen: string[] = [];
  const result = await readScoreRange(redis, {
    key,
    from,
    nowS: 1000,
    chunkSize,
    onChunk: (chunk) => {
      for (let i = 0; i < chunk.length; i += 2) seen.push(`${chunk[i]}@${chunk[i + 1]}`);
    },
    operation: "test",
  });
  return { seen, result };
}

describe("readScoreRange", () => {
  it("delivers every member once, in order, across slices, equal scores, fractions, future and +inf", async () => {
    const key = `${prefix()}:z`;
    const args: (string | number)[] = [];
    for (let i = 0; i < 200; i++) args.push(900 + (i % 97), `m${String(i).padStart(3, "0")}`);
    for (let i = 0; i < 40; i++) args.push(950, `same${i}`); // a crowd at one score
    args.push(950.5, "half", 1500, "future", "+inf", "forever", 100, "too-old");
    await redis.zadd(key, ...args);
    const flat = await redis.zrange(key, "900", "+inf", "BYSCORE", "WITHSCORES");
    const expected: string[] = [];
    for (let i = 0; i < flat.length; i += 2) expected.push(`${flat[i]}@${flat[i + 1]}`);
    for (const chunkSize of [1, 3, 7, 50, 1000]) {
      const { seen, result } = await readAll(key, 900, chunkSize);
      expect(seen, `chunk ${chunkSize}`).toEqual(expected);
      expect(result.members).toBe(expected.length);
      if (chunkSize < expected.length) expect(result.commands).toBeGreaterThan(1);
    }
  });

  it("is one round trip for a small range, with the extra commands in the same MULTI", async () => {
    const key = `${prefix()}:z`;
    await redis.zadd(key, 1, "a", 2, "b");
    const result = await readScoreRange(redis, {
      key,
      from: 0,
      nowS: 10,
      chunkSize: 100,
      head: { card: ["zcard", key] },
      tail: { count: ["zcount", key, "0", "+inf"] },
      onChunk: () => {},
      operation: "test",
    });
    expect(result.commands).toBe(1);
    expect(result.head.card).toEqual({ ok: true, value: 2 });
    expect(result.tail.count).toEqual({ ok: true, value: 2 });
  });

  it("reads a key of another type as empty and says so", async () => {
    const key = `${prefix()}:s`;
    await redis.set(key, "not a zset");
    const { seen, result } = await readAll(key, 0, 10);
    expect(seen).toEqual([]);
    expect(result.wrongType).toBe(true);
  });
});

describe("readScoreRange keeps every command bounded", () => {
  it("reads a crowd of future scores in pages, and a single crowded score whole", async () => {
    const key = `${prefix()}:z`;
    const args: (string | number)[] = [];
    for (let i = 0; i < 120; i++) args.push(990 + (i % 10), `now${String(i).padStart(3, "0")}`);
    for (let i = 0; i < 300; i++) args.push(2000 + i, `future${String(i).padStart(3, "0")}`); // clocks ahead
    for (let i = 0; i < 25; i++) args.push(5000, `crowd${i}`); // one score, more than a chunk
    args.push("+inf", "forever");
    await redis.zadd(key, ...args);
    const { seen, result } = await readAll(key, 900, 20);
    const flat = await redis.zrange(key, "900", "+inf", "BYSCORE", "WITHSCORES");
    const expected: string[] = [];
    for (let i = 0; i < flat.length; i += 2) expected.push(`${flat[i]}@${flat[i + 1]}`);
    expect(seen).toEqual(expected);
    expect(result.largestReply).toBeLessThanOrEqual(25); // only the single crowded score exceeds 20
    expect(result.commands).toBeGreaterThan(15);
  });
});
