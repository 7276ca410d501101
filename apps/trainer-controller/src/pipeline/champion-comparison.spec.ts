import { compareWithChampion, type ScoredPair } from './champion-comparison.js';

const policy = { minImprovement: 0, maxRegression: 0.02 };

function pair(name: string, candidate: number, champion: number | null): ScoredPair {
  const scores = (f1: number) => ({ n: 100, accuracy: f1, macro_f1: f1 });
  return {
    testSet: { name, sha256: 'a'.repeat(64) },
    candidate: scores(candidate),
    champion: champion === null ? null : { version: '1', ...scores(champion) },
  };
}

describe('compareWithChampion', () => {
  it('passes a candidate that gains on the new rows and holds on the base rows', () => {
    const result = compareWithChampion(
      { added: pair('test.added@x', 0.9, 0.7), base: pair('test.base@x', 0.89, 0.9) },
      policy,
    );
    expect(result).toMatchObject({ passed: true, failures: [] });
    expect(result.checks[0]).toBe(
      'test.added@x: macro-F1 0.900 vs champion v1 0.700 (+0.200); needs +0.000 on new rows',
    );
  });

  it('rejects a candidate that does worse than the champion on the new rows', () => {
    const result = compareWithChampion(
      { added: pair('test.added@x', 0.69, 0.7), base: pair('test.base@x', 0.95, 0.9) },
      policy,
    );
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      expect.stringMatching(/^on the new rows \(test\.added@x\) the candidate gains -0\.010/),
    ]);
  });

  it('rejects a candidate that falls behind on the base rows beyond the tolerance', () => {
    const result = compareWithChampion(
      { added: pair('test.added@x', 0.9, 0.7), base: pair('test.base@x', 0.87, 0.9) },
      policy,
    );
    expect(result.failures).toEqual([
      expect.stringMatching(/^on the base rows \(test\.base@x\) the candidate falls 0\.030 /),
    ]);
  });

  it('asks for a real gain when minImprovement says so', () => {
    const result = compareWithChampion(
      { added: pair('test.added@x', 0.72, 0.7), base: pair('test.base@x', 0.9, 0.9) },
      { ...policy, minImprovement: 0.05 },
    );
    expect(result.passed).toBe(false);
  });

  it('checks only the base when no new row reached the test split', () => {
    const result = compareWithChampion({ base: pair('test.base@x', 0.9, 0.9) }, policy);
    expect(result.passed).toBe(true);
    expect(result.checks[0]).toMatch(/no new rows reached the test split/);
  });

  it('passes when there is no champion to beat', () => {
    const result = compareWithChampion(
      { added: pair('test.added@x', 0.6, null), base: pair('test.base@x', 0.6, null) },
      policy,
    );
    expect(result).toMatchObject({ passed: true, checks: ['no champion to compare with'] });
  });
});
