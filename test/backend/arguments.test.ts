import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.js";
import { InvalidDurationError } from "../../src/errors/invalid-duration-error.js";
import { useRedis } from "../support/redis.js";

const LOGIN = `0x${"8e".repeat(20)}`;
const { redis, prefix } = useRedis();

/**
 * `redis` behind a proxy that records every method the backend calls on it (`multi`,
 * `pipeline`, `call`, …): an invalid argument must be rejected before any of them.
 */
function recordingClient(): { client: Redis; calls: string[] } {
  const calls: string[] = [];
  const client = new Proxy(redis, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return value.apply(target, args);
      };
    },
  });
  return { client, calls };
}

/** A client that never connected and queues nothing: any command it is given fails at once. */
const closed = new Redis(inject("redisUrl"), { lazyConnect: true, enableOfflineQueue: false });
afterAll(() => closed.disconnect());

type Call = (backend: RedisStatsBackend) => Promise<unknown>;

const cases: [string, Call, typeof InvalidArgumentError | typeof InvalidDurationError, string?][] = [
  ["collectStats(0 ms)", (b) => b.collectStats(0, 50, 30), InvalidArgumentError, "window"],
  ['collectStats("0s")', (b) => b.collectStats("0s", 50, 30), InvalidArgumentError, "window"],
  ['collectStats("999ms") (0 whole seconds)', (b) => b.collectStats("999ms", 50, 30), InvalidArgumentError, "window"],
  ['collectStats("abc")', (b) => b.collectStats("abc", 50, 30), InvalidDurationError],
  ["collectStats(-1 ms)", (b) => b.collectStats(-1, 50, 30), InvalidDurationError],
  ['collectStats("-30m")', (b) => b.collectStats("-30m", 50, 30), InvalidDurationError],
  ["collectStats(NaN)", (b) => b.collectStats(Number.NaN, 50, 30), InvalidDurationError],
  ["collectStats maxBlocks -1", (b) => b.collectStats("30m", -1, 30), InvalidArgumentError, "maxBlocks"],
  ["collectStats maxBlocks 1.5", (b) => b.collectStats("30m", 1.5, 30), InvalidArgumentError, "maxBlocks"],
  ["collectStats maxBlocks NaN", (b) => b.collectStats("30m", Number.NaN, 30), InvalidArgumentError, "maxBlocks"],
  ["collectStats maxPayments -1", (b) => b.collectStats("30m", 50, -1), InvalidArgumentError, "maxPayments"],
  [
    "collectStats maxPayments Infinity",
    (b) => b.collectStats("30m", 50, Infinity),
    InvalidArgumentError,
    "maxPayments",
  ],
  ["collectLuckStats([])", (b) => b.collectLuckStats([]), InvalidArgumentError, "windows"],
  ["collectLuckStats([0])", (b) => b.collectLuckStats([0]), InvalidArgumentError, "windows[0]"],
  ["collectLuckStats([64, -1])", (b) => b.collectLuckStats([64, -1]), InvalidArgumentError, "windows[1]"],
  ["collectLuckStats([1.5])", (b) => b.collectLuckStats([1.5]), InvalidArgumentError, "windows[0]"],
  ["collectLuckStats(not an array)", (b) => b.collectLuckStats("64" as never), InvalidArgumentError, "windows"],
  ['getMinerStats("")', (b) => b.getMinerStats("", 30), InvalidArgumentError, "login"],
  ["getMinerStats(non-string)", (b) => b.getMinerStats(42 as never, 30), InvalidArgumentError, "login"],
  ["getMinerStats maxPayments -1", (b) => b.getMinerStats(LOGIN, -1), InvalidArgumentError, "maxPayments"],
  [
    'collectWorkersStats("0s", …)',
    (b) => b.collectWorkersStats("0s", "3h", LOGIN),
    InvalidArgumentError,
    "smallWindow",
  ],
  [
    'collectWorkersStats(…, "0", …)',
    (b) => b.collectWorkersStats("30m", "0", LOGIN),
    InvalidArgumentError,
    "largeWindow",
  ],
  ['collectWorkersStats(…, "abc", …)', (b) => b.collectWorkersStats("30m", "abc", LOGIN), InvalidDurationError],
  ['collectWorkersStats(…, "")', (b) => b.collectWorkersStats("30m", "3h", ""), InvalidArgumentError, "login"],
  ['minerExists("")', (b) => b.minerExists(""), InvalidArgumentError, "login"],
  ['flushStaleStats("0", …)', (b) => b.flushStaleStats("0", "3h"), InvalidArgumentError, "window"],
  ['flushStaleStats(…, "0s")', (b) => b.flushStaleStats("30m", "0s"), InvalidArgumentError, "largeWindow"],
  ['flushStaleStats(…, "1d")', (b) => b.flushStaleStats("30m", "1d"), InvalidDurationError],
];

describe("invalid arguments reject with a typed error before any Redis command", () => {
  it.each(cases)("%s", async (_name, call, errorClass, argument) => {
    const { client, calls } = recordingClient();
    const error = await call(new RedisStatsBackend(client, { prefix: prefix() })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(errorClass);
    if (argument !== undefined) expect(error).toMatchObject({ code: "ERR_INVALID_ARGUMENT", path: argument });
    else expect(error).toMatchObject({ code: "ERR_INVALID_DURATION" });
    expect(calls).toEqual([]);

    // With a client that cannot send anything, the same typed error (not BackendUnavailableError).
    await expect(call(new RedisStatsBackend(closed, { prefix: prefix() }))).rejects.toBeInstanceOf(errorClass);
  });

  it("the recording client does see the commands of a valid call (the check above can fail)", async () => {
    const { client, calls } = recordingClient();
    await new RedisStatsBackend(client, { prefix: prefix() }).collectStats("30m", 50, 30);
    expect(calls).toContain("multi");
  });

  it.each([
    ["an empty prefix", { prefix: "" }, "prefix"],
    ["a non-string prefix", { prefix: 5 as never }, "prefix"],
    ["scanCount 0", { prefix: "eth", scanCount: 0 }, "scanCount"],
    ["scanCount 2.5", { prefix: "eth", scanCount: 2.5 }, "scanCount"],
    ["a clock that is not a function", { prefix: "eth", now: 1_700_000_000_000 as never }, "now"],
  ])("the constructor rejects %s", (_name, options, argument) => {
    expect(() => new RedisStatsBackend(redis, options)).toThrow(InvalidArgumentError);
    try {
      new RedisStatsBackend(redis, options);
    } catch (error) {
      expect(error).toMatchObject({ path: argument });
    }
  });
});
