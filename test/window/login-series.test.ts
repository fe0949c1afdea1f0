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
});
