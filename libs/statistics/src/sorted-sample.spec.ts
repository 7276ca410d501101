import { countAgainst, SortedSample } from './sorted-sample.js';

/** below/at by brute force. */
function naive(values: number[], cuts: number[]) {
  const below = cuts
    .map((cut, c) => values.filter((x) => x < cut && (c === 0 || x > cuts[c - 1])).length)
    .concat(values.filter((x) => x > cuts[cuts.length - 1]).length);
  const at = cuts.map((cut) => values.filter((x) => x === cut).length);
  return { below, at };
}

describe('countAgainst', () => {
  let seed = 7;
  const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

  it.each([
    ['few cuts (binary search)', 10],
    ['many cuts (grid)', 300],
    ['many clustered cuts (grid)', 200],
  ])('counts like brute force: %s', (name, k) => {
    for (let trial = 0; trial < 20; trial++) {
      const clustered = name.includes('clustered');
      const raw = Array.from({ length: k }, () => (clustered ? next() ** 8 : next() * 10));
      const cuts = [...new Set(raw.map((x) => Math.round(x * 1e4) / 1e4))].sort((a, b) => a - b);
      // Values below, above, between and exactly on the cuts.
      const values = Array.from({ length: 2000 }, () =>
        next() < 0.3 ? cuts[Math.floor(next() * cuts.length)] : next() * 12 - 1,
      );
      const expected = naive(values, cuts);
      for (const sample of [values, Float64Array.from(values), SortedSample.of(values)]) {
        const { below, at } = countAgainst(sample, Float64Array.from(cuts));
        expect({ below: Array.from(below), at: Array.from(at) }).toEqual(expected);
      }
    }
  });

  it('handles no cuts and a single repeated cut', () => {
    expect(countAgainst([1, 2], new Float64Array(0))).toEqual({
      below: Float64Array.from([2]),
      at: new Float64Array(0),
    });
    expect(countAgainst([1, 2, 2, 3], Float64Array.from([2]))).toEqual({
      below: Float64Array.from([1, 1]),
      at: Float64Array.from([2]),
    });
  });

  it('refuses values that are not finite', () => {
    expect(() => countAgainst([1, NaN], Float64Array.from([1]))).toThrow(RangeError);
    expect(() => countAgainst([-Infinity], Float64Array.from([1]))).toThrow(RangeError);
    expect(() => SortedSample.of([1, NaN])).toThrow(RangeError);
  });
});
