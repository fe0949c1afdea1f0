import { describe, expect, it } from "vitest";
import { convertWorkersStats } from "../../src/convert/workers.js";
import { toGoJson } from "../../src/go/json.js";
import { workersStatsToGo } from "../../src/json/compat-shapes.js";
import type { MalformedReason } from "../../src/model/malformed.js";
import { recordingSink, zset } from "../support/sink.js";

const NOW = 1700000000;

const summary = (result: ReturnType<typeof convertWorkersStats>) =>
  Object.fromEntries(
    [...result.workers].map(([id, w]) => [id, { lastBeat: w.lastBeat, hr: w.hr, offline: w.offline, hr2: w.hr2 }]),
  );

describe("convertWorkersStats: an account's workers from P:hashrate:<login> (diff:worker:ms)", () => {
  it("gives the reference's account workers vector (§2.12)", () => {
    const result = convertWorkersStats(
      zset(
        [1699990000, "2000000000:rig1:1699990000000"],
        [1699998000, "2000000000:rig2:1699998000000"],
        [1699999000, "2000000000:rig1:1699999000000"],
        [1699999950, "2000000000:10:1699999950000"],
        [1699999960, "2000000000:9:1699999960000"],
      ),
      NOW,
      1800,
      10800,
    );
    expect(result).toMatchObject({
      currentHashrate: 7777777n,
      hashrate: 8066666n,
      workersTotal: 4,
      workersOnline: 2,
      workersOffline: 2,
    });
    expect(summary(result)).toEqual({
      "10": { lastBeat: 1699999950, hr: 3333333n, offline: false, hr2: 3333333n },
      "9": { lastBeat: 1699999960, hr: 3333333n, offline: false, hr2: 3333333n },
      rig1: { lastBeat: 1699999000, hr: 1111111n, offline: true, hr2: 400000n },
      rig2: { lastBeat: 1699998000, hr: 0n, offline: true, hr2: 1000000n },
    });
    expect(toGoJson(workersStatsToGo({ ...result, malformed: {} }))).toBe(
      '{"currentHashrate":7777777,"hashrate":8066666,"workers":{' +
        '"10":{"lastBeat":1699999950,"hr":3333333,"offline":false,"hr2":3333333},' +
        '"9":{"lastBeat":1699999960,"hr":3333333,"offline":false,"hr2":3333333},' +
        '"rig1":{"lastBeat":1699999000,"hr":1111111,"offline":true,"hr2":400000},' +
        '"rig2":{"lastBeat":1699998000,"hr":0,"offline":true,"hr2":1000000}},' +
        '"workersOffline":2,"workersOnline":2,"workersTotal":4}',
    );
  });

  it("counts a share in hr from exactly now − small on (score ≥ now − small)", () => {
    const result = convertWorkersStats(
      zset([NOW - 1801, "1800000:w:1"], [NOW - 1800, "1800000:w:2"]),
      NOW,
      1800,
      10800,
    );
    // startedAt = now − 1801 → divisors min(1801, 1800) = 1800 and min(1801, 10800) = 1801
    expect(summary(result).w).toEqual({ lastBeat: NOW - 1800, hr: 1000n, offline: true, hr2: 1998n });
  });

  it("floors the time online at 600 s for both windows", () => {
    const result = convertWorkersStats(zset([NOW - 10, "6000:w:1"]), NOW, 1800, 10800);
    expect(summary(result).w).toMatchObject({ hr: 10n, hr2: 10n });
  });

  it.each([
    [1801, 900, false],
    [1801, 901, true],
    [1800, 901, true],
    [1, 0, false],
  ])("small window %d: last share %d s ago → offline %s (integer halving)", (small, ago, offline) => {
    const result = convertWorkersStats(zset([NOW - ago, "1:w:1"]), NOW, small, 10800);
    expect(result.workers.get("w")?.offline).toBe(offline);
    expect(result.workersOffline).toBe(offline ? 1 : 0);
    expect(result.workersOnline).toBe(offline ? 0 : 1);
  });

  it("treats a startedAt of 0 as unset", () => {
    const result = convertWorkersStats(zset([0, "1000:w:1"], [NOW - 1000, "1000:w:2"]), NOW, 1800, 10800);
    expect(result.workers.get("w")).toMatchObject({ startedAt: NOW - 1000, hr2: 2n, hr: 1n });
  });

  it("keeps sums beyond int64 exact", () => {
    const shares = [1, 2, 3].map((ms) => [NOW - 600, `4000000000000000000:w:${ms}`] as const);
    const result = convertWorkersStats(zset(...shares), NOW, 1800, 10800);
    expect(result.currentHashrate).toBe(20000000000000000n);
    expect(result.hashrate).toBe(20000000000000000n);
  });

  it("sums already-truncated per-worker rates (totals come out a little low, as in the original)", () => {
    const result = convertWorkersStats(zset([NOW - 600, "1000:a:1"], [NOW - 600, "1000:b:1"]), NOW, 1800, 10800);
    expect(result.currentHashrate).toBe(2n); // 1000/600 = 1 twice, not 2000/600 = 3
  });

  it("gives an empty account for an empty key", () => {
    const result = convertWorkersStats([], NOW, 1800, 10800);
    expect(toGoJson(workersStatsToGo({ ...result, malformed: {} }))).toBe(
      '{"currentHashrate":0,"hashrate":0,"workers":{},"workersOffline":0,"workersOnline":0,"workersTotal":0}',
    );
  });

  it.each<[string, string | number, string, MalformedReason]>([
    ["a member without ':'", NOW, "2000000000", "too-few-fields"],
    ["a decimal diff", NOW, "2.5:w:1", "not-an-integer"],
    ["a hex diff", NOW, "0x10:w:1", "not-an-integer"],
    ["a -inf score", "-inf", "1:w:1", "bad-score"],
    ["a NaN score", "nan", "1:w:1", "bad-score"],
  ])("skips %s and reports it", (_name, score, member, reason) => {
    const { sink, skipped } = recordingSink();
    const result = convertWorkersStats(zset([NOW, "6000:ok:1"], [score, member]), NOW, 1800, 10800, sink);
    expect(skipped).toEqual([[member, reason]]);
    expect([...result.workers.keys()]).toEqual(["ok"]);
    expect(result.currentHashrate).toBe(10n);
  });
});
