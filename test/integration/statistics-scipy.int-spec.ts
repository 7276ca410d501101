// libs/statistics against a live scipy/numpy (the venv's Python, test/support/python/
// drift_statistics.py) on data generated here, so the committed fixtures of the unit tests can
// never silently go stale: a scipy upgrade that changes a number fails this test.
// Same tolerance as the unit tests: statistics to 1e-9 (relative above 1), p-values to 1e-9
// relative. STATISTICS_SEED picks other data.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chiSquare, holm, ks2samp, psi, psiFromShares } from '@sentimentops/statistics';
import { venvPython } from '../support/mlflow-process.js';

const SEED = Number(process.env.STATISTICS_SEED ?? 20250101);

// Jest runs tests in a vm context, where global lookups (Math...) in a hot loop are slow.
const { cos, floor, imul, log, PI, round, sqrt } = Math;

/** mulberry32: a small seeded generator of uniforms in (0, 1). */
function uniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

const uniform = uniforms(SEED);
const draw = (count: number, f: () => number) => Array.from({ length: count }, f);
const normal = (mean = 0, sd = 1) =>
  mean + sd * sqrt(-2 * log(uniform())) * cos(2 * PI * uniform());
const decimals = (digits: number) => (x: number) => round(x * 10 ** digits) / 10 ** digits;

const ksCases = [
  { name: 'unequal sizes', a: draw(300, () => normal()), b: draw(450, () => normal(0.2)) },
  { name: 'equal sizes', a: draw(2000, () => normal()), b: draw(2000, () => normal(0.03)) },
  {
    name: 'ties (two decimals)',
    a: draw(1500, () => normal()).map(decimals(2)),
    b: draw(800, () => normal(0, 1.2)).map(decimals(2)),
  },
  {
    name: 'integers',
    a: draw(2000, () => floor(6 * uniform())),
    b: draw(700, () => floor(7 * uniform())),
  },
  { name: 'far apart', a: draw(200, () => normal()), b: draw(260, () => normal(1.2)) },
  {
    name: 'reference vs a large window',
    a: draw(2000, () => normal()),
    b: draw(30000, () => normal(0.02)),
  },
];
const psiCases = [
  {
    name: 'scores',
    reference: draw(2000, () => uniform() ** 0.4),
    current: draw(20000, () => uniform() ** 0.5),
    bins: 10,
    epsilon: 1e-4,
  },
  {
    name: 'token lengths (ties)',
    reference: draw(2000, () => floor(-4 * log(uniform()))),
    current: draw(20000, () => floor(-5 * log(uniform()))),
    bins: 10,
    epsilon: 1e-4,
  },
  {
    name: 'unknown-token rates (mostly 0)',
    reference: draw(2000, () => (uniform() < 0.8 ? 0 : decimals(4)(uniform() / 10))),
    current: draw(5000, () => (uniform() < 0.6 ? 0 : decimals(4)(uniform() / 5))),
    bins: 10,
    epsilon: 1e-4,
  },
];
const labelShares = [0.55, 0.45];
const chiCases = [
  { name: 'labels, near', observed: [5420, 4580], shares: labelShares },
  { name: 'labels, far', observed: [40000, 60000], shares: labelShares },
  { name: 'four categories', observed: [12, 300, 48, 640], shares: [0.01, 0.3, 0.05, 0.64] },
];
const holmCases = [
  { name: 'drawn', p: draw(6, () => uniform() / 10), alpha: 0.05 },
  { name: 'with ties and zeros', p: [0, 0.01, 0.01, 0.2, 1, 1e-200], alpha: 0.05 },
];
const sharesCases = [
  { name: 'labels', reference: labelShares, current: [0.6, 0.4], epsilon: 1e-4 },
  { name: 'a zero share', reference: [0.5, 0.5, 0], current: [0.4, 0.5, 0.1], epsilon: 1e-4 },
];

interface Scipy {
  versions: { scipy: string; numpy: string };
  ks: {
    statistic: number;
    exact_statistic: number;
    exact_pvalue: number;
    kstwobign_pvalue: number;
  }[];
  psi: { value: number; edges: number[]; reference_counts: number[]; current_counts: number[] }[];
  psi_shares: { value: number }[];
  chisquare: { statistic: number; df: number; pvalue: number }[];
  holm: { adjusted: number[]; rejected: boolean[] }[];
}

function expectStatistic(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

function expectPValue(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
}

describe(`libs/statistics vs live scipy (seed ${SEED})`, () => {
  let scipy: Scipy;

  beforeAll(() => {
    const input = JSON.stringify({
      ks: ksCases,
      psi: psiCases,
      psi_shares: sharesCases,
      chisquare: chiCases,
      holm: holmCases,
    });
    const script = join(process.cwd(), 'test', 'support', 'python', 'drift_statistics.py');
    scipy = JSON.parse(
      execFileSync(venvPython(), [script], { input, maxBuffer: 64 * 1024 * 1024 }).toString('utf8'),
    ) as Scipy;
  });

  it('ran scipy', () => {
    expect(scipy.versions.scipy).toMatch(/^\d+\.\d+/);
    expect(scipy.ks).toHaveLength(ksCases.length);
  });

  it.each(ksCases.map((c, i) => [c.name, i] as const))('ks2samp: %s', (_name, i) => {
    const { a, b } = ksCases[i];
    const expected = scipy.ks[i];
    if (Math.max(a.length, b.length) <= 10000) {
      const exact = ks2samp(a, b, { method: 'exact' });
      expect(exact.method).toBe('exact');
      expectStatistic(exact.statistic, expected.exact_statistic);
      expectPValue(exact.pValue, expected.exact_pvalue);
    }
    const asymp = ks2samp(a, b, { method: 'asymp' });
    expect(asymp.statistic).toBe(expected.statistic);
    expectPValue(asymp.pValue, expected.kstwobign_pvalue);
  });

  it.each(psiCases.map((c, i) => [c.name, i] as const))('psi: %s', (_name, i) => {
    const { reference, current, bins, epsilon } = psiCases[i];
    const expected = scipy.psi[i];
    const result = psi(reference, current, { bins, epsilon });
    expectStatistic(result.value, expected.value);
    expect(result.edges).toHaveLength(expected.edges.length);
    result.edges.forEach((edge, k) => expectStatistic(edge, expected.edges[k]));
    expect(result.bins.map((bin) => bin.referenceCount)).toEqual(expected.reference_counts);
    expect(result.bins.map((bin) => bin.currentCount)).toEqual(expected.current_counts);
  });

  it('psiFromShares, chiSquare and holm', () => {
    sharesCases.forEach(({ reference, current, epsilon }, i) =>
      expectStatistic(psiFromShares(reference, current, epsilon).value, scipy.psi_shares[i].value),
    );
    chiCases.forEach(({ observed, shares }, i) => {
      const result = chiSquare(observed, shares);
      expectStatistic(result.statistic, scipy.chisquare[i].statistic);
      expect(result.df).toBe(scipy.chisquare[i].df);
      expectPValue(result.pValue, scipy.chisquare[i].pvalue);
    });
    holmCases.forEach(({ p, alpha }, i) => {
      const result = holm(p, alpha);
      result.adjusted.forEach((q, k) => expectPValue(q, scipy.holm[i].adjusted[k]));
      expect(result.rejected).toEqual(scipy.holm[i].rejected);
    });
  });
});
