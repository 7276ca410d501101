import {
  afterCheck,
  parseSteps,
  type RolloutPosition,
  stepsProblem,
  weightAt,
} from './rollout-plan.js';

const canary: RolloutPosition = {
  mode: 'canary',
  steps: [5, 25, 50, 100],
  stepIndex: 0,
  failedChecks: 0,
  failureThreshold: 2,
};

describe('steps', () => {
  it('reads ROLLOUT_STEPS', () => {
    expect(parseSteps('5, 25,50 ,100')).toEqual([5, 25, 50, 100]);
  });

  it('accepts increasing whole percents ending at 100', () => {
    expect(stepsProblem([5, 25, 50, 100])).toBeUndefined();
    expect(stepsProblem([100])).toBeUndefined();
  });

  it('says what is wrong with the others', () => {
    expect(stepsProblem([])).toBe('at least one step is needed');
    expect(stepsProblem([5, 50])).toBe('the last step must be 100 (got 50)');
    expect(stepsProblem([50, 25, 100])).toBe('steps must increase (got 50, 25, 100)');
    expect(stepsProblem([25, 25, 100])).toBe('steps must increase (got 25, 25, 100)');
    expect(stepsProblem([0, 100])).toMatch(/whole percents from 1 to 100/);
    expect(stepsProblem(parseSteps('5,x,100'))).toMatch(/whole percents/);
  });

  it('gives the step as weight in canary mode and 0 in shadow mode', () => {
    expect(weightAt('canary', [5, 25, 100], 1)).toBe(25);
    expect(weightAt('shadow', [5, 25, 100], 1)).toBe(0);
  });
});

describe('afterCheck', () => {
  it('moves a passing rollout to the next step', () => {
    expect(afterCheck(canary, 'pass')).toEqual({ kind: 'step', stepIndex: 1, weight: 25 });
    expect(afterCheck({ ...canary, stepIndex: 2 }, 'pass')).toEqual({
      kind: 'step',
      stepIndex: 3,
      weight: 100,
    });
  });

  it('promotes on a pass at the last step', () => {
    expect(afterCheck({ ...canary, stepIndex: 3 }, 'pass')).toEqual({ kind: 'promote' });
  });

  it('holds on an inconclusive check without counting it', () => {
    expect(afterCheck({ ...canary, failedChecks: 1 }, 'inconclusive')).toEqual({ kind: 'hold' });
  });

  it('counts a failure and rolls back when the count reaches the threshold', () => {
    expect(afterCheck(canary, 'fail')).toEqual({ kind: 'failed', failedChecks: 1 });
    expect(afterCheck({ ...canary, failedChecks: 1 }, 'fail')).toEqual({
      kind: 'rollback',
      failedChecks: 2,
    });
    expect(afterCheck({ ...canary, failureThreshold: 1 }, 'fail')).toEqual({
      kind: 'rollback',
      failedChecks: 1,
    });
  });

  it('walks a shadow rollout through as many checks as steps at weight 0, then promotes', () => {
    let position: RolloutPosition = { ...canary, mode: 'shadow' };
    const seen: string[] = [];
    for (;;) {
      const t = afterCheck(position, 'pass');
      seen.push(t.kind === 'step' ? `step ${t.stepIndex} at ${t.weight}` : t.kind);
      if (t.kind !== 'step') break;
      position = { ...position, stepIndex: t.stepIndex };
    }
    expect(seen).toEqual(['step 1 at 0', 'step 2 at 0', 'step 3 at 0', 'promote']);
  });
});
