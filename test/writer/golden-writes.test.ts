import { describe, expect, it } from "vitest";
import { isPoolStatsError } from "../../src/errors/pool-stats-error.js";
import { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";
import { applyCommands, dumpState, loadGoldenExact, rekey, seedGolden } from "../support/golden.js";
import { fixedClock, useRedis } from "../support/redis.js";
import { callWriter, WRITERS } from "./go-writer-calls.js";

const { redis, prefix } = useRedis();
const scenario = loadGoldenExact("b_small_pool");

/** Runs a call and returns Go's view of it: `{ result }` or `{ error }` (the message). */
async function outcome(run: () => Promise<unknown>): Promise<{ result?: unknown; error?: string }> {
  try {
    return { result: await run() };
  } catch (error) {
    if (!isPoolStatsError(error)) throw error;
    return { error: error.message };
  }
}

describe("golden b_small_pool: every writer call of the original", () => {
  const calls = scenario.calls.filter((call) => WRITERS.has(call.fn));

  it("covers every writer the recording called, duplicate PoW, window 0 and the held lock included", () => {
    expect(new Set(calls.map((c) => c.fn))).toEqual(WRITERS);
    expect(calls.some((c) => c.fn === "WriteShare" && c.result === true)).toBe(true);
    expect(calls.some((c) => c.fn === "WriteShare" && c.args.window === "0s")).toBe(true);
    expect(calls.some((c) => c.fn === "LockPayouts" && c.error)).toBe(true);
  });

  for (const call of calls) {
    it(`${call.fn}${call.note ? ` (${call.note})` : ""}`, async () => {
      const p = prefix();
      await seedGolden(redis, scenario, p);
      const writer = new RedisPoolWriter(redis, { prefix: p, now: () => scenario.nowMs });
      const got = await outcome(() => callWriter(writer, call.fn, call.args));
      if (call.error) {
        // The original's message names the key: "Unable to acquire lock 'eth:payments:lock'".
        expect(got.error).toBe(call.error.replace(`'${scenario.prefix}:`, `'${p}:`));
      } else {
        expect(got).toEqual({ result: call.result });
      }
      const reference = prefix();
      await seedGolden(redis, scenario, reference);
      await applyCommands(redis, call.stateDelta ?? [], scenario.prefix, reference);
      expect(await dumpState(redis, p)).toEqual(await dumpState(redis, reference));
    });
  }
});

describe("golden b_small_pool: the whole seedLog replayed through our writer", () => {
  it("builds exactly the recorded state, each call returning what the original's did", async () => {
    const log = scenario.seedLog ?? [];
    expect(log.length).toBeGreaterThan(300);
    const p = prefix();
    const clock = fixedClock(0);
    const writer = new RedisPoolWriter(redis, { prefix: p, now: clock.now });
    for (const [i, entry] of log.entries()) {
      if (entry.raw !== undefined) {
        const [name, key, ...rest] = entry.raw;
        const reply = await redis.call(name as string, rekey(key as string, scenario.prefix, p), ...rest);
        expect(reply, `seedLog[${i}] ${name}`).toEqual(entry.rawReply);
        continue;
      }
      clock.set(entry.nowMs as number);
      const got = await outcome(() => callWriter(writer, entry.fn as string, entry.args ?? {}));
      const expected = entry.error ? { error: entry.error } : { result: entry.return ?? null };
      expect(got, `seedLog[${i}] ${entry.fn}`).toEqual(expected);
    }
    const reference = prefix();
    await seedGolden(redis, scenario, reference);
    expect(await dumpState(redis, p)).toEqual(await dumpState(redis, reference));
  });
});
