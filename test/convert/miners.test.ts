import { describe, expect, it } from "vitest";
import { convertMinersStats } from "../../src/convert/miners.js";
import { toGoJson } from "../../src/go/json.js";
import { minersToGo } from "../../src/json/compat-shapes.js";
import type { MalformedReason } from "../../src/model/malformed.js";
import { recordingSink, zset } from "../support/sink.js";

const NOW = 1700000000;
const A = `0x${"a".repeat(40)}`;
const B = `0x${"b".repeat(40)}`;

const summary = (result: ReturnType<typeof convertMinersStats>) =>
  Object.fromEntries(
    [...result.miners].map(([login, m]) => [login, { lastBeat: m.lastBeat, hr: m.hr, offline: m.offline }]),
  );

describe("convertMinersStats: pool miners from P:hashrate (diff:login:worker:ms)", () => {
  it("gives the reference's pool miners vector (§2.12)", () => {
    const result = convertMinersStats(
      zset(
        [1699998300, `2000000000:${B}:0:1699998300000`],
        [1699999000, `2000000000:${A}:rig1:1699999000123`],
        [1699999500, `2000000000:${A}:rig2:1699999500000`],
        [1699999999, `4000000000:${B}:0:1699999999000`],
      ),
      NOW,
      1800,
    );
    expect(result.hashrate).toBe(7529411n);
    expect(result.miners.size).toBe(2);
    expect(summary(result)).toEqual({
      [A]: { lastBeat: 1699999500, hr: 4000000n, offline: false }, // 4e9 / max(600, 1000)
      [B]: { lastBeat: 1699999999, hr: 3529411n, offline: false }, // 6e9 / 1700, truncated
    });
    expect(toGoJson(minersToGo(result.miners))).toBe(
      `{"${A}":{"lastBeat":1699999500,"hr":4000000,"offline":false},"${B}":{"lastBeat":1699999999,"hr":3529411,"offline":false}}`,
    );
  });

  it.each([
    // [seconds since the first share, window, expected divisor]
    [1, 1800, 600],
    [599, 1800, 600],
    [600, 1800, 600],
    [601, 1800, 601],
    [1799, 1800, 1799],
    [1800, 1800, 1800],
    [5000, 1800, 1800],
    [100, 300, 300], // a window below the floor caps the divisor
    [100, 1, 1],
  ])("floors the time online at 600 s: first share %d s ago, window %d → divisor %d", (ago, window, divisor) => {
    const sum = 6_000_000_000_000n;
    const result = convertMinersStats(zset([NOW - ago, `${sum}:${A}:w:1`]), NOW, window);
    expect(result.miners.get(A)?.hr).toBe(sum / BigInt(divisor));
  });

  it.each([
    // [window, seconds since the last share, offline]
    [1800, 900, false],
    [1800, 901, true],
    [1801, 900, false],
    [1801, 901, true], // 1801/2 is 900 in integer halving (901 if rounded up)
    [1799, 899, false],
    [1799, 900, true],
    [3, 1, false],
    [3, 2, true],
    [1, 0, false],
    [1, 1, true], // 1/2 = 0: offline as soon as the last share is older than now
  ])("window %d: last share %d s ago → offline %s", (window, ago, offline) => {
    const result = convertMinersStats(zset([NOW - ago, `1:${A}:w:1`]), NOW, window);
    expect(result.miners.get(A)?.offline).toBe(offline);
  });

  it("treats a startedAt of 0 as unset (a score of 0 is overtaken by the next score)", () => {
    const result = convertMinersStats(zset([0, `1000000000:${A}:w:1`], [NOW - 1000, `1000000000:${A}:w:2`]), NOW, 1800);
    const miner = result.miners.get(A);
    expect(miner?.startedAt).toBe(NOW - 1000);
    expect(miner?.hr).toBe(2000000n); // 2e9 / 1000, not 2e9 / 1800
    expect(miner?.lastBeat).toBe(NOW - 1000);
  });

  it("keeps a negative first score as startedAt, and lastBeat starts at 0", () => {
    const result = convertMinersStats(zset([-5, `1800:${A}:w:1`], [0, `1800:${A}:w:2`]), NOW, 1800);
    expect(result.miners.get(A)).toMatchObject({ startedAt: -5, lastBeat: 0, hr: 2n, offline: true }); // 3600 / min(now + 5, 1800);
  });

  it("keeps sums beyond int64 exact (the original wraps: 3 × 4e18 → −6446744073709551616)", () => {
    const shares = [1, 2, 3].map((ms) => [NOW - 1000, `4000000000000000000:${A}:w:${ms}`] as const);
    const result = convertMinersStats(zset(...shares), NOW, 1800);
    expect(result.miners.get(A)?.hr).toBe(12000000000000000000n / 1000n);
  });

  it("keeps the pool total beyond int64 exact", () => {
    const result = convertMinersStats(
      zset(
        [NOW, `4000000000000000000:${A}:w:1`],
        [NOW, `4000000000000000000:${A}:w:2`],
        [NOW, `4000000000000000000:${B}:w:1`],
        [NOW, `4000000000000000000:${B}:w:2`],
      ),
      NOW,
      1, // divisor 1: hr = sum
    );
    expect(result.hashrate).toBe(16000000000000000000n);
  });

  it("groups by login only (worker ids are ignored) and reads members with just diff:login", () => {
    const result = convertMinersStats(zset([NOW, `5:${A}`], [NOW, `7:${A}:rig:1:extra`], [NOW, "11:"]), NOW, 1);
    expect(summary(result)).toEqual({
      [A]: { lastBeat: NOW, hr: 12n, offline: false },
      "": { lastBeat: NOW, hr: 11n, offline: false },
    });
  });

  it("gives no miners and hashrate 0 for an empty window", () => {
    const result = convertMinersStats([], NOW, 1800);
    expect(result).toEqual({
      hashrate: 0n,
      hashrateUncertainty: { shares: 0, relativeError: null, low: 0n, high: 0n },
      miners: new Map(),
    });
    expect(toGoJson(minersToGo(result.miners))).toBe("{}");
  });

  it.each<[string, string | number, string, MalformedReason]>([
    ["a member without ':'", NOW, "2000000000", "too-few-fields"],
    ["an empty member", NOW, "", "too-few-fields"],
    ["a non-integer diff", NOW, `2e9:${A}:w:1`, "not-an-integer"],
    ["an empty diff", NOW, `:${A}:w:1`, "not-an-integer"],
    ["an +inf score (survives every trim)", "inf", `2000000000:${A}:w:1`, "bad-score"],
    ["a score beyond int64", "1e19", `2000000000:${A}:w:1`, "bad-score"],
  ])("skips %s and reports it", (_name, score, member, reason) => {
    const { sink, skipped } = recordingSink();
    const result = convertMinersStats(zset([NOW - 700, `600:${B}:w:1`], [score, member]), NOW, 1800, sink);
    expect(skipped).toEqual([[member, reason]]);
    expect(summary(result)).toEqual({ [B]: { lastBeat: NOW - 700, hr: 0n, offline: false } });
  });
});
