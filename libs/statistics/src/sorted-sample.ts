/**
 * Values sorted ascending once. The small side of a comparison (the 2,000-value reference
 * profile) is sorted; the large side (a window of up to millions of values) is only scanned, each
 * value placed by binary search among the sorted values: O(n log k), no sort and no copy of n.
 */
export class SortedSample {
  private constructor(
    /** Ascending; finite numbers only. */
    readonly values: Float64Array,
  ) {}

  /**
   * Copies and sorts `values` (numeric order; the input is left as it is). A SortedSample is
   * returned unchanged. Throws a RangeError on NaN or ±Infinity: a quantile or a CDF of them
   * means nothing, and scipy would return NaN rather than an answer.
   */
  static of(values: Sample): SortedSample {
    if (values instanceof SortedSample) return values;
    const copy = values instanceof Float64Array ? values.slice() : Float64Array.from(values);
    // A typed array sorts numerically in native code, NaN last.
    copy.sort();
    const n = copy.length;
    if (n > 0 && !(Number.isFinite(copy[0]) && Number.isFinite(copy[n - 1]))) {
      throw notFinite();
    }
    return new SortedSample(copy);
  }

  get size(): number {
    return this.values.length;
  }
}

/** A sample as callers have it, or already sorted. */
export type Sample = ArrayLike<number> | SortedSample;

export function sampleSize(sample: Sample): number {
  return sample instanceof SortedSample ? sample.size : sample.length;
}

/** How many of the ascending `values` are <= x (numpy's searchsorted(values, x, side='right')). */
export function countAtMost(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the ascending `values` are < x (numpy's searchsorted(values, x, side='left')). */
export function countBelow(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Places every value of `sample` against the strictly ascending `cuts`: below[c] counts the
 * values in the open interval (cuts[c−1], cuts[c]) (c = 0: below cuts[0]; c = cuts.length: above
 * the last), at[c] those equal to cuts[c]. A SortedSample costs two binary searches per cut; any
 * other sample one pass, checking that each value is finite, with a binary search per value. For
 * many cuts (a reference's distinct values) the search starts from a grid over the cuts' range,
 * which brackets the answer in a cell or two, so a value costs O(1) instead of ~log2(cuts)
 * mispredicted branches (about 4x faster on 2,000 cuts).
 */
export function countAgainst(
  sample: Sample,
  cuts: Float64Array,
): { below: Float64Array; at: Float64Array } {
  const k = cuts.length;
  const below = new Float64Array(k + 1);
  const at = new Float64Array(k);
  if (sample instanceof SortedSample) {
    const values = sample.values;
    let previous = 0;
    for (let c = 0; c < k; c++) {
      const lt = countBelow(values, cuts[c]);
      const le = countAtMost(values, cuts[c]);
      below[c] = lt - previous;
      at[c] = le - lt;
      previous = le;
    }
    below[k] = values.length - previous;
    return { below, at };
  }

  const grid = k >= GRID_MIN_CUTS && cuts[k - 1] > cuts[0] ? cutGrid(cuts) : undefined;
  const first = cuts[0];
  const last = cuts[k - 1];
  const n = sample.length;
  for (let i = 0; i < n; i++) {
    const x = sample[i];
    // NaN and ±Infinity both give NaN here.
    if (!(x - x === 0)) throw notFinite();
    // lo becomes the number of cuts < x.
    let lo = 0;
    let hi = k;
    if (k === 0 || x <= first) {
      hi = 0;
    } else if (x > last) {
      lo = k;
    } else if (grid) {
      const cell = Math.floor((x - first) * grid.scale);
      lo = grid.start[cell > 0 ? cell - 1 : 0];
      hi = cell + 2 < grid.start.length ? grid.start[cell + 2] : k;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cuts[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    // The grid's bracket allows for rounding in `cell`; these steps make the count exact anyway.
    while (lo > 0 && cuts[lo - 1] >= x) lo--;
    while (lo < k && cuts[lo] < x) lo++;
    if (lo < k && cuts[lo] === x) at[lo] += 1;
    else below[lo] += 1;
  }
  return { below, at };
}

/** Below this many cuts a plain binary search is as fast as the grid. */
const GRID_MIN_CUTS = 32;

/**
 * A uniform grid of about four cells per cut over [cuts[0], cuts[last]]: start[g] = the number
 * of cuts below the start of cell g, so the cuts < x for x in cell g number between start[g]
 * and start[g + 1].
 */
function cutGrid(cuts: Float64Array): { scale: number; start: Int32Array } {
  const k = cuts.length;
  const first = cuts[0];
  const cells = Math.min(4 * k, 1 << 20);
  const scale = cells / (cuts[k - 1] - first);
  const start = new Int32Array(cells + 1);
  let c = 0;
  for (let g = 0; g <= cells; g++) {
    const cellStart = first + g / scale;
    while (c < k && cuts[c] < cellStart) c++;
    start[g] = c;
  }
  return { scale, start };
}

function notFinite(): RangeError {
  return new RangeError('sample values must be finite numbers');
}
