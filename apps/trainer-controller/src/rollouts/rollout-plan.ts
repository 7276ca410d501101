import { type RolloutMode, type RolloutVerdict } from '@sentimentops/contracts';

/** What a rollout's analysis needs to know of it to decide where it goes next. */
export interface RolloutPosition {
  mode: RolloutMode;
  steps: readonly number[];
  stepIndex: number;
  failedChecks: number;
  failureThreshold: number;
}

/** Where a rollout goes after one analysis. */
export type Transition =
  /** Inconclusive: not enough data to judge; the step holds and nothing is counted. */
  | { kind: 'hold' }
  /** A failed check below the threshold: counted, the step holds. */
  | { kind: 'failed'; failedChecks: number }
  | { kind: 'step'; stepIndex: number; weight: number }
  | { kind: 'promote' }
  | { kind: 'rollback'; failedChecks: number };

/** Steps as ROLLOUT_STEPS writes them: "5,25,50,100". */
export function parseSteps(text: string): number[] {
  return text.split(',').map((s) => Number(s.trim()));
}

/** Why these steps cannot drive a rollout, or undefined when they can. */
export function stepsProblem(steps: readonly number[]): string | undefined {
  if (steps.length === 0) return 'at least one step is needed';
  if (steps.some((s) => !Number.isInteger(s) || s < 1 || s > 100)) {
    return `steps are whole percents from 1 to 100 (got ${steps.join(', ')})`;
  }
  if (steps.some((s, i) => i > 0 && s <= steps[i - 1])) {
    return `steps must increase (got ${steps.join(', ')})`;
  }
  if (steps.at(-1) !== 100) return `the last step must be 100 (got ${steps.at(-1)})`;
  return undefined;
}

/**
 * The challenger's share of batches at a step. A shadow rollout never answers clients: its
 * challenger only scores mirrored copies, so its weight stays 0 through the same steps.
 */
export function weightAt(mode: RolloutMode, steps: readonly number[], stepIndex: number): number {
  return mode === 'shadow' ? 0 : steps[stepIndex];
}

/**
 * A pass moves to the next step, or promotes from the last; a fail is counted and rolls back at
 * the threshold (failures add up over the whole rollout, they are not forgiven by a later pass);
 * an inconclusive check holds the step without counting.
 */
export function afterCheck(position: RolloutPosition, verdict: RolloutVerdict): Transition {
  switch (verdict) {
    case 'inconclusive':
      return { kind: 'hold' };
    case 'fail': {
      const failedChecks = position.failedChecks + 1;
      return failedChecks >= position.failureThreshold
        ? { kind: 'rollback', failedChecks }
        : { kind: 'failed', failedChecks };
    }
    case 'pass': {
      const stepIndex = position.stepIndex + 1;
      if (stepIndex >= position.steps.length) return { kind: 'promote' };
      return {
        kind: 'step',
        stepIndex,
        weight: weightAt(position.mode, position.steps, stepIndex),
      };
    }
  }
}
