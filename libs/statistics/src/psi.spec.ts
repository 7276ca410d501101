import { psi, psiFromShares, quantileEdges, quantileLinear } from './psi.js';
import { SortedSample } from './sorted-sample.js';

describe('quantileLinear (numpy method="linear")', () => {
  const sorted = Float64Array.from([1, 2, 3, 4]);

  it.each([
    [0, 1],
    [0.5, 2.5],
    [0.1, 1.3],
    [0.9, 3.7],
    [1, 4],
  ])('q = %p gives %p', (q, expected) =>
    expect(quantileLinear(sorted, q)).toBeCloseTo(expected, 15),
  );

  it('drops cut points equal to the previous one, so ties collapse bins', () => {
    const tied = Float64Array.from([0, 0, 0, 0, 0, 0, 0, 1, 2, 3]);
    // q = 0.1..0.6 all give 0; then 0.3, 1.2, 2.1 (up to rounding).
    const edges = quantileEdges(tied, 10);
    expect(edges).toHaveLength(4);
    [0, 0.3, 1.2, 2.1].forEach((edge, i) => expect(edges[i]).toBeCloseTo(edge, 14));
  });
});

describe('psi', () => {
  it('is 0 for identical samples', () => {
    const values = Array.from({ length: 500 }, (_, i) => Math.sin(i));
    const result = psi(values, values);
    expect(result.value).toBe(0);
    expect(result.bins).toHaveLength(10);
    expect(result.edges).toHaveLength(9);
  });

  it('has open outer bins that catch current values beyond the reference range', () => {
    const reference = Array.from({ length: 100 }, (_, i) => i);
    const result = psi(reference, [-1000, 1000, 50], { bins: 4 });
    expect(result.bins[0]).toMatchObject({ lower: -Infinity, currentCount: 1 });
    expect(result.bins[3]).toMatchObject({ upper: Infinity, currentCount: 1 });
    expect(result.bins.reduce((s, b) => s + b.currentCount, 0)).toBe(3);
  });

  it('puts a value equal to a cut point in the bin that ends there (right-closed)', () => {
    const result = psi([0, 1, 2, 3, 4], [2], { bins: 2 });
    expect(result.edges).toEqual([2]);
    expect(result.bins.map((b) => b.currentCount)).toEqual([1, 0]);
    expect(result.bins.map((b) => b.referenceCount)).toEqual([3, 2]);
  });

  it('replaces an empty share by epsilon without renormalising', () => {
    // Reference shares 3/5, 2/5; current 1, 0 -> 0 becomes epsilon, 1 stays 1.
    const epsilon = 1e-3;
    const result = psi([0, 1, 2, 3, 4], [0, 1], { bins: 2, epsilon });
    const expected = (1 - 0.6) * Math.log(1 / 0.6) + (epsilon - 0.4) * Math.log(epsilon / 0.4);
    expect(result.value).toBeCloseTo(expected, 14);
    expect(result.bins[1].currentShare).toBe(0);
  });

  it('collapses to one bin when the reference is constant, and PSI is then 0', () => {
    const result = psi([5, 5, 5, 5], [1, 9, 5]);
    expect(result.edges).toEqual([5]);
    expect(result.bins.map((b) => b.currentCount)).toEqual([2, 1]);
    expect(result.bins.map((b) => b.referenceCount)).toEqual([4, 0]);
  });

  it('leaves its inputs alone and reuses a SortedSample', () => {
    const reference = [3, 1, 2, 5, 4];
    const sorted = SortedSample.of(reference);
    expect(reference).toEqual([3, 1, 2, 5, 4]);
    expect(SortedSample.of(sorted)).toBe(sorted);
    expect(psi(sorted, [1, 2]).value).toBe(psi(reference, [2, 1]).value);
    const current = [4.5, 0, 2, 2, 3.3, 9];
    expect(psi(reference, SortedSample.of(current), { bins: 3 })).toEqual(
      psi(reference, current, { bins: 3 }),
    );
  });

  it.each([
    [[], [1]],
    [[1], []],
    [[1, NaN], [1]],
    [[1], [Infinity]],
  ])('refuses %p against %p', (reference, current) =>
    expect(() => psi(reference, current)).toThrow(RangeError),
  );

  it('refuses bad options', () => {
    expect(() => psi([1], [1], { bins: 0 })).toThrow(RangeError);
    expect(() => psi([1], [1], { bins: 2.5 })).toThrow(RangeError);
    expect(() => psi([1], [1], { epsilon: 0 })).toThrow(RangeError);
  });
});

describe('psiFromShares', () => {
  it('sums (c − r)·ln(c/r) per category', () => {
    const result = psiFromShares([0.5, 0.5], [0.6, 0.4]);
    expect(result.value).toBeCloseTo(0.1 * Math.log(1.2) - 0.1 * Math.log(0.8), 15);
    expect(result.contributions).toHaveLength(2);
  });

  it('refuses mismatched or impossible shares', () => {
    expect(() => psiFromShares([1], [0.5, 0.5])).toThrow(RangeError);
    expect(() => psiFromShares([1.5, -0.5], [0.5, 0.5])).toThrow(RangeError);
    expect(() => psiFromShares([], [])).toThrow(RangeError);
  });
});
