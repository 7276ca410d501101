import { chiSquare, chiSquareSf } from './chi-square.js';

describe('chiSquare', () => {
  it('is statistic 0, p = 1 when the counts match the shares exactly', () => {
    expect(chiSquare([25, 75], [0.25, 0.75])).toEqual({ statistic: 0, df: 1, pValue: 1 });
  });

  it('sums (o − e)²/e with e = share·N', () => {
    // e = 50, 50: (60 − 50)²/50 + (40 − 50)²/50 = 4
    const result = chiSquare([60, 40], [0.5, 0.5]);
    expect(result.statistic).toBe(4);
    expect(result.pValue).toBeCloseTo(chiSquareSf(4, 1), 15);
    // chi2.sf(4, 1) = erfc(sqrt(2)) = 0.04550026389635842
    expect(result.pValue).toBeCloseTo(0.04550026389635842, 14);
  });

  it.each([
    [
      [1, 2],
      [0.5, 0.5, 0],
    ],
    [[1], [1]],
    [
      [0, 0],
      [0.5, 0.5],
    ],
    [
      [1, 2],
      [1, 0],
    ],
    [
      [1, 2],
      [0.5, 0.4],
    ],
    [
      [-1, 2],
      [0.5, 0.5],
    ],
  ])('refuses counts %p against shares %p', (counts, shares) =>
    expect(() => chiSquare(counts, shares)).toThrow(RangeError),
  );
});
