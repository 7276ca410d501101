import { Logger } from '@nestjs/common';
import {
  ErrorCode,
  type RolloutChangedV1,
  type RolloutView,
  type Track,
} from '@sentimentops/contracts';
import { type EventConsumers, RemoteCallError } from '@sentimentops/messaging';
import { Gauge, Registry } from 'prom-client';
import { type RandomSource, RolloutRouter, stickyBucket } from './rollout.router.js';
import { type RolloutsClient } from './rollouts.client.js';

// What these classes log is not what is tested here.
beforeAll(() => {
  Logger.overrideLogger(false);
});

const A = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const B = '0b7e9a11-2c3d-4e5f-8a9b-0c1d2e3f4a5b';

/** mulberry32: a small seeded generator, so a test's draws are the same on every run. */
function seeded(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function change(overrides: Partial<RolloutChangedV1> = {}): RolloutChangedV1 {
  return {
    rolloutId: A,
    modelName: 'sentiment',
    version: '4',
    championVersion: '3',
    state: 'progressing',
    mode: 'canary',
    weight: 25,
    mirrorPercent: 0,
    sticky: false,
    revision: 1,
    actor: 'alice',
    occurredAt: '2026-01-02T03:00:00.000Z',
    ...overrides,
  };
}

function view(overrides: Partial<RolloutView> = {}): RolloutView {
  return {
    id: A,
    modelName: 'sentiment',
    version: '4',
    championVersion: '3',
    state: 'progressing',
    mode: 'canary',
    steps: [25, 50, 100],
    stepIndex: 0,
    weight: 25,
    mirrorPercent: 0,
    sticky: false,
    intervalSeconds: 60,
    failedChecks: 0,
    failureThreshold: 3,
    revision: 1,
    createdBy: 'alice',
    reason: null,
    createdAt: '2026-01-02T03:00:00.000Z',
    updatedAt: '2026-01-02T03:00:00.000Z',
    nextCheckAt: null,
    finishedAt: null,
    checks: [],
    ...overrides,
  };
}

describe('RolloutRouter', () => {
  let registry: Registry;
  let router: RolloutRouter;
  let current: jest.Mock;

  const make = (random: RandomSource = seeded(42)) => {
    registry = new Registry();
    const gauge = new Gauge({
      name: 'rollout_weight',
      help: 'test',
      labelNames: ['model', 'version'],
      registers: [registry],
    });
    current = jest.fn();
    router = new RolloutRouter(
      { register: jest.fn() } as unknown as EventConsumers,
      { current } as unknown as RolloutsClient,
      gauge,
      random,
    );
    return router;
  };

  beforeEach(() => make());

  /** Routes `n` batches and counts what each track answered and how many were copied. */
  function split(n: number, key?: (i: number) => string) {
    const counts: Record<Track, number> & { copies: number } = {
      champion: 0,
      challenger: 0,
      copies: 0,
    };
    for (let i = 0; i < n; i++) {
      const decision = router.route('sentiment', key?.(i));
      if (!decision) throw new Error('no rollout');
      counts[decision.track]++;
      if (decision.copy) counts.copies++;
    }
    return counts;
  }

  it('routes everything to the champion, untouched, without a rollout', () => {
    expect(router.route('sentiment')).toBeUndefined();
    expect(router.active('sentiment')).toBeUndefined();
  });

  it.each([5, 25, 50, 90])('sends about %i%% of 20000 batches to the challenger', (weight) => {
    router.onChanged(change({ weight }));
    const counts = split(20_000);
    expect(counts.challenger / 20_000).toBeCloseTo(weight / 100, 1);
    expect(Math.abs(counts.challenger / 20_000 - weight / 100)).toBeLessThan(0.015);
    expect(counts.copies).toBe(0);
  });

  it('sends nothing to the challenger at weight 0, everything at 100', () => {
    router.onChanged(change({ weight: 0 }));
    expect(split(1_000).challenger).toBe(0);
    router.onChanged(change({ weight: 100, revision: 2 }));
    expect(split(1_000).champion).toBe(0);
  });

  it('decides by the random source it was given', () => {
    const draws = [0.2499, 0.25, 0.9];
    make(() => draws.shift()!);
    router.onChanged(change({ weight: 25 }));
    expect(router.route('sentiment')?.track).toBe('challenger');
    expect(router.route('sentiment')).toMatchObject({ track: 'champion', copy: false });
  });

  it("mirrors about mirrorPercent of the champion's batches, never the challenger's", () => {
    router.onChanged(change({ weight: 20, mirrorPercent: 50 }));
    const counts = split(20_000);
    expect(Math.abs(counts.challenger / 20_000 - 0.2)).toBeLessThan(0.015);
    expect(Math.abs(counts.copies / counts.champion - 0.5)).toBeLessThan(0.02);
    for (let i = 0; i < 200; i++) {
      const decision = router.route('sentiment')!;
      if (decision.track === 'challenger') expect(decision.copy).toBe(false);
    }
  });

  it('never routes a client to the challenger in shadow mode, and copies every batch', () => {
    router.onChanged(change({ mode: 'shadow', weight: 0, mirrorPercent: 100 }));
    expect(split(5_000)).toEqual({ champion: 5_000, challenger: 0, copies: 5_000 });
    // Whatever weight an event carries: shadow means the champion answers.
    router.onChanged(change({ mode: 'shadow', weight: 100, sticky: true, revision: 2 }));
    expect(split(1_000, (i) => `user-${i}`)).toMatchObject({ challenger: 0, copies: 1_000 });
  });

  describe('sticky', () => {
    it('keeps each routing key on one track while the weight holds', () => {
      router.onChanged(change({ sticky: true, weight: 30 }));
      const first = new Map<string, Track>();
      for (let i = 0; i < 2_000; i++)
        first.set(`user-${i}`, router.route('sentiment', `user-${i}`)!.track);
      for (let round = 0; round < 3; round++) {
        for (const [key, track] of first) expect(router.route('sentiment', key)!.track).toBe(track);
      }
      const share = [...first.values()].filter((t) => t === 'challenger').length / first.size;
      expect(Math.abs(share - 0.3)).toBeLessThan(0.04);
    });

    it('keeps the keys already on the challenger there as the weight grows', () => {
      router.onChanged(change({ sticky: true, weight: 10 }));
      const keys = Array.from({ length: 1_000 }, (_, i) => `k${i}`);
      const early = keys.filter((k) => router.route('sentiment', k)!.track === 'challenger');
      router.onChanged(change({ sticky: true, weight: 50, revision: 2 }));
      for (const k of early) expect(router.route('sentiment', k)!.track).toBe('challenger');
    });

    it('is the same on every replica: a hash of rollout and key, not of this process', () => {
      const other = make(seeded(7));
      other.onChanged(change({ sticky: true, weight: 50 }));
      expect(stickyBucket(A, 'user-1')).toBe(stickyBucket(A, 'user-1'));
      expect(other.route('sentiment', 'user-1')!.track).toBe(
        stickyBucket(A, 'user-1') < 50 ? 'challenger' : 'champion',
      );
      // A new rollout draws its population anew.
      const keys = Array.from({ length: 200 }, (_, i) => `user-${i}`);
      expect(keys.map((k) => stickyBucket(A, k))).not.toEqual(keys.map((k) => stickyBucket(B, k)));
    });

    it('routes a caller without a key by chance', () => {
      router.onChanged(change({ sticky: true, weight: 50 }));
      const counts = split(4_000);
      expect(counts.challenger).toBeGreaterThan(1_700);
      expect(counts.champion).toBeGreaterThan(1_700);
    });

    it('ignores routing keys when the rollout is not sticky', () => {
      router.onChanged(change({ sticky: false, weight: 50 }));
      const tracks = new Set(
        Array.from({ length: 50 }, () => router.route('sentiment', 'u')!.track),
      );
      expect(tracks).toEqual(new Set(['champion', 'challenger']));
    });
  });

  describe('states and revisions', () => {
    it('keeps routing a paused rollout by its weight, and stops once it ended', () => {
      router.onChanged(change({ weight: 100 }));
      router.onChanged(change({ state: 'paused', weight: 100, revision: 2 }));
      expect(router.route('sentiment')?.track).toBe('challenger');
      router.onChanged(change({ state: 'promoted', weight: 100, revision: 3 }));
      expect(router.route('sentiment')).toBeUndefined();
    });

    it('never moves back for a late or redelivered revision', () => {
      router.onChanged(change({ weight: 50, revision: 3 }));
      router.onChanged(change({ weight: 25, revision: 2 }));
      router.onChanged(change({ weight: 5, revision: 3 }));
      expect(router.active('sentiment')?.weight).toBe(50);
      router.onChanged(change({ state: 'rolled-back', weight: 0, revision: 4 }));
      router.onChanged(change({ weight: 50, revision: 3 }));
      expect(router.active('sentiment')).toBeUndefined();
    });

    it('takes a newer rollout, and ignores an older one that arrives late', () => {
      router.onChanged(change({ state: 'rolled-back', weight: 0, revision: 5 }));
      router.onChanged(
        change({ rolloutId: B, version: '5', revision: 1, occurredAt: '2026-01-02T04:00:00.000Z' }),
      );
      expect(router.active('sentiment')).toMatchObject({ rolloutId: B, version: '5' });
      router.onChanged(change({ revision: 6, weight: 90, occurredAt: '2026-01-02T03:30:00.000Z' }));
      expect(router.active('sentiment')).toMatchObject({ rolloutId: B, weight: 25 });
    });

    it('keeps each model apart', () => {
      router.onChanged(change({ modelName: 'other', weight: 100 }));
      expect(router.route('sentiment')).toBeUndefined();
      expect(router.route('other')?.track).toBe('challenger');
    });

    it("shows the weight it routes by in the gauge, and removes an ended rollout's", async () => {
      router.onChanged(change({ weight: 25 }));
      router.onChanged(change({ weight: 50, revision: 2 }));
      let text = await registry.metrics();
      expect(text).toContain('rollout_weight{model="sentiment",version="4"} 50');
      router.onChanged(change({ state: 'promoted', weight: 100, revision: 3 }));
      text = await registry.metrics();
      expect(text).not.toContain('version="4"');
    });
  });

  describe('the first read', () => {
    it("applies the controller's current rollout under the same rules as events", async () => {
      current.mockResolvedValue({ rollout: view({ weight: 50, revision: 2 }) });
      router.onChanged(change({ weight: 75, revision: 3 }));
      router.onApplicationBootstrap();
      await new Promise((resolve) => setImmediate(resolve));
      expect(current).toHaveBeenCalledWith({ modelName: 'sentiment' });
      expect(router.active('sentiment')?.weight).toBe(75);

      make();
      current.mockResolvedValue({ rollout: view({ weight: 50, revision: 2 }) });
      router.onApplicationBootstrap();
      await new Promise((resolve) => setImmediate(resolve));
      expect(router.active('sentiment')).toMatchObject({ rolloutId: A, weight: 50 });
    });

    it('tries again while the trainer-controller is not there, and not after a refusal', async () => {
      jest.useFakeTimers();
      try {
        current
          .mockRejectedValueOnce(new RemoteCallError(ErrorCode.Unavailable, 'no responders'))
          .mockResolvedValueOnce({ rollout: view() });
        router.onApplicationBootstrap();
        await jest.advanceTimersByTimeAsync(1_000);
        expect(current).toHaveBeenCalledTimes(2);
        expect(router.active('sentiment')).toBeDefined();

        make();
        current.mockRejectedValue(new RemoteCallError(ErrorCode.InvalidArgument, 'bad'));
        router.onApplicationBootstrap();
        await jest.advanceTimersByTimeAsync(60_000);
        expect(current).toHaveBeenCalledTimes(1);
      } finally {
        jest.useRealTimers();
      }
    });
  });
});
