import { kolmogorovSf } from './kolmogorov.js';
import { countAgainst, sampleSize, SortedSample, type Sample } from './sorted-sample.js';

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsOptions {
  /** Default 'auto': 'exact' when max(m, n) <= 10000, else 'asymp' (scipy's rule). */
  method?: KsMethod;
}

export interface KsResult {
  /** D = sup |F_a − F_b|. With 'exact', rounded to the lattice h/lcm(m, n) as scipy does. */
  statistic: number;
  pValue: number;
  /** The method that produced pValue (see ks2samp for when it differs from the one asked). */
  method: 'exact' | 'asymp';
}

/** scipy's MAX_AUTO_N: 'auto' is exact when both samples are at most this large. */
const MAX_AUTO_N = 10000;
const INT32_MAX = 2 ** 31 - 1;

/**
 * Two-sided two-sample Kolmogorov–Smirnov test.
 *
 * D is computed as scipy.stats.ks_2samp computes it: over the merged sorted values v (ties
 * included), F_a(v) and F_b(v) are the shares of each sample <= v, diff = F_a(v) − F_b(v), and
 * D = max(max diff, clip(−min diff, 0, 1)).
 *
 * p-value methods:
 * - 'exact': P(D_{m,n} >= d) under H0, the exact lattice-path probability; a port of scipy 1.17's
 *   `_attempt_exact_2kssamp` (`_compute_prob_outside_square` for m = n,
 *   `_compute_outer_prob_inside_method` otherwise), equal to
 *   `scipy.stats.ks_2samp(a, b, method='exact').pvalue` bit for bit on the fixtures. Ported
 *   because no maintained JavaScript library has an exact two-sample KS test. As in scipy, asking for 'exact' when
 *   lcm(m, n) is too large for int32 gives 'asymp'. One deliberate difference: when m = n and
 *   rounding makes the exact value 1 + 2 ulp (D of one or two lattice steps), scipy gives up and
 *   falls back to its asymptotic; we clip to 1 and keep 'exact'. The two differ by more than
 *   1e-9 only at m = n = 7, D = 1/7 (checked for m = n <= 2000), where the true p-value is 1.
 * - 'asymp': Kolmogorov's limiting distribution, p = K(sqrt(en)·D) with en = m·n/(m + n)
 *   (unrounded) and K = scipy.stats.kstwobign.sf = scipy.special.kolmogorov (ported in
 *   kolmogorov.ts). This is the classical large-sample p-value (scipy's ks_2samp before 1.5, R's
 *   ks.test), NOT scipy 1.17's `ks_2samp(method='asymp')`, which evaluates the finite-n
 *   distribution kstwo.sf(D, round(en)) (Simard–L'Ecuyer: four algorithms, too large to port
 *   faithfully). The two agree to O(1/sqrt(en)), about 2 % relative at en ≈ 1,700 (2,000
 *   against 12,000 values); where 'auto' picks 'asymp' (a sample above 10,000) en is close to
 *   the smaller sample's size, e.g. ~1996 for 2,000 reference values against a 1M window.
 * - 'auto': scipy's rule, 'exact' when max(m, n) <= 10000, else 'asymp'.
 *
 * Only the smaller sample is sorted (pass a SortedSample to reuse a sort); see ksStatistic.
 */
