export interface HolmResult {
  /** Holm-adjusted p-values, in the order given: monotone in the raw p-values, capped at 1. */
  adjusted: number[];
  /** adjusted[i] <= alpha. */
  rejected: boolean[];
}

/**
 * Holm–Bonferroni step-down over m p-values. Sort ascending, p(1) <= ... <= p(m) (ties keep
 * their input order); adjusted p(i) = min(1, max_{j<=i} (m − j + 1)·p(j)); hypothesis i is
 * rejected when its adjusted p-value is <= alpha. This is the same as rejecting p(1)..p(i−1)
 * and p(i) while p(j) <= alpha/(m − j + 1) for every j <= i, and it keeps the family-wise error
 * rate (the chance of rejecting any true hypothesis) at most alpha under any dependence between
 * the tests. Equal to statsmodels' multipletests(p, alpha, method='holm').
 */
export function holm(pValues: ArrayLike<number>, alpha = 0.05): HolmResult {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must lie in (0, 1)');
  const m = pValues.length;
  for (let i = 0; i < m; i++) {
    const p = pValues[i];
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value ${i} must lie in [0, 1]: ${p}`);
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => pValues[a] - pValues[b]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]));
    adjusted[index] = running;
  });
  return { adjusted, rejected: adjusted.map((p) => p <= alpha) };
}
