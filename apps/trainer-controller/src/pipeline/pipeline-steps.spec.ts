import { loadConfig } from '@sentimentops/config';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { type NatsRequester } from '@sentimentops/messaging';
import { type LabelledData } from '../capture/labelled-data.js';
import { type Rollouts } from '../rollouts/rollouts.js';
import { TrainerControllerConfig } from '../trainer-controller.config.js';
import { type PipelineRuns, type RunRow } from './pipeline-runs.js';
import { PipelineSteps, type StepContext } from './pipeline-steps.js';

const run = {
  id: 'run-1',
  state: 'rolling-out',
  outputs: { registered: { version: '2' } },
} as unknown as RunRow;
const ctx = {} as StepContext;

/** The steps with a stand-in for the rollouts (only what the step calls). */
function steps(env: Record<string, string>, rollouts: unknown) {
  return new PipelineSteps(
    {} as LabelledData,
    {} as PipelineRuns,
    {} as NatsRequester,
    rollouts as Rollouts,
    loadConfig(TrainerControllerConfig, env),
  );
}

describe('PipelineSteps training', () => {
  const validated = { id: 'run-1', state: 'training', outputs: {} } as unknown as RunRow;

  function recording() {
    const jobs: { step: string; args: string[]; gpus?: number }[] = [];
    const training: StepContext = {
      workDir: '/runs/run-1',
      job: (step, args, gpus) => {
        jobs.push({ step, args, gpus });
        return Promise.resolve({ step });
      },
    };
    return { jobs, training };
  }

  it('runs the tokenizer, then training on the GPUs', async () => {
    const { jobs, training } = recording();
    const outcome = await steps({ TRAINER_GPUS: '1' }, {}).run('training', validated, training);
    expect(jobs.map((j) => [j.step, j.args[0], j.gpus])).toEqual([
      ['tokenizer', 'tokenizer', undefined],
      ['train', 'train', 1],
    ]);
    expect(jobs[1].args).toContain('output_dir=/runs/run-1');
    expect(outcome).toEqual({
      kind: 'next',
      to: 'evaluating',
      outputs: { training: { tokenizer: { step: 'tokenizer' }, train: { step: 'train' } } },
    });
  });

  it('pretrains the encoder between the two when TRAINER_PRETRAIN is on', async () => {
    const { jobs, training } = recording();
    const outcome = await steps({ TRAINER_GPUS: '1', TRAINER_PRETRAIN: 'true' }, {}).run(
      'training',
      validated,
      training,
    );
    expect(jobs.map((j) => [j.step, j.args[0], j.gpus])).toEqual([
      ['tokenizer', 'tokenizer', undefined],
      ['pretrain', 'pretrain', 1],
      ['train', 'train', 1],
    ]);
    expect(outcome).toMatchObject({
      outputs: { training: { pretrain: { step: 'pretrain' } } },
    });
  });
});

describe('PipelineSteps rolling-out', () => {
  it('starts the rollout of the new challenger and ends the run with it', async () => {
    const start = jest.fn(() => Promise.resolve({ id: 'rollout-1' }));
    const outcome = await steps({}, { start }).run('rolling-out', run, ctx);
    expect(start).toHaveBeenCalledWith({
      modelName: 'sentiment',
      version: '2',
      actor: 'pipeline',
      reason: 'pipeline run run-1',
    });
    expect(outcome).toEqual({
      kind: 'next',
      to: 'succeeded',
      outputs: { rollout: { id: 'rollout-1' } },
    });
  });

  it('ends the run without a rollout when TRAINER_AUTO_ROLLOUT is off', async () => {
    const start = jest.fn();
    const outcome = await steps(
      { TRAINER_AUTO_ROLLOUT: 'false' },
      {
        start,
      },
    ).run('rolling-out', run, ctx);
    expect(start).not.toHaveBeenCalled();
    expect(outcome).toEqual({ kind: 'next', to: 'succeeded', outputs: {} });
  });

  it('ends the run succeeded, saying why, when another rollout is active', async () => {
    const busy = new ServiceException(ErrorCode.Conflict, 'sentiment has an active rollout (r0)');
    const outcome = await steps(
      {},
      {
        start: () => Promise.reject(busy),
        current: () => Promise.resolve({ id: 'r0', version: '1' }),
      },
    ).run('rolling-out', run, ctx);
    expect(outcome).toEqual({
      kind: 'next',
      to: 'succeeded',
      outputs: { rollout: { started: false, why: 'sentiment has an active rollout (r0)' } },
    });
  });

  it('takes the rollout of its version as its own when the step runs again', async () => {
    const busy = new ServiceException(ErrorCode.Conflict, 'sentiment has an active rollout');
    const outcome = await steps(
      {},
      {
        start: () => Promise.reject(busy),
        current: () => Promise.resolve({ id: 'rollout-1', version: '2' }),
      },
    ).run('rolling-out', run, ctx);
    expect(outcome).toMatchObject({ outputs: { rollout: { id: 'rollout-1' } } });
  });

  it('fails the step when the rollout cannot be started for another reason', async () => {
    const away = new ServiceException(ErrorCode.Unavailable, 'no responders on registry');
    await expect(
      steps({}, { start: () => Promise.reject(away) }).run('rolling-out', run, ctx),
    ).rejects.toBe(away);
  });
});
