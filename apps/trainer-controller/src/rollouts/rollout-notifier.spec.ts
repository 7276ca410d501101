import { type RolloutChangedV1 } from '@sentimentops/contracts';
import { rolloutAlert } from './rollout-notifier.js';

const change = (over: Partial<RolloutChangedV1>): RolloutChangedV1 => ({
  rolloutId: '5b1f0f5e-5d2c-4a43-9f5e-0b8a7f6f1a11',
  modelName: 'sentiment',
  version: '7',
  championVersion: '6',
  state: 'progressing',
  mode: 'canary',
  weight: 25,
  mirrorPercent: 10,
  sticky: false,
  revision: 3,
  actor: 'rollout',
  occurredAt: '2026-11-27T05:00:00.000Z',
  ...over,
});

describe('rolloutAlert', () => {
  it('says nothing of the steps along the way', () => {
    expect(rolloutAlert(change({}))).toBeUndefined();
    expect(rolloutAlert(change({ state: 'paused' }))).toBeUndefined();
  });

  it('turns a rollback into a warning that names the version, the champion and the breach', () => {
    const alert = rolloutAlert(
      change({ state: 'rolled-back', weight: 0, reason: '2 failed checks; the last: agreement' }),
    )!;
    expect(alert).toEqual({
      labels: {
        alertname: 'SentimentOpsRolloutRolledBack',
        severity: 'warning',
        service: 'sentimentops',
        model: 'sentiment',
        version: '7',
        rollout_id: '5b1f0f5e-5d2c-4a43-9f5e-0b8a7f6f1a11',
      },
      annotations: {
        summary: 'sentiment v7 was rolled back; v6 stays champion',
        description:
          '2 failed checks; the last: agreement (by rollout, rollout 5b1f0f5e-5d2c-4a43-9f5e-0b8a7f6f1a11)',
      },
      startsAt: '2026-11-27T05:00:00.000Z',
      endsAt: '2026-11-27T06:00:00.000Z',
    });
  });

  it('turns a promotion into an info alert', () => {
    const alert = rolloutAlert(change({ state: 'promoted', weight: 0 }))!;
    expect(alert.labels).toMatchObject({
      alertname: 'SentimentOpsRolloutPromoted',
      severity: 'info',
    });
    expect(alert.annotations.summary).toBe('sentiment v7 was promoted to champion');
  });
});
