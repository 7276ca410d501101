import { holm } from './holm.js';

describe('holm', () => {
  it('steps down: multiplies the i-th smallest p by m − i + 1, keeps it monotone, caps at 1', () => {
    const { adjusted, rejected } = holm([0.01, 0.04, 0.03, 0.005], 0.05);
    // sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.06, 0.04·1) = 0.06
    expect(adjusted.map((p) => Number(p.toFixed(12)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(rejected).toEqual([true, false, false, true]);
    expect(holm([0.6, 0.7]).adjusted).toEqual([1, 1]);
  });

  it('stops at the first p-value above its threshold', () => {
    // 0.02 > 0.05/3 stops the procedure: nothing is rejected, though 0.02 < 0.05.
    expect(holm([0.02, 0.021, 0.022]).rejected).toEqual([false, false, false]);
  });

  it('handles no p-values, and refuses impossible ones', () => {
    expect(holm([])).toEqual({ adjusted: [], rejected: [] });
    expect(() => holm([1.2])).toThrow(RangeError);
    expect(() => holm([NaN])).toThrow(RangeError);
    expect(() => holm([0.1], 0)).toThrow(RangeError);
  });
});