export function ks2samp(a: Sample, b: Sample, options: KsOptions = {}): KsResult {
  const n1 = sampleSize(a);
  const n2 = sampleSize(b);
  if (n1 === 0 || n2 === 0) throw new RangeError('ks2samp needs two non-empty samples');

  const d = ksStatistic(a, b);
  let method = options.method ?? 'auto';
  if (method === 'auto') {
    method = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  } else if (method === 'exact') {
    const g = gcd(n1, n2);
    if (n1 / g >= INT32_MAX / (n2 / g)) method = 'asymp';
  }
  if (method === 'exact') {
    const exact = exactTwoSided(n1, n2, d);
    if (exact) return { statistic: exact.d, pValue: exact.p, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: kolmogorovSf(Math.sqrt(en) * d), method: 'asymp' };
}

/**
 * D = max(max diff, clip(−min diff, 0, 1)) over the merged values v, diff = i/n1 − j/n2 with
 * i, j the counts of a and b that are <= v: scipy's definition and float operations, so D is
 * the same double scipy returns.
 *
 * Only the smaller sample is sorted; the larger one is counted against its distinct values
 * (countAgainst). That suffices because between two consecutive distinct values u[k−1] <= v <
 * u[k] of the smaller sample its count is constant and the other's only grows, so diff is
 * monotone there and its extremes over that stretch sit at v = u[k−1] and at the largest value
 * of the larger sample below u[k]; both counts are known at those points. O(n log k) for a
 * larger sample of n values against k distinct smaller ones.
 */
export function ksStatistic(a: Sample, b: Sample): number {
  const n1 = sampleSize(a);
  const n2 = sampleSize(b);
  const aIsSmall = n1 <= n2;
  const small = SortedSample.of(aIsSmall ? a : b).values;
  const nSmall = small.length;

  // Distinct values of the smaller sample and how many of its values are <= each.
  const distinct = new Float64Array(nSmall);
  const atMost = new Float64Array(nSmall);
  let k = 0;
  for (let i = 0; i < nSmall; i++) {
    if (k > 0 && small[i] === distinct[k - 1]) {
      atMost[k - 1] = i + 1;
    } else {
      distinct[k] = small[i];
      atMost[k] = i + 1;
      k += 1;
    }
  }
  const cuts = distinct.subarray(0, k);
  const { below, at } = countAgainst(aIsSmall ? b : a, cuts);

  let maxDiff = -Infinity;
  let minDiff = Infinity;
  const consider = (iSmall: number, jLarge: number) => {
    const diff = aIsSmall ? iSmall / n1 - jLarge / n2 : jLarge / n1 - iSmall / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  };
  let larger = 0; // values of the larger sample below cuts[c], then <= cuts[c]
  for (let c = 0; c < k; c++) {
    larger += below[c];
    if (below[c] > 0) consider(c > 0 ? atMost[c - 1] : 0, larger);
    larger += at[c];
    consider(atMost[c], larger);
  }
  if (below[k] > 0) consider(nSmall, larger + below[k]);

  const minS = Math.min(Math.max(-minDiff, 0), 1);
  return minS > maxDiff ? minS : maxDiff;
}

/**
 * Port of scipy's `_attempt_exact_2kssamp` for alternative='two-sided': the lattice step h,
 * D snapped to h/lcm, and the exact p-value; undefined where scipy's attempt fails.
 */
function exactTwoSided(n1: number, n2: number, d: number): { d: number; p: number } | undefined {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  // np.round is half-to-even; d·lcm is within rounding of an integer, so never at a half.
  const h = Math.round(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { d: snapped, p: 1 };
  let p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInsideMethod(n1, n2, g, h);
  // The m = n series can come out at 1 + 2 ulp for h of 1 or 2 (see ks2samp).
  if (n1 === n2 && p > 1 && p < 1 + 1e-12) p = 1;
  if (!(p >= 0 && p <= 1)) return undefined;
  return { d: snapped, p };
}

/**
 * scipy's `_compute_prob_outside_square(n, h)`: P(D_{n,n} >= h/n) =
 * 2·(C(2n, n−h) − C(2n, n−2h) + ...)/C(2n, n), evaluated Horner-like as
 * 2·A0·(1 − A1·(1 − A2·(1 − ...))) to avoid cancellation.
 */
function probOutsideSquare(n: number, h: number): number {
  let P = 0.0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1.0;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1.0 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * scipy's `_compute_outer_prob_inside_method(m, n, g, h)` (scipy/stats/_stats_pythran.py): the
 * share of lattice paths from (0, 0) to (m, n) that leave the band |x/m − y/n| < h/lcm(m, n),
 * i.e. P(D_{m,n} >= h/lcm). Hodges' inside method with Viehmann's recursion for 1 − p, one
 * sliding column of the path-count matrix kept as proportions.
 */
function outerProbInsideMethod(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1.0);
  A.fill(0.0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1.0;
    let val = minj === 0 ? 0.0 : 1.0;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    // TypedArray.fill clamps the end to lenA, as numpy's slice assignment does.
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
