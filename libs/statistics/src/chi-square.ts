import gammainc from '@stdlib/math-base-special-gammainc';

export interface ChiSquareResult {
  statistic: number;
  /** Degrees of freedom: categories − 1. */
  df: number;
  pValue: number;
}

/** scipy's sum check: observed and expected totals agree to sqrt(float64 eps), relatively. */
const SUM_TOLERANCE = Math.sqrt(Number.EPSILON);

/**
 * Pearson's chi-square goodness-of-fit test of category counts against expected shares:
 * the statistic and p-value of `scipy.stats.chisquare(f_obs=observedCounts,
 * f_exp=expectedShares·N)` with N = Σ observedCounts.
 *
 * statistic = Σ (o − e)²/e with e = share·N, df = k − 1, p = chi2.sf(statistic, df) =
 * Q(df/2, statistic/2), the regularised upper incomplete gamma function from
 * @stdlib/math-base-special-gammainc (Boost's algorithm; scipy uses cephes' igamc: the two agree
 * to ~1e-14 relative). Shares must each be > 0 (a category the reference never saw has no
 * Pearson term) and sum to 1 within scipy's own tolerance, sqrt(eps); they are not renormalised.
 */
export function chiSquare(
  observedCounts: ArrayLike<number>,
  expectedShares: ArrayLike<number>,
): ChiSquareResult {
  const k = observedCounts.length;
  if (k !== expectedShares.length || k < 2) {
    throw new RangeError('chiSquare needs counts and shares for the same two or more categories');
  }
  let total = 0;
  let shareSum = 0;
  for (let i = 0; i < k; i++) {
    const o = observedCounts[i];
    const s = expectedShares[i];
    if (!(o >= 0 && Number.isFinite(o))) throw new RangeError(`count ${i} is not a count: ${o}`);
    if (!(s > 0 && s <= 1)) throw new RangeError(`expected share ${i} must lie in (0, 1]: ${s}`);
    total += o;
    shareSum += s;
  }
  if (total === 0) throw new RangeError('chiSquare needs at least one observation');
  if (Math.abs(shareSum - 1) > SUM_TOLERANCE) {
    throw new RangeError(`expected shares sum to ${shareSum}, not 1`);
  }
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const e = expectedShares[i] * total;
    const diff = observedCounts[i] - e;
    statistic += (diff * diff) / e;
  }
  const df = k - 1;
  return { statistic, df, pValue: chiSquareSf(statistic, df) };
}

/** Survival function of the chi-square distribution with df degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}
