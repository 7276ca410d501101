import { chiSquare } from './chi-square.js';
import { holm } from './holm.js';
import { ks2samp, type KsMethod } from './ks-two-sample.js';
import { psi, psiFromShares, type PsiBin } from './psi.js';
import { sampleSize, SortedSample, type Sample } from './sorted-sample.js';

/** One feature's comparison of the current window with the reference, before the verdict. */
export interface FeatureTest {
  name: string;
  /** KS for numeric features, chi-square for the predicted-label shares. */
  test: 'ks' | 'chi-square';
  psi: number;
  /** KS D or the chi-square statistic. */
  statistic: number;
  pValue: number;
  /** How many current values the numbers rest on; 0 leaves them NaN. */
  currentSize: number;
  /** KS only: the p-value method used. */
  method?: 'exact' | 'asymp';
  /** Numeric features: the PSI table the report draws. */
  psiBins?: PsiBin[];
}

export interface NumericFeatureOptions {
  bins?: number;
  epsilon?: number;
  method?: KsMethod;
}

/**
 * PSI and the two-sample KS test of a numeric feature. The reference is sorted once for both
 * (or pass the profile's SortedSample); the current window is not sorted, only scanned, once by
 * each statistic. An empty current window gives NaN numbers (driftVerdict reports it as
 * insufficient data).
 */
export function numericFeature(
  name: string,
  reference: Sample,
  current: Sample,
  options: NumericFeatureOptions = {},
): FeatureTest {
  const size = sampleSize(current);
  if (size === 0) return emptyWindow(name, 'ks');
  const ref = SortedSample.of(reference);
  const p = psi(ref, current, options);
  const ks = ks2samp(ref, current, { method: options.method });
  return {
    name,
    test: 'ks',
    psi: p.value,
    statistic: ks.statistic,
    pValue: ks.pValue,
    currentSize: size,
    method: ks.method,
    psiBins: p.bins,
  };
}

/**
 * PSI (from shares) and the chi-square goodness-of-fit test of a categorical feature: the
 * current window's counts per category against the reference's shares, in the same category
 * order. An empty current window gives NaN numbers.
 */
export function categoricalFeature(
  name: string,
  referenceShares: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  options: { epsilon?: number } = {},
): FeatureTest {
  let total = 0;
  for (let i = 0; i < currentCounts.length; i++) total += currentCounts[i];
  if (total === 0) return emptyWindow(name, 'chi-square');
  const currentShares = Array.from(currentCounts, (count) => count / total);
  const chi = chiSquare(currentCounts, referenceShares);
  return {
    name,
    test: 'chi-square',
    psi: psiFromShares(referenceShares, currentShares, options.epsilon).value,
    statistic: chi.statistic,
    pValue: chi.pValue,
    currentSize: total,
  };
}

export interface DriftVerdictOptions {
  /** Family-wise error rate of the Holm step. Default 0.05. */
  alpha?: number;
  /** PSI from which a Holm-rejected feature drifts. Default 0.1. */
  warnPsi?: number;
  /** PSI from which a drifting feature makes the verdict an alert. Default 0.2. */
  alertPsi?: number;
  /** Fewer current values than this in any feature: 'insufficient-data'. Default 200; >= 1. */
  minSamples?: number;
}

export interface FeatureVerdict extends FeatureTest {
  /** Holm-adjusted across all features; NaN when some feature has no p-value. */
  adjustedPValue: number;
  drifting: boolean;
}

export interface DriftVerdict {
  verdict: 'drift' | 'no-drift' | 'insufficient-data';
  /** 'warn' or 'alert' with a 'drift' verdict, otherwise null. */
  severity: 'warn' | 'alert' | null;
  /** The smallest current sample over the features. */
  windowSize: number;
  features: FeatureVerdict[];
}

/**
 * One verdict for a window from its per-feature tests (docs/drift.md, "Statistics"):
 * 1. windowSize = the smallest currentSize of the features. Below `minSamples` the verdict is
 *    'insufficient-data', whatever the numbers: a small window is never 'no-drift'.
 * 2. The features' p-values (KS for numeric features, chi-square for the label shares) are
 *    Holm-adjusted together at `alpha`, so in a window drawn from the reference distribution the
 *    chance that any feature is rejected is at most alpha.
 * 3. A feature drifts when it is Holm-rejected AND its PSI >= `warnPsi`. The PSI condition
 *    keeps large windows, where a negligible shift already has a tiny p-value, from alarming.
 * 4. 'drift' if any feature drifts, severity 'alert' when a drifting feature has
 *    PSI >= `alertPsi`, else 'warn'; otherwise 'no-drift'.
 */
export function driftVerdict(
  features: readonly FeatureTest[],
  options: DriftVerdictOptions = {},
): DriftVerdict {
  const alpha = options.alpha ?? 0.05;
  const warnPsi = options.warnPsi ?? 0.1;
  const alertPsi = options.alertPsi ?? 0.2;
  const minSamples = options.minSamples ?? 200;
  if (features.length === 0) throw new RangeError('driftVerdict needs at least one feature');
  if (!(warnPsi <= alertPsi)) throw new RangeError('warnPsi must not exceed alertPsi');
  // An empty window is never enough.
  if (!(Number.isInteger(minSamples) && minSamples >= 1)) {
    throw new RangeError('minSamples must be an integer >= 1');
  }

  const windowSize = Math.min(...features.map((f) => f.currentSize));
  const tested = features.every((f) => !Number.isNaN(f.pValue) && !Number.isNaN(f.psi));
  if (windowSize >= minSamples && !tested) {
    throw new RangeError('every feature needs a p-value and a PSI once the window is large enough');
  }
  const adjusted = tested
    ? holm(
        features.map((f) => f.pValue),
        alpha,
      )
    : undefined;
  const sufficient = windowSize >= minSamples;
  const verdicts = features.map((f, i) => ({
    ...f,
    adjustedPValue: adjusted ? adjusted.adjusted[i] : NaN,
    drifting: sufficient && adjusted !== undefined && adjusted.rejected[i] && f.psi >= warnPsi,
  }));
  if (!sufficient) {
    return { verdict: 'insufficient-data', severity: null, windowSize, features: verdicts };
  }
  const drifting = verdicts.filter((f) => f.drifting);
  if (drifting.length === 0) {
    return { verdict: 'no-drift', severity: null, windowSize, features: verdicts };
  }
  const severity = drifting.some((f) => f.psi >= alertPsi) ? 'alert' : 'warn';
  return { verdict: 'drift', severity, windowSize, features: verdicts };
}

function emptyWindow(name: string, test: FeatureTest['test']): FeatureTest {
  return { name, test, psi: NaN, statistic: NaN, pValue: NaN, currentSize: 0 };
}
