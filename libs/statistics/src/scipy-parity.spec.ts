// The statistics against the numbers scipy 1.17 and numpy give on fixed, seeded data
// (fixtures/scipy-fixtures.json, written by fixtures/make_fixtures.py; the integration test
// test/integration/statistics-scipy.int-spec.ts checks fresh data against a live scipy).
//
// Tolerance, 1e-9 throughout: statistics (D, chi-square, PSI, cut points, shares) to 1e-9
// absolute, relative above magnitude 1; p-values to 1e-9 RELATIVE, so a p-value of 1e-22 must
// match to about 1e-31 and not merely be "close to zero".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chiSquare } from './chi-square.js';
import { holm } from './holm.js';
import { kolmogorovSf } from './kolmogorov.js';
import { ks2samp } from './ks-two-sample.js';
import { psi, psiFromShares } from './psi.js';

interface Fixtures {
  versions: { scipy: string; numpy: string };
  ks: {
    name: string;
    a: string | number[];
    b: string | number[];
    expected: {
      statistic: number;
      exact_statistic: number;
      exact_pvalue: number;
      exact_fell_back: boolean;
      kstwobign_pvalue: number;
    };
  }[];
  psi: {
    name: string;
    reference: string | number[];
    current: string | number[];
    bins: number;
    epsilon: number;
    expected: {
      value: number;
      edges: number[];
      reference_counts: number[];
      current_counts: number[];
      reference_shares: number[];
      current_shares: number[];
    };
  }[];
  psi_shares: {
    name: string;
    reference: number[];
    current: number[];
    epsilon: number;
    expected: { value: number };
  }[];
  chisquare: {
    name: string;
    observed: number[];
    shares: number[];
    expected: { statistic: number; df: number; pvalue: number };
  }[];
  holm: {
    name: string;
    p: number[];
    alpha: number;
    expected: { adjusted: number[]; rejected: boolean[] };
  }[];
  kolmogorov: { x: number; sf: number; kstwobign_sf: number }[];
}

const fixtures = JSON.parse(
  readFileSync(join(process.cwd(), 'libs/statistics/fixtures/scipy-fixtures.json'), 'utf8'),
) as Fixtures;

/** Samples longer than a few values are stored as one space-separated string. */
function values(stored: string | number[]): number[] {
  return typeof stored === 'string' ? stored.split(' ').map(Number) : stored;
}

function expectStatistic(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

function expectPValue(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
}

function expectAll(actual: number[], expected: number[], check: typeof expectStatistic): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => check(value, expected[i]));
}

describe(`parity with scipy ${fixtures.versions.scipy} / numpy ${fixtures.versions.numpy}`, () => {
  describe.each(fixtures.ks)('ks2samp: $name', ({ a, b, expected }) => {
    const x = values(a);
    const y = values(b);

    it("'exact' = ks_2samp(method='exact')", () => {
      expect(expected.exact_fell_back).toBe(false);
      const result = ks2samp(x, y, { method: 'exact' });
      expect(result.method).toBe('exact');
      expectStatistic(result.statistic, expected.exact_statistic);
      expectPValue(result.pValue, expected.exact_pvalue);
    });

    it("'asymp' = kstwobign.sf(sqrt(en)·D)", () => {
      const result = ks2samp(x, y, { method: 'asymp' });
      expect(result.method).toBe('asymp');
      expect(result.statistic).toBe(expected.statistic);
      expectPValue(result.pValue, expected.kstwobign_pvalue);
    });

    it("'auto' is exact up to 10,000 values a side", () => {
      const result = ks2samp(x, y);
      const exact = Math.max(x.length, y.length) <= 10000;
      expect(result.method).toBe(exact ? 'exact' : 'asymp');
      expectPValue(result.pValue, exact ? expected.exact_pvalue : expected.kstwobign_pvalue);
    });
  });

  it.each(fixtures.psi)('psi: $name', ({ reference, current, bins, epsilon, expected }) => {
    const result = psi(values(reference), values(current), { bins, epsilon });
    expectStatistic(result.value, expected.value);
    expectAll(result.edges, expected.edges, expectStatistic);
    expect(result.bins.map((b) => b.referenceCount)).toEqual(expected.reference_counts);
    expect(result.bins.map((b) => b.currentCount)).toEqual(expected.current_counts);
    expectAll(
      result.bins.map((b) => b.referenceShare),
      expected.reference_shares,
      expectStatistic,
    );
    expectAll(
      result.bins.map((b) => b.currentShare),
      expected.current_shares,
      expectStatistic,
    );
  });

  it.each(fixtures.psi_shares)(
    'psiFromShares: $name',
    ({ reference, current, epsilon, expected }) =>
      expectStatistic(psiFromShares(reference, current, epsilon).value, expected.value),
  );

  it.each(fixtures.chisquare)('chiSquare: $name', ({ observed, shares, expected }) => {
    const result = chiSquare(observed, shares);
    expectStatistic(result.statistic, expected.statistic);
    expect(result.df).toBe(expected.df);
    expectPValue(result.pValue, expected.pvalue);
  });

  it.each(fixtures.holm)('holm: $name', ({ p, alpha, expected }) => {
    const result = holm(p, alpha);
    expectAll(result.adjusted, expected.adjusted, expectPValue);
    expect(result.rejected).toEqual(expected.rejected);
  });

  it.each(fixtures.kolmogorov)('kolmogorovSf($x) = scipy.special.kolmogorov', ({ x, sf }) =>
    expectPValue(kolmogorovSf(x), sf),
  );

  it('covers what it means to: ties, m = n, tiny p-values, both KS methods under auto', () => {
    const sizes = fixtures.ks.map((c) => [values(c.a).length, values(c.b).length]);
    expect(sizes.some(([m, n]) => m === n)).toBe(true);
    expect(sizes.some(([m, n]) => Math.max(m, n) > 10000)).toBe(true);
    expect(fixtures.ks.some((c) => c.expected.exact_pvalue < 1e-20)).toBe(true);
    expect(fixtures.psi.some((c) => c.expected.edges.length < c.bins - 1)).toBe(true);
    expect(fixtures.psi.some((c) => c.expected.reference_counts.includes(0))).toBe(true);
  });
});
