import { decidePromotion, type GatePolicy, type ScoredOn } from './promotion-gate.js';

const policy: GatePolicy = {
  testSet: 'handwritten',
  minAccuracy: 0.8,
  minMacroF1: 0.8,
  maxRegression: 0.01,
};
const SHA = 'a'.repeat(64);
const scored = (version: string, accuracy: number, macroF1 = accuracy, sha = SHA): ScoredOn => ({
  version,
  testSetSha256: sha,
  scores: { n: 240, accuracy, macroF1 },
});

describe('decidePromotion', () => {
  it('passes a candidate above the floors and within the margin of the champion', () => {
    const decision = decidePromotion(policy, scored('2', 0.845), scored('1', 0.85));
    expect(decision.passed).toBe(true);
    expect(decision.reasons.every((r) => r.startsWith('ok'))).toBe(true);
    expect(decision.reasons.join('\n')).toContain('champion v1 0.8500');
  });

  it('fails a candidate below a floor, naming the floor', () => {
    const decision = decidePromotion(policy, scored('2', 0.9, 0.79), null);
    expect(decision.passed).toBe(false);
    expect(decision.reasons).toContain('failed: macro-F1 0.7900 >= floor 0.8000');
  });

  it('fails a candidate that regresses the champion by more than the margin', () => {
    const decision = decidePromotion(policy, scored('3', 0.86), scored('1', 0.875));
    expect(decision.passed).toBe(false);
    expect(decision.reasons.filter((r) => r.startsWith('failed'))).toHaveLength(2);
  });

  it('refuses to compare scores from different versions of the test set', () => {
    const decision = decidePromotion(
      policy,
      scored('2', 0.95),
      scored('1', 0.8, 0.8, 'b'.repeat(64)),
    );
    expect(decision.passed).toBe(false);
    expect(decision.reasons.at(-1)).toMatch(/another version of "handwritten"/);
  });

  it('fails a candidate that was never scored on the policy test set', () => {
    expect(decidePromotion(policy, undefined, scored('1', 0.9))).toEqual({
      passed: false,
      reasons: ['no evaluation on test set "handwritten"'],
    });
  });

  it('accepts exactly the floor and exactly the margin', () => {
    expect(decidePromotion(policy, scored('2', 0.8), scored('1', 0.81)).passed).toBe(true);
  });
});
