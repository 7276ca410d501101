/** A model's scores on one test set, as `evaluate-model --json` prints them (`metrics`). */
export interface Scores {
  n: number;
  accuracy: number;
  macro_f1: number;
}

/** Candidate and champion on the same rows (`sha256` names them). */
export interface ScoredPair {
  testSet: { name: string; sha256: string; rows?: number };
  candidate: Scores;
  champion: (Scores & { version: string }) | null;
}

export interface ComparisonPolicy {
  /** On the rows this run added, the candidate's macro-F1 must gain at least this much. */
  minImprovement: number;
  /** On the base's rows, the candidate's macro-F1 may fall at most this much behind. */
  maxRegression: number;
}

export interface Comparison {
  passed: boolean;
  /** One line per check, in words, e.g. `test.added@…: macro-F1 0.912 vs champion 0.701 (+0.211)`. */
  checks: string[];
  /** Why it did not pass; empty when it did. */
  failures: string[];
}

/**
 * Whether a candidate should replace the champion as challenger: better where the new data is
 * (where the champion was weak, e.g. a new domain), and not worse, beyond a tolerance, where the
 * champion was already good (the base's rows). Without a champion there is nothing to beat.
 * Without added rows in the test split (too few new rows to reach it), only "holds" is checked.
 */
export function compareWithChampion(
  subsets: { added?: ScoredPair; base?: ScoredPair },
  policy: ComparisonPolicy,
): Comparison {
  const checks: string[] = [];
  const failures: string[] = [];
  const line = (pair: ScoredPair, delta: number) =>
    `${pair.testSet.name}: macro-F1 ${pair.candidate.macro_f1.toFixed(3)} vs champion ` +
    `v${pair.champion!.version} ${pair.champion!.macro_f1.toFixed(3)} ` +
    `(${delta >= 0 ? '+' : ''}${delta.toFixed(3)})`;

  const { added, base } = subsets;
  if (added?.champion) {
    const delta = added.candidate.macro_f1 - added.champion.macro_f1;
    const needs = policy.minImprovement;
    checks.push(
      `${line(added, delta)}; needs ${needs >= 0 ? '+' : ''}${needs.toFixed(3)} on new rows`,
    );
    if (delta < policy.minImprovement) {
      failures.push(
        `on the new rows (${added.testSet.name}) the candidate gains ${delta.toFixed(3)} ` +
          `macro-F1 over the champion, less than ${policy.minImprovement}`,
      );
    }
  } else if (added === undefined) {
    checks.push('no new rows reached the test split: only the base rows are compared');
  }
  if (base?.champion) {
    const delta = base.candidate.macro_f1 - base.champion.macro_f1;
    checks.push(`${line(base, delta)}; may lose at most ${policy.maxRegression.toFixed(3)}`);
    if (-delta > policy.maxRegression) {
      failures.push(
        `on the base rows (${base.testSet.name}) the candidate falls ${(-delta).toFixed(3)} ` +
          `macro-F1 behind the champion, more than ${policy.maxRegression}`,
      );
    }
  }
  if (!added?.champion && !base?.champion) checks.push('no champion to compare with');
  return { passed: failures.length === 0, checks, failures };
}
