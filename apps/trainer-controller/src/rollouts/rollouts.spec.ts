import { Logger } from '@nestjs/common';
import { loadConfig } from '@sentimentops/config';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { TrainerControllerConfig } from '../trainer-controller.config.js';
import { type Aliases, type RolloutRegistry } from './rollout-registry.js';
import { type NewRollout, type RolloutRow, type RolloutStore } from './rollout-store.js';
import { Rollouts } from './rollouts.js';

const alias = (name: 'champion' | 'challenger', version: string) => ({
  alias: name,
  version,
  revision: 1,
  updatedBy: 'it',
  reason: 'test',
  updatedAt: null,
});

function setUp(
  env: Record<string, string> = {},
  state: { active?: Partial<RolloutRow>; owing?: Partial<RolloutRow>; aliases?: Aliases } = {},
) {
  const inserted: NewRollout[] = [];
  const store = {
    active: jest.fn(() => Promise.resolve(state.active)),
    owingRegistry: jest.fn(() => Promise.resolve(state.owing)),
    insert: jest.fn((r: NewRollout) => {
      inserted.push(r);
      return Promise.resolve({ id: 'r1', version: r.version, weight: r.weight } as RolloutRow);
    }),
  };
  const registry = {
    aliases: jest.fn(() =>
      Promise.resolve(
        state.aliases ?? { champion: alias('champion', '1'), challenger: alias('challenger', '2') },
      ),
    ),
  };
  const config = loadConfig(TrainerControllerConfig, env);
  const rollouts = new Rollouts(
    store as unknown as RolloutStore,
    registry as unknown as RolloutRegistry,
    config,
  );
  return { rollouts, inserted, store, registry };
}

async function refusal(promise: Promise<unknown>): Promise<ServiceException> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceException);
  return err as ServiceException;
}

describe('Rollouts.start', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it("starts with the config's defaults, at weight 0 until the challenger serves", async () => {
    const { rollouts, inserted } = setUp();
    await rollouts.start({ version: '2', actor: 'it-admin' });
    expect(inserted).toEqual([
      {
        modelName: 'sentiment',
        version: '2',
        championVersion: '1',
        mode: 'canary',
        steps: [5, 25, 50, 100],
        weight: 0,
        mirrorPercent: 10,
        sticky: false,
        intervalSeconds: 60,
        failureThreshold: 2,
        actor: 'it-admin',
        reason: null,
      },
    ]);
  });

  it('takes the request over the defaults, and the defaults from the environment', async () => {
    const { rollouts, inserted } = setUp({
      ROLLOUT_STEPS: '10,100',
      ROLLOUT_MIRROR_PERCENT: '25',
      ROLLOUT_FAILURE_THRESHOLD: '3',
    });
    await rollouts.start({
      version: '2',
      actor: 'it-admin',
      intervalSeconds: 5,
      sticky: true,
      reason: 'new data',
    });
    expect(inserted[0]).toMatchObject({
      steps: [10, 100],
      mirrorPercent: 25,
      failureThreshold: 3,
      intervalSeconds: 5,
      sticky: true,
      reason: 'new data',
    });
  });

  it('runs a shadow rollout at weight 0 with every champion batch mirrored', async () => {
    const { rollouts, inserted } = setUp();
    await rollouts.start({ version: '2', actor: 'it-admin', mode: 'shadow', steps: [50, 100] });
    expect(inserted[0]).toMatchObject({ mode: 'shadow', weight: 0, mirrorPercent: 100 });
  });

  it('refuses steps that do not increase to 100 (invalid argument)', async () => {
    const { rollouts, store } = setUp();
    for (const steps of [
      [50, 25, 100],
      [5, 50],
      [100, 100],
    ]) {
      const err = await refusal(rollouts.start({ version: '2', actor: 'it-admin', steps }));
      expect(err.code).toBe(ErrorCode.InvalidArgument);
    }
    expect(store.insert).not.toHaveBeenCalled();
  });

  it('refuses a second active rollout (conflict), before asking the registry', async () => {
    const { rollouts, registry } = setUp(
      {},
      { active: { id: 'r0', version: '2', state: 'paused' } },
    );
    const err = await refusal(rollouts.start({ version: '2', actor: 'it-admin' }));
    expect(err.code).toBe(ErrorCode.Conflict);
    expect(err.message).toContain('r0');
    expect(registry.aliases).not.toHaveBeenCalled();
  });

  it('refuses while an ended rollout still owes the registry its change (conflict)', async () => {
    const { rollouts } = setUp(
      {},
      { owing: { id: 'r0', state: 'promoted', registry_error: 'no responders', interval_s: 60 } },
    );
    const err = await refusal(rollouts.start({ version: '2', actor: 'it-admin' }));
    expect(err.code).toBe(ErrorCode.Conflict);
    expect(err.message).toContain('no responders');
  });

  it('refuses a version that is not the challenger (failed precondition)', async () => {
    const { rollouts, store } = setUp({}, { aliases: { champion: alias('champion', '1') } });
    const err = await refusal(rollouts.start({ version: '2', actor: 'it-admin' }));
    expect(err.code).toBe(ErrorCode.FailedPrecondition);
    expect(err.message).toContain('the challenger is unset');
    expect(store.insert).not.toHaveBeenCalled();
  });
});

describe('TrainerControllerConfig rollout keys', () => {
  it('refuses steps that cannot drive a rollout at boot', () => {
    expect(() => loadConfig(TrainerControllerConfig, { ROLLOUT_STEPS: '5,50' })).toThrow(
      /ROLLOUT_STEPS: must be increasing percents ending at 100/,
    );
  });
});
