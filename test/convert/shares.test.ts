import { describe, expect, it } from "vitest";
import {
  addShare,
  aggregateShares,
  emptyAggregate,
  isOffline,
  MIN_TIME_ONLINE_S,
  rate,
  startedAtOf,
} from "../../src/convert/shares.js";
import { recordingSink, zset } from "../support/sink.js";

describe("share aggregation primitives (shared by pool miners and account workers)", () => {
  it("addShare keeps sums, recent sums, max(0, scores) and the Go startedAt rule", () => {
    const aggregate = emptyAggregate();
    for (const [diff, score, recent] of [
      [5n, 0, false],
      [7n, 100, false],
      [11n, 300, true],
      [13n, 200, true], // out of order: lastBeat stays 300, startedAt stays 100
    ] as const) {
      addShare(aggregate, diff, score, recent);
    }
    expect(aggregate).toEqual({ sum: 36n, recentSum: 24n, shares: 4, recentShares: 2, lastBeat: 300, startedAt: 100 });
  });

  it.each([
    // [scores in ascending order, the original's startedAt]
    [[100, 200], 100],
    [[0, 200], 200],
    [[0, 0, 200], 200],
    [[0], 0],
    [[-5, 0, 10], -5],
    [[-5], -5],
  ])("startedAt over ascending scores %j is %d, whether folded or computed from minima", (scores, expected) => {
    const aggregate = emptyAggregate();
    for (const score of scores) addShare(aggregate, 1n, score, true);
    expect(aggregate.startedAt).toBe(expected);
    const positive = scores.filter((s) => s > 0);
    expect(startedAtOf(Math.min(...scores), positive.length > 0 ? Math.min(...positive) : undefined)).toBe(expected);
  });

  it("aggregateShares groups by field 1 in first-seen order and splits recent from old shares", () => {
    const groups = aggregateShares(zset([10, "1:b:x"], [20, "2:a:y"], [30, "4:b:z"], [40, "8:a"]), 25);
    expect([...groups.keys()]).toEqual(["b", "a"]);
    expect(groups.get("b")).toEqual({
      sum: 5n,
      recentSum: 4n,
      shares: 2,
      recentShares: 1,
      lastBeat: 30,
      startedAt: 10,
    });
    expect(groups.get("a")).toEqual({
      sum: 10n,
      recentSum: 8n,
      shares: 2,
      recentShares: 1,
      lastBeat: 40,
      startedAt: 20,
    });
  });

  it("aggregateShares skips malformed members with their reason", () => {
    const { sink, skipped } = recordingSink();
    const groups = aggregateShares(zset([1, "nocolon"], [2, "x:a"], ["inf", "1:a"], [3, "3:a"]), 0, sink);
    expect(skipped).toEqual([
      ["nocolon", "too-few-fields"],
      ["x:a", "not-an-integer"],
      ["1:a", "bad-score"],
    ]);
    expect(groups.get("a")?.sum).toBe(3n);
  });

  it("rate divides by min(max(now − startedAt, 600), window), truncating toward zero", () => {
    expect(MIN_TIME_ONLINE_S).toBe(600);
    expect(rate(1199n, 1000, 900, 1800)).toBe(1n); // 1199/600
    expect(rate(-1199n, 1000, 900, 1800)).toBe(-1n); // toward zero, not floor
    expect(rate(3601n, 5000, 1000, 1800)).toBe(2n); // 3601/1800
    expect(rate(3601n, 5000, 3000, 3600)).toBe(1n); // 3601/2000
    expect(rate(7n, 5000, 6000, 1800)).toBe(0n); // startedAt in the future: floor 600
  });

  it("isOffline: lastBeat < now − trunc(window / 2)", () => {
    expect(isOffline(99, 1000, 1801)).toBe(true); // threshold 100 (rounding 900.5 up would give 99)
    expect(isOffline(100, 1000, 1801)).toBe(false);
    expect(isOffline(99, 1000, 1800)).toBe(true);
    expect(isOffline(100, 1000, 1800)).toBe(false);
    expect(isOffline(999, 1000, 1)).toBe(true);
    expect(isOffline(1000, 1000, 1)).toBe(false);
  });
});
