import { describe, expect, it } from "vitest";
import { convertMinersStats } from "../../src/convert/miners.js";
import { shareUncertainty, UncertaintySum } from "../../src/convert/uncertainty.js";
import { convertWorkersStats } from "../../src/convert/workers.js";
import { zset } from "../support/sink.js";

const NOW = 1_700_000_000;
const A = `0x${"a".repeat(40)}`;
const B = `0x${"b".repeat(40)}`;

/** `count` shares of `diff` for `id`, one per second ending at `last`. */
function shares(count: number, diff: string, member: (i: number) => string, last: number): [number, string][] {
  return Array.from({ length: count }, (_, i) => [last - count + 1 + i, `${diff}:${member(i)}`]);
}

describe("the ±1σ of a hashrate", () => {
  it("one estimate: relative error 1/√n, the range in exact integers", () => {
    expect(shareUncertainty(888888888n, 400)).toEqual({
      shares: 400,
      relativeError: 0.05,
      low: 844444444n, // 888888888 − ⌊888888888 × 0.05⌋ = 888888888 − 44444444
      high: 933333332n,
    });
    expect(shareUncertainty(1000n, 1)).toEqual({ shares: 1, relativeError: 1, low: 0n, high: 2000n });
    expect(shareUncertainty(0n, 0)).toEqual({ shares: 0, relativeError: null, low: 0n, high: 0n });
    expect(shareUncertainty(0n, 12)).toEqual({ shares: 12, relativeError: null, low: 0n, high: 0n });
  });

  it("stays exact for hashrates beyond 2^53", () => {
    const hr = 2n ** 70n + 7n;
    const { low, high } = shareUncertainty(hr, 10_000); // ±1%
    expect(high - hr).toBe(hr / 100n);
    expect(hr - low).toBe(hr / 100n);
  });

  it("a sum adds variances: σ² = Σ hrᵢ² / nᵢ", () => {
    const sum = new UncertaintySum();
    sum.add(166n, shareUncertainty(166n, 100));
    sum.add(55n, shareUncertainty(55n, 100));
    const total = sum.of(221n);
    expect(total.shares).toBe(200);
    // √(16.6² + 5.5²) / 221 = 17.48742405273 / 221 (not 1/√200 = 0.0707: the windows differ)
    expect(total.relativeError).toBeCloseTo(0.0791286156232127, 14);
    expect([total.low, total.high]).toEqual([204n, 238n]);
  });

  it("pool miners: each miner from its share count, the pool from the sum", () => {
    const reply = zset(
      [NOW - 1800, `4000000000:${A}:rig0:1`], // the window's first second: A's span is the whole window
      [NOW - 1800, `4000000000:${B}:0:1`],
      ...shares(399, "4000000000", (i) => `${A}:rig${i % 3}:1`, NOW - 10),
      ...shares(99, "4000000000", () => `${B}:0:1`, NOW - 10),
    );
    const result = convertMinersStats(reply, NOW, 1800);
    const a = result.miners.get(A);
    const b = result.miners.get(B);
    expect(a?.hr).toBe(888888888n); // 400 × 4e9 / 1800
    expect(b?.hr).toBe(222222222n);
    expect(a?.hrUncertainty).toEqual({ shares: 400, relativeError: 1 / 20, low: 844444444n, high: 933333332n });
    expect(b?.hrUncertainty).toEqual({ shares: 100, relativeError: 1 / 10, low: 200000000n, high: 244444444n });
    // Equal spans: the pool's error is that of all its shares, 1/√500.
    expect(result.hashrateUncertainty.shares).toBe(500);
    expect(result.hashrateUncertainty.relativeError).toBeCloseTo(1 / Math.sqrt(500), 12);
  });

  it("accounts: hr from the small window's shares, hr2 from the large window's, totals summed", () => {
    const reply = zset(
      ...shares(36, "1000", () => "rig1:1", NOW - 3000), // only in the large window
      ...shares(64, "1000", () => "rig1:1", NOW),
      ...shares(25, "1000", () => "rig2:1", NOW),
    );
    const result = convertWorkersStats(reply, NOW, 1800, 10_800);
    const rig1 = result.workers.get("rig1");
    expect(rig1?.hrUncertainty).toMatchObject({ shares: 64, relativeError: 1 / 8 });
    expect(rig1?.hr2Uncertainty).toMatchObject({ shares: 100, relativeError: 1 / 10 });
    expect(result.workers.get("rig2")?.hrUncertainty).toMatchObject({ shares: 25, relativeError: 1 / 5 });
    // rig1: 64000 / 1800 (online longer than the window) = 35; rig2: 25000 / 600 (the floor) = 41,
    // so σ/hr = √((35/8)² + (41/5)²) / 76 = 0.12229…
    expect(result.currentHashrate).toBe(76n);
    expect(result.currentHashrateUncertainty.shares).toBe(89);
    expect(result.currentHashrateUncertainty.relativeError).toBeCloseTo(Math.hypot(35 / 8, 41 / 5) / 76, 14);
  });
});

describe("the ±1σ of hostile numbers", () => {
  it("never throws and never gives a NaN: beyond float64 a sum's error is unknown", () => {
    const huge = 10n ** 400n;
    expect(shareUncertainty(huge, 100)).toEqual({
      shares: 100,
      relativeError: 0.1,
      low: huge - huge / 10n,
      high: huge + huge / 10n,
    });
    const sum = new UncertaintySum();
    sum.add(huge, shareUncertainty(huge, 100));
    sum.add(5n, shareUncertainty(5n, 1));
    expect(sum.of(huge + 5n)).toEqual({ shares: 101, relativeError: null, low: huge + 5n, high: huge + 5n });
    // Parts whose squares would overflow (1e200²) but whose σ does not: still exact enough.
    const big = 10n ** 200n;
    const both = new UncertaintySum();
    both.add(big, shareUncertainty(big, 4));
    both.add(big, shareUncertainty(big, 4));
    expect(both.of(2n * big).relativeError).toBeCloseTo(Math.SQRT2 / 4, 12); // √(2 · (big/2)²) / 2big
    expect(shareUncertainty(-7n, 3).relativeError).toBeNull();
  });
});
