import type { TestSetScores } from '../entities/registry.entities.js';

export interface GatePolicy {
  /** The named test set both candidate and champion must have been scored on. */
  testSet: string;
  minAccuracy: number;
  minMacroF1: number;
  /** How far below the champion the candidate may score (absolute, on both metrics). */
  maxRegression: number;
}

export interface ScoredOn {
  version: string;
  testSetSha256: string;
  scores: TestSetScores;
}

export interface GateDecision {
  passed: boolean;
  /** Every check, passed or not, in words: what the audit trail and the error message show. */
  reasons: string[];
}

const fmt = (x: number) => x.toFixed(4);

/**
 * May `candidate` become challenger? It must reach the floors and, when there is a champion, not
 * fall more than `maxRegression` below it, both scored on the same test set (same file hash).
 * A candidate without a score on the policy's test set, or a champion scored on a different
 * version of it, fails: comparing numbers from different texts says nothing.
 */
export function decidePromotion(
  policy: GatePolicy,
  candidate: ScoredOn | undefined,
  champion: ScoredOn | undefined | null,
): GateDecision {
  if (!candidate) {
    return { passed: false, reasons: [`no evaluation on test set "${policy.testSet}"`] };
  }
  const reasons: string[] = [];
  let passed = true;
  const check = (ok: boolean, text: string) => {
    passed &&= ok;
    reasons.push(`${ok ? 'ok' : 'failed'}: ${text}`);
  };
  const { accuracy, macroF1 } = candidate.scores;
  check(
    accuracy >= policy.minAccuracy,
    `accuracy ${fmt(accuracy)} >= floor ${fmt(policy.minAccuracy)}`,
  );
  check(
    macroF1 >= policy.minMacroF1,
    `macro-F1 ${fmt(macroF1)} >= floor ${fmt(policy.minMacroF1)}`,
  );
  if (champion) {
    if (champion.testSetSha256 !== candidate.testSetSha256) {
      check(
        false,
        `champion v${champion.version} was scored on another version of "${policy.testSet}" ` +
          `(${champion.testSetSha256.slice(0, 12)} vs ${candidate.testSetSha256.slice(0, 12)})`,
      );
    } else {
      for (const [name, ours, theirs] of [
        ['accuracy', accuracy, champion.scores.accuracy],
        ['macro-F1', macroF1, champion.scores.macroF1],
      ] as const) {
        check(
          ours >= theirs - policy.maxRegression,
          `${name} ${fmt(ours)} vs champion v${champion.version} ${fmt(theirs)} ` +
            `(may fall at most ${fmt(policy.maxRegression)})`,
        );
      }
    }
  } else {
    reasons.push('ok: no champion to compare with');
  }
  return { passed, reasons };
}
