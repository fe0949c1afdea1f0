import { describe, expect, it } from "vitest";
import { addExact, subtractExact } from "../../src/window/exact-sum.js";
import { LoginSeries } from "../../src/window/login-series.js";

describe("LoginSeries", () => {
  it("keeps entries sorted by second whatever the arrival order, merging equal seconds", () => {
    const series = new LoginSeries();
    for (const second of [10, 12, 11, 12, 9, 15]) series.add(second, 2);
    expect(series.count).toBe(6);
    expect(series.sum).toBe(12);
    expect(series.entries).toBe(5);
    expect(series.firstSecond()).toBe(9);
    expect(series.lastSecond()).toBe(15);
  });

  it("evicts from the front and truncates from the back, keeping count and sum exact", () => {
    const series = new LoginSeries();
    for (let second = 1; second <= 10; second++) series.add(second, second);
    expect(series.evictBefore(4)).toBe(3);
    expect(series.sum).toBe(4 + 5 + 6 + 7 + 8 + 9 + 10);
    expect(series.truncateFrom(9)).toBe(2);
    expect(series.sum).toBe(4 + 5 + 6 + 7 + 8);
    expect(series.firstSecond()).toBe(4);
    expect(series.lastSecond()).toBe(8);
    series.add(9, 1);
    expect(series.lastSecond()).toBe(9);
    expect(series.evictBefore(100)).toBe(6);
    expect(series.empty).toBe(true);
    expect(series.sum).toBe(0);
  });

  it("finds the first positive second for the original's 0-as-unset startedAt rule", () => {
    const series = new LoginSeries();
    series.add(0, 1);
    series.add(7, 1);
    expect(series.firstSecond()).toBe(0);
    expect(series.firstPositiveSecond()).toBe(7);
  });

  it("moves sums to bigint past 2^53 and back", () => {
    const series = new LoginSeries();
    series.add(1, 4_000_000_000_000_000_000n);
    series.add(2, 4_000_000_000_000_000_000n);
    series.add(3, 5);
    expect(series.sum).toBe(8_000_000_000_000_000_005n);
    series.evictBefore(3);
    expect(series.sum).toBe(5);
    expect(typeof series.sum).toBe("number");
  });

  it("exact arithmetic never rounds", () => {
    expect(addExact(Number.MAX_SAFE_INTEGER, 2)).toBe(9007199254740993n);
    expect(subtractExact(9007199254740993n, 2)).toBe(Number.MAX_SAFE_INTEGER);
    expect(addExact(-Number.MAX_SAFE_INTEGER, -2)).toBe(-9007199254740993n);
  });

  it("inserts a late entry in order when making room slides the live entries to the front", async () => {
    // Found by the account-window differential test: the insert position was searched
    // before the storage was compacted, so a late share landed among the wrong seconds.
    const series = new LoginSeries();
    for (let second = 0; second < 16; second++) series.add(second * 2, 1);
    series.evictBefore(20); // head moves to the middle of a full storage
    series.add(21, 1); // late: belongs between 20 and 22
    const seconds: number[] = [];
    for (let s = 0; s < 40; s++) if (series.countIn(s, s + 1) > 0) seconds.push(s);
    expect(seconds).toEqual([20, 21, 22, 24, 26, 28, 30]);
    expect(series.count).toBe(7);
  });

  it("removes, compares and re-adds a slice, keeping count and sum exact", () => {
    const series = new LoginSeries();
    for (let second = 1; second <= 10; second++) series.add(second, second);
    const slice = new LoginSeries();
    for (let second = 4; second < 7; second++) slice.add(second, second);
    expect(series.sliceEquals(4, 7, slice)).toBe(true);
    slice.add(5, 1);
    expect(series.sliceEquals(4, 7, slice)).toBe(false);
    expect(series.removeRange(4, 7)).toBe(3);
    expect(series.sum).toBe(55 - 4 - 5 - 6);
    series.addAll(slice);
    expect(series.count).toBe(11);
    expect(series.sum).toBe(56);
    expect(series.totalsFrom(9)).toEqual({ count: 2, sum: 19 });
  });
});
