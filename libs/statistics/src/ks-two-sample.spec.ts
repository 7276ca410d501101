import { ks2samp, ksStatistic } from './ks-two-sample.js';
import { SortedSample } from './sorted-sample.js';

/** scipy's definition, literally: every merged value, counts by brute force. */
function naiveD(a: number[], b: number[]): number {
  const diffs = [...a, ...b].map(
    (v) => a.filter((x) => x <= v).length / a.length - b.filter((x) => x <= v).length / b.length,
  );
  const minS = Math.min(Math.max(-Math.min(...diffs), 0), 1);
  const maxS = Math.max(...diffs);
  return minS > maxS ? minS : maxS;
}

describe('ks2samp', () => {
  it('is D = 0, p = 1 for identical samples', () => {
    expect(ks2samp([1, 2, 3], [3, 2, 1])).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
  });

  it('takes D from the merged values, ties counted on both sides at once', () => {
    // F_a(1) = 2/3, F_b(1) = 1/3 -> 1/3; F_a(2) = 1, F_b(2) = 1/3 -> 2/3.
    expect(ksStatistic([1, 1, 2], [1, 3, 3])).toBeCloseTo(2 / 3, 15);
    expect(ksStatistic([3, 1, 3], [2, 1, 1])).toBeCloseTo(2 / 3, 15);
  });

  it('gives the same D as the brute-force definition, sorted or not, ties or not', () => {
    let seed = 1;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 300; trial++) {
      const levels = 2 + Math.floor(next() * 12); // few levels: many ties
      const draw = (count: number) =>
        Array.from({ length: count }, () => Math.floor(next() * levels) / 2 + (trial % 3) * next());
      const a = draw(1 + Math.floor(next() * 40));
      const b = draw(1 + Math.floor(next() * 40));
      const expected = naiveD(a, b);
      expect(ksStatistic(a, b)).toBe(expected);
      expect(ksStatistic(SortedSample.of(a), SortedSample.of(b))).toBe(expected);
      expect(ksStatistic(a, SortedSample.of(b))).toBe(expected);
    }
  });

  it('is symmetric in its samples', () => {
    const a = [0.1, 0.5, 0.9, 1.3, 2.2];
    const b = [0.4, 0.45, 1.8, 2.5, 2.6, 3.1, 4];
    expect(ks2samp(a, b)).toEqual(ks2samp(b, a));
    expect(ks2samp(a, b, { method: 'asymp' })).toEqual(ks2samp(b, a, { method: 'asymp' }));
  });

  it('gives p = 1 for samples that cannot differ by less than one step (m = n = 7, D = 1/7)', () => {
    // scipy computes 1 + 2 ulp here, gives up on 'exact' and answers 0.99996 from its
    // asymptotic; the exact p-value is 1 (D >= 1/7 always holds), which is what we return.
    const a = [1, 2, 3, 4, 5, 6, 7];
    const b = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 0];
    const result = ks2samp(a, b, { method: 'exact' });
    expect(result.statistic).toBeCloseTo(1 / 7, 15);
    expect(result).toMatchObject({ pValue: 1, method: 'exact' });
  });

  it("answers 'asymp' when asked for 'exact' with lcm(m, n) beyond int32, as scipy does", () => {
    const a = Array.from({ length: 50000 }, (_, i) => i);
    const b = Array.from({ length: 49999 }, (_, i) => i + 0.5);
    expect(ks2samp(a, b, { method: 'exact' }).method).toBe('asymp');
  });

  it("'auto' switches to 'asymp' above 10,000 values in either sample", () => {
    const small = Array.from({ length: 100 }, (_, i) => i);
    expect(ks2samp(small, new Array<number>(10000).fill(1)).method).toBe('exact');
    expect(ks2samp(small, new Array<number>(10001).fill(1)).method).toBe('asymp');
  });

  it('refuses empty samples and values that are not finite, on either side', () => {
    expect(() => ks2samp([], [1])).toThrow(RangeError);
    expect(() => ks2samp([1], [])).toThrow(RangeError);
    expect(() => ks2samp([1, 2], [1, NaN, 3])).toThrow(RangeError);
    expect(() => ks2samp([1, 2, Infinity], [1])).toThrow(RangeError);
  });
});
