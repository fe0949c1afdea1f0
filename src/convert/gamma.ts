/**
 * `Q(n, x)`, the regularized upper incomplete gamma function, for a whole number `n ≥ 1`
 * and `x ≥ 0`: the probability that a Gamma(n, 1) variable (a sum of `n` independent
 * Exp(1) variables) is at least `x`.
 *
 * For whole `n` it is a finite Poisson sum, `Q(n, x) = e^(−x) · Σ_{k<n} x^k / k!` (the
 * chance of fewer than `n` events of a Poisson process of mean `x`), which needs neither
 * a series nor a continued fraction. The terms are added in log space, each scaled by the
 * largest so far, so neither `e^(−x)` nor `x^k / k!` under- or overflows however large
 * `n` and `x` are (the result still underflows to 0 below about 1e-308).
 *
 * @returns a number in [0, 1]; `NaN` when `n` is not a positive whole number or `x` is
 *   negative or NaN
 */
export function upperRegularizedGamma(n: number, x: number): number {
  if (!Number.isSafeInteger(n) || n < 1 || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const logX = Math.log(x);
  // log of the k-th term, x^k e^-x / k!, starting at k = 0.
  let logTerm = -x;
  let top = logTerm;
  let scaled = 1; // Σ exp(logTerm_k − top)
  for (let k = 1; k < n; k++) {
    logTerm += logX - Math.log(k);
    if (logTerm > top) {
      scaled = scaled * Math.exp(top - logTerm) + 1;
      top = logTerm;
    } else {
      scaled += Math.exp(logTerm - top);
    }
  }
  return Math.min(1, Math.exp(top + Math.log(scaled)));
}
