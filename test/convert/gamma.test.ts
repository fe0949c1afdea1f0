import { describe, expect, it } from "vitest";
import { upperRegularizedGamma as Q } from "../../src/convert/gamma.js";

/** |actual / expected − 1| < 1e-12: a relative check, for values far below 1. */
function nearly(actual: number, expected: number): void {
  expect(Math.abs(actual / expected - 1), `${actual} vs ${expected}`).toBeLessThan(1e-12);
}

describe("Q(n, x), the regularized upper incomplete gamma function, for whole n", () => {
  it("is e^-x for n = 1 (one block: P(Exp(1) ≥ x))", () => {
    for (const x of [0.001, 0.5, 1, 2, 10, 50, 700]) nearly(Q(1, x), Math.exp(-x));
  });

  it("matches the Poisson sums worked by hand", () => {
    // Q(n, x) = e^-x (1 + x + x²/2! + … + x^(n-1)/(n-1)!)
    nearly(Q(2, 2), 3 * Math.exp(-2)); // 0.40600584970983811
    nearly(Q(3, 2), 5 * Math.exp(-2)); // (1 + 2 + 2)
    nearly(Q(2, 1.5), 2.5 * Math.exp(-1.5));
    nearly(Q(4, 4.5), (1 + 4.5 + 4.5 ** 2 / 2 + 4.5 ** 3 / 6) * Math.exp(-4.5)); // 30.8125·e^-4.5
    nearly(Q(5, 5), (1 + 5 + 12.5 + 125 / 6 + 625 / 24) * Math.exp(-5)); // 0.44049328506521241
  });

  it("matches 40-digit values far in the tails and for thousands of blocks", () => {
    // mpmath's gammainc(n, x, inf, regularized=True) at 40 digits, rounded to the nearest double.
    nearly(Q(64, 76.8), 0.061136538353200105); // 64 blocks at luck 1.2
    nearly(Q(256, 281.6), 0.05817922334589683); // 256 blocks at luck 1.1
    nearly(Q(10, 0.5), 0.999999999829033);
    nearly(Q(30, 10), 0.9999997490048799);
    nearly(Q(20, 40), 0.00017630289773856828);
    nearly(Q(1000, 1300), 1.8736155715785553e-18); // e^-1300 alone underflows
    nearly(Q(100_000, 100_000), 0.4995794778896348);
  });

  it("steps by the Poisson term: Q(n+1, x) − Q(n, x) = x^n e^-x / n!", () => {
    for (const x of [0.3, 3, 12]) {
      let term = Math.exp(-x);
      for (let n = 1; n < 25; n++) {
        term *= x / n; // x^n e^-x / n!
        expect(Q(n + 1, x) - Q(n, x)).toBeCloseTo(term, 14);
      }
    }
  });

  it("falls with x and rises with n, within [0, 1]", () => {
    let previous = 1;
    for (let x = 0; x <= 60; x += 0.5) {
      const q = Q(20, x);
      expect(q).toBeLessThanOrEqual(previous);
      expect(q).toBeGreaterThanOrEqual(0);
      previous = q;
    }
    for (let n = 1; n < 60; n++) expect(Q(n + 1, 20)).toBeGreaterThan(Q(n, 20));
  });

  it("has the edges of a survival function, and NaN outside its domain", () => {
    expect(Q(7, 0)).toBe(1);
    expect(Q(7, Number.POSITIVE_INFINITY)).toBe(0);
    expect(Q(3, 5000)).toBe(0); // below the smallest double
    for (const [n, x] of [
      [0, 1],
      [-1, 1],
      [1.5, 1],
      [2, -0.1],
      [2, Number.NaN],
      [Number.POSITIVE_INFINITY, 1],
    ] as const) {
      expect(Q(n, x), `Q(${n}, ${x})`).toBeNaN();
    }
  });
});
