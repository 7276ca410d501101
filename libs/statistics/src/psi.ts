import { countAgainst, sampleSize, SortedSample, type Sample } from './sorted-sample.js';

export interface PsiOptions {
  /** Quantile bins cut from the reference; fewer when ties make edges coincide. Default 10. */
  bins?: number;
  /** Stands in for a share of exactly 0, so ln(c/r) stays finite. Default 1e-4. */
  epsilon?: number;
}

/** One bin of the table the drift report draws. Shares are the raw count/n, before epsilon. */
export interface PsiBin {
  /** Exclusive lower bound; -Infinity for the first bin (JSON writes ±Infinity as null). */
  lower: number;
  /** Inclusive upper bound; Infinity for the last bin. */
  upper: number;
  referenceCount: number;
  currentCount: number;
  referenceShare: number;
  currentShare: number;
  /** This bin's term (c − r)·ln(c/r), with epsilon in place of a zero share. */
  contribution: number;
}

export interface PsiResult {
  value: number;
  /** The inner cut points, strictly ascending: bins.length − 1 of them. */
  edges: number[];
  bins: PsiBin[];
}

export interface SharesPsiResult {
  value: number;
  /** Per category, in the order given: (c − r)·ln(c/r) with epsilon in place of a zero share. */
  contributions: number[];
}

const DEFAULT_BINS = 10;
const DEFAULT_EPSILON = 1e-4;

/**
 * Population stability index of a numeric feature, `current` against `reference`.
 *
 * Definition (docs/drift.md, "Statistics"):
 * - Cut points: the reference's quantiles at q = k/bins for k = 1..bins−1, by numpy's default
 *   method 'linear' (Hyndman–Fan type 7): on the sorted reference x[0..n−1], position
 *   v = (n−1)·q, i = floor(v), g = v − i, quantile = x[i] + g·(x[i+1] − x[i]) (computed as numpy's
 *   _lerp does, from the upper end when g >= 0.5, so the edges equal np.quantile's bit for bit).
 * - Ties: a cut point equal to the previous one is dropped, so tied reference values collapse
 *   bins (the result has fewer bins, never an empty zero-width one).
 * - Bins are right-closed, (e[k−1], e[k]]; the first is (−∞, e[1]] and the last (e[last], +∞),
 *   so current values outside the reference's range land in the outer bins.
 * - Shares are count/n in each sample. A share of exactly 0 is replaced by `epsilon`; the shares
 *   are not renormalised afterwards.
 * - PSI = Σ_bins (c − r)·ln(c/r).
 *
 * Only the reference is sorted (pass a SortedSample to reuse that sort); the current sample is
 * counted in one pass, a binary search among the cut points per value: O(n log bins).
 */
export function psi(reference: Sample, current: Sample, options: PsiOptions = {}): PsiResult {
  const bins = options.bins ?? DEFAULT_BINS;
  const epsilon = options.epsilon ?? DEFAULT_EPSILON;
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError('bins must be an integer >= 1');
  checkEpsilon(epsilon);
  const ref = SortedSample.of(reference);
  const nRef = ref.size;
  const nCur = sampleSize(current);
  if (nRef === 0 || nCur === 0) {
    throw new RangeError('PSI needs at least one reference and one current value');
  }

  const edges = quantileEdges(ref.values, bins);
  const referenceCounts = binCounts(ref, edges);
  const currentCounts = binCounts(current, edges);
  const table: PsiBin[] = [];
  let value = 0;
  for (let k = 0; k <= edges.length; k++) {
    const referenceShare = referenceCounts[k] / nRef;
    const currentShare = currentCounts[k] / nCur;
    const contribution = psiTerm(referenceShare, currentShare, epsilon);
    value += contribution;
    table.push({
      lower: k === 0 ? -Infinity : edges[k - 1],
      upper: k < edges.length ? edges[k] : Infinity,
      referenceCount: referenceCounts[k],
      currentCount: currentCounts[k],
      referenceShare,
      currentShare,
      contribution,
    });
  }
  return { value, edges, bins: table };
}

/**
 * PSI of a categorical feature (e.g. the predicted label) from its shares per category, in the
 * same order on both sides: Σ (c − r)·ln(c/r), a share of exactly 0 replaced by `epsilon`, no
 * renormalisation. The shares are used as given (they should each sum to 1).
 */
export function psiFromShares(
  referenceShares: ArrayLike<number>,
  currentShares: ArrayLike<number>,
  epsilon = DEFAULT_EPSILON,
): SharesPsiResult {
  checkEpsilon(epsilon);
  if (referenceShares.length !== currentShares.length || referenceShares.length === 0) {
    throw new RangeError('reference and current shares need the same, non-zero, length');
  }
  const contributions: number[] = [];
  let value = 0;
  for (let i = 0; i < referenceShares.length; i++) {
    const r = referenceShares[i];
    const c = currentShares[i];
    if (!(r >= 0 && r <= 1 && c >= 0 && c <= 1)) {
      throw new RangeError(`shares must lie in [0, 1] (category ${i}: ${r}, ${c})`);
    }
    const term = psiTerm(r, c, epsilon);
    contributions.push(term);
    value += term;
  }
  return { value, contributions };
}

/**
 * numpy.quantile(sorted, k/bins, method='linear') for k = 1..bins−1, each cut point kept only
 * when above the last one kept.
 */
export function quantileEdges(sorted: Float64Array, bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = quantileLinear(sorted, k / bins);
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** Counts in the right-closed bins (e[k−1], e[k]]: the values strictly inside plus those at e[k]. */
function binCounts(sample: Sample, edges: number[]): number[] {
  const { below, at } = countAgainst(sample, Float64Array.from(edges));
  return Array.from(below, (count, k) => count + (k < at.length ? at[k] : 0));
}

/** numpy's 'linear' quantile of ascending values, with numpy's _lerp. */
export function quantileLinear(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const virtualIndex = (n - 1) * q;
  if (virtualIndex >= n - 1) return sorted[n - 1];
  if (virtualIndex <= 0) return sorted[0];
  const previous = Math.floor(virtualIndex);
  const gamma = virtualIndex - previous;
  const a = sorted[previous];
  const b = sorted[previous + 1];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

function psiTerm(referenceShare: number, currentShare: number, epsilon: number): number {
  const r = referenceShare === 0 ? epsilon : referenceShare;
  const c = currentShare === 0 ? epsilon : currentShare;
  return (c - r) * Math.log(c / r);
}

function checkEpsilon(epsilon: number): void {
  if (!(epsilon > 0 && epsilon < 1)) throw new RangeError('epsilon must lie in (0, 1)');
}
