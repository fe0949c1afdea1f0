/**
 * `Q(n, x)`, the regularized upper incomplete gamma function, for a whole number `n ≥ 1`
 * and `x ≥ 0`: the probability that a Gamma(n, 1) variable (a sum of `n` independent
 * Exp(1) variables) is at least `x`.
 *
 * For whole `n` it is a Poisson sum: with `t_k = e^(−x) x^k / k!`,
 * `Q(n, x) = Σ_{k<n} t_k` (fewer than `n` events of a Poisson process of mean `x`), and
 * `1 − Q(n, x) = Σ_{k≥n} t_k`. Whichever side is the smaller sum is added up, so values
 * near 1 are as accurate as values near 0:
 *
 * - `x ≥ n`: the terms grow up to `k = n − 1`; they are added from there downwards;
 * - `x < n`: the terms shrink from `k = n`; they are added until they no longer count,
 *   and `Q = 1 − Σ`.
 *
 * The one large term the sum is scaled by, `log t_k = −x + Σ_{j≤k} log(x/j)`, is added up
 * with compensated (Neumaier) summation from small logs, never from `log x!`-sized ones,
 * so neither `e^(−x)` nor `x^k / k!` under- or overflows and thousands of blocks keep
 * about 12 significant digits (the result underflows to 0 below about 1e-308).
 *
 * @returns a number in [0, 1]; `NaN` when `n` is not a positive whole number or `x` is
 *   negative or NaN
 */
export function upperRegularizedGamma(n: number, x: number): number {
  if (!Number.isSafeInteger(n) || n < 1 || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const top = x >= n ? n - 1 : n;
  const logTerm = new CompensatedSum(-x);
  for (let k = 1; k <= top; k++) logTerm.add(Math.log(x / k));
  // Σ of the terms relative to t_top: 1 + t_(top∓1)/t_top + …, until a term no longer counts.
  let sum = 1;
  let ratio = 1;
  if (x >= n) {
    for (let k = top; k >= 1 && ratio > sum * 1e-17; k--) {
      ratio *= k / x;
      sum += ratio;
    }
    return Math.min(1, Math.exp(logTerm.value() + Math.log(sum)));
  }
  for (let k = top + 1; ratio > sum * 1e-17; k++) {
    ratio *= x / k;
    sum += ratio;
  }
  return Math.max(0, 1 - Math.exp(logTerm.value() + Math.log(sum)));
}

/** Neumaier's compensated sum: the low-order bits each addition loses are kept apart. */
class CompensatedSum {
  private sum: number;
  private lost = 0;

  constructor(first: number) {
    this.sum = first;
  }

  add(value: number): void {
    const next = this.sum + value;
    this.lost += Math.abs(this.sum) >= Math.abs(value) ? this.sum - next + value : value - next + this.sum;
    this.sum = next;
  }

  value(): number {
    return this.sum + this.lost;
  }
}
