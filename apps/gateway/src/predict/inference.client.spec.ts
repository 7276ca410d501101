import { Logger } from '@nestjs/common';
import {
  ErrorCode,
  type PredictReply,
  type PredictRequest,
  predictContract,
  type RequestContract,
  type RolloutChangedV1,
  validateMessage,
} from '@sentimentops/contracts';
import { type EventConsumers, type NatsRequester, RemoteCallError } from '@sentimentops/messaging';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { GatewayConfig } from '../gateway.config.js';
import { ChallengerCopies, MAX_COPIES_IN_FLIGHT } from '../rollouts/challenger-copies.js';
import { type RandomSource, RolloutRouter } from '../rollouts/rollout.router.js';
import { RolloutStatsAccumulator } from '../rollouts/rollout-stats.accumulator.js';
import { type RolloutsClient } from '../rollouts/rollouts.client.js';
import { InferenceClient } from './inference.client.js';

// What these classes log is not what is tested here.
beforeAll(() => {
  Logger.overrideLogger(false);
});

const ROLLOUT = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const CHAMPION = predictContract('champion').subject;
const CHALLENGER = predictContract('challenger').subject;

type Answer = (texts: string[]) => unknown;

/**
 * Inference over NATS as the gateway sees it: each track answers what a test tells it, checked
 * against the reply contract as the real requester does. The champion (version 3) calls texts
 * containing "good" positive; the challenger (version 4) is right too, unless told otherwise.
 */
class FakeInference {
  sent: { subject: string; texts: string[] }[] = [];
  tracks: Record<string, Answer> = {
    [CHAMPION]: (texts) => reply('3', texts),
    [CHALLENGER]: (texts) => reply('4', texts),
  };
  /** When set, the challenger's answers wait for it. */
  challengerHold?: Promise<void>;
  /** When set, every attempt waits for what it returns (given the attempt's number and timeout). */
  delay?: (attempt: number, timeoutMs: number) => Promise<void>;
  timeouts: number[] = [];

  async request<Req extends object, Res extends object>(
    contract: RequestContract<Req, Res>,
    payload: Req,
    timeoutMs: number,
  ): Promise<Res> {
    const { texts } = payload as unknown as PredictRequest;
    this.sent.push({ subject: contract.subject, texts });
    this.timeouts.push(timeoutMs);
    await this.delay?.(this.sent.length - 1, timeoutMs);
    if (contract.subject === CHALLENGER) await this.challengerHold;
    return validateMessage(contract.reply, this.tracks[contract.subject](texts));
  }

  on(subject: string) {
    return this.sent.filter((s) => s.subject === subject);
  }
}

function reply(version: string, texts: string[], flip = false): PredictReply {
  return {
    predictions: texts.map((text) => {
      const good = text.includes('good') !== flip;
      const positive = good ? 0.85 : 0.15;
      return {
        id: '6f1c2b3a-4d5e-4f60-8a7b-000000000000',
        label: good ? 'positive' : 'negative',
        score: Math.max(positive, 1 - positive),
        probabilities: { negative: 1 - positive, positive },
        truncated: false,
      };
    }),
    model: { name: 'sentiment', version },
  };
}

function rollout(overrides: Partial<RolloutChangedV1> = {}): RolloutChangedV1 {
  return {
    rolloutId: ROLLOUT,
    modelName: 'sentiment',
    version: '4',
    state: 'progressing',
    mode: 'canary',
    weight: 50,
    mirrorPercent: 0,
    sticky: false,
    revision: 1,
    actor: 'alice',
    occurredAt: '2026-01-02T03:00:00.000Z',
    ...overrides,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('InferenceClient', () => {
  let inference: FakeInference;
  let router: RolloutRouter;
  let stats: RolloutStatsAccumulator;
  let copies: ChallengerCopies;
  let registry: Registry;
  let client: InferenceClient;
  let draws: number[];
  let config: GatewayConfig;
  beforeEach(() => {
    inference = new FakeInference();
    registry = new Registry();
    type MetricConfig = { name: string; help: string; labelNames: string[]; registers: Registry[] };
    const metric = <T>(Kind: new (c: MetricConfig) => T, name: string, labelNames: string[]) =>
      new Kind({ name, help: 'test', labelNames, registers: [registry] });
    // Draws fixed by each test: [0, 1) scaled to percent, compared with weight / mirrorPercent.
    draws = [];
    const random: RandomSource = () => draws.shift() ?? 0.999;
    router = new RolloutRouter(
      { register: jest.fn() } as unknown as EventConsumers,
      {} as RolloutsClient,
      metric(Gauge, 'weight', ['model', 'version']),
      random,
    );
    stats = new RolloutStatsAccumulator();
    config = Object.assign(new GatewayConfig(), { GATEWAY_PREDICT_TIMEOUT_MS: 999 });
    const requester = inference as unknown as NatsRequester;
    copies = new ChallengerCopies(
      requester,
      config,
      stats,
      metric(Counter, 'copies', ['model', 'outcome']),
    );
    client = new InferenceClient(
      requester,
      config,
      router,
      stats,
      copies,
      metric(Counter, 'requests', ['route', 'status', 'track', 'model_version']),
      metric(Histogram, 'duration', ['route', 'status', 'track', 'model_version']),
      metric(Counter, 'fallbacks', ['model']),
      metric(Counter, 'hedges', ['track', 'outcome']),
    );
  });

  it('sends every batch to the champion without a rollout, and measures nothing', async () => {
    const answer = await client.predict(['good film'], { route: '/predict' });
    expect(answer).toMatchObject({ track: 'champion', model: { version: '3' } });
    expect(inference.sent).toEqual([{ subject: CHAMPION, texts: ['good film'] }]);
    expect(stats.rollover()).toEqual([]);
  });

  it("routes by the router's decision and measures both tracks for the rollout", async () => {
    router.onChanged(rollout({ weight: 50 }));
    draws = [0.1, 0.7, 0.999];
    expect((await client.predict(['good', 'bad'])).track).toBe('challenger');
    expect((await client.predict(['good'])).track).toBe('champion');
    expect((await client.predict(['bad'])).model.version).toBe('3');

    const [window] = stats.rollover();
    expect(window.rolloutId).toBe(ROLLOUT);
    const [champion, challenger] = window.tracks;
    expect(champion).toMatchObject({ track: 'champion', requests: 2, errors: 0 });
    expect(challenger).toMatchObject({ track: 'challenger', requests: 1, errors: 0 });
    expect(champion.scores[8] + champion.scores[1]).toBe(2);
    expect(challenger.scores[8]).toBe(1);
    expect(challenger.scores[1]).toBe(1);
    expect(champion.latency.reduce((a, b) => a + b)).toBe(2);
    const text = await registry.metrics();
    expect(text).toContain(
      'requests{route="unknown",track="challenger",status="OK",model_version="4"} 1',
    );
  });

  it("passes the caller's routing key to a sticky rollout", async () => {
    router.onChanged(rollout({ weight: 50, sticky: true }));
    const spy = jest.spyOn(router, 'route');
    await client.predict(['good'], { routingKey: 'user-1' });
    expect(spy).toHaveBeenCalledWith('sentiment', 'user-1');
  });

  it.each([
    ['no responders', new RemoteCallError(ErrorCode.Unavailable, 'no responders on x')],
    [
      'no model loaded',
      new RemoteCallError(ErrorCode.Unavailable, 'no model loaded for challenger'),
    ],
  ])('answers from the champion when the challenger has %s, and counts it', async (_, error) => {
    router.onChanged(rollout({ weight: 100 }));
    inference.tracks[CHALLENGER] = () => {
      throw error;
    };
    const answer = await client.predict(['good']);
    expect(answer).toMatchObject({ track: 'champion', model: { version: '3' } });
    // Tried (and retried once, like any unavailable track), then the champion.
    expect(inference.sent.map((s) => s.subject)).toEqual([CHALLENGER, CHALLENGER, CHAMPION]);
    expect(await registry.metrics()).toContain('fallbacks{model="sentiment"} 1');
    const [window] = stats.rollover();
    expect(window.tracks.map((t) => [t.track, t.requests, t.errors])).toEqual([
      ['champion', 1, 0],
      ['challenger', 1, 1],
    ]);
  });

  it("fails with the challenger's error when it is anything else", async () => {
    router.onChanged(rollout({ weight: 100 }));
    inference.tracks[CHALLENGER] = () => {
      throw new RemoteCallError(ErrorCode.InvalidArgument, 'texts[0] is too long');
    };
    await expect(client.predict(['good'])).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    expect(inference.on(CHAMPION)).toEqual([]);
  });

  describe('copies for the challenger', () => {
    it("shadow: the client gets the champion's answer; the challenger scores a copy", async () => {
      router.onChanged(rollout({ mode: 'shadow', weight: 0, mirrorPercent: 100 }));
      inference.tracks[CHALLENGER] = (texts) => reply('4', texts, true);
      const answer = await client.predict(['good', 'bad', 'good too']);
      expect(answer).toMatchObject({ track: 'champion', model: { version: '3' } });
      await settle();
      expect(inference.on(CHALLENGER)).toEqual([
        { subject: CHALLENGER, texts: ['good', 'bad', 'good too'] },
      ]);
      const [window] = stats.rollover();
      expect(window).toMatchObject({ compared: 3, agreed: 0 });
      expect(window.tracks[1]).toMatchObject({ track: 'challenger', requests: 1 });
    });

    it('compares labels text by text', async () => {
      router.onChanged(rollout({ mode: 'shadow', weight: 0, mirrorPercent: 100 }));
      inference.tracks[CHALLENGER] = (texts) => ({
        ...reply('4', texts),
        predictions: [
          reply('4', [texts[0]], true).predictions[0],
          ...reply('4', texts.slice(1)).predictions,
        ],
      });
      await client.predict(['good', 'bad', 'good too']);
      await settle();
      expect(stats.rollover()[0]).toMatchObject({ compared: 3, agreed: 2 });
    });

    it('canary: mirrors the batches the router picks, after the champion answered', async () => {
      router.onChanged(rollout({ weight: 10, mirrorPercent: 50 }));
      draws = [0.5, 0.2, 0.5, 0.8];
      await client.predict(['good']);
      await client.predict(['bad']);
      await settle();
      expect(inference.sent.map((s) => [s.subject, s.texts[0]])).toEqual([
        [CHAMPION, 'good'],
        [CHALLENGER, 'good'],
        [CHAMPION, 'bad'],
      ]);
      expect(await registry.metrics()).toContain('copies{model="sentiment",outcome="sent"} 1');
    });

    it("never delays or fails the client's reply", async () => {
      router.onChanged(rollout({ mode: 'shadow', weight: 0, mirrorPercent: 100 }));
      let release!: () => void;
      inference.challengerHold = new Promise((resolve) => (release = resolve));
      inference.tracks[CHALLENGER] = () => {
        throw new RemoteCallError(ErrorCode.DeadlineExceeded, 'no reply within 999 ms');
      };
      const answer = await client.predict(['good']);
      expect(answer.track).toBe('champion');
      expect(copies.pending()).toBe(1);
      release();
      await settle();
      expect(copies.pending()).toBe(0);
      const [window] = stats.rollover();
      expect(window.tracks[1]).toMatchObject({ requests: 1, errors: 1 });
      expect(window.compared).toBe(0);
    });

    it(`drops copies beyond ${MAX_COPIES_IN_FLIGHT} in flight, and counts them`, async () => {
      router.onChanged(rollout({ mode: 'shadow', weight: 0, mirrorPercent: 100 }));
      let release!: () => void;
      inference.challengerHold = new Promise((resolve) => (release = resolve));
      for (let i = 0; i < MAX_COPIES_IN_FLIGHT + 8; i++) await client.predict(['good']);
      expect(copies.pending()).toBe(MAX_COPIES_IN_FLIGHT);
      const text = await registry.metrics();
      expect(text).toContain(`copies{model="sentiment",outcome="sent"} ${MAX_COPIES_IN_FLIGHT}`);
      expect(text).toContain('copies{model="sentiment",outcome="dropped"} 8');
      release();
      await copies.settle(1_000);
      expect(copies.pending()).toBe(0);
      await client.predict(['good']);
      expect(copies.pending()).toBe(1);
    });
  });

  describe('hedging', () => {
    /** An attempt that never answers: it fails when its timeout runs out, as NATS would. */
    const deadReplica = (timeoutMs: number) =>
      new Promise<void>((_, reject) =>
        setTimeout(
          () => reject(new RemoteCallError(ErrorCode.DeadlineExceeded, 'no reply')),
          timeoutMs,
        ),
      );

    beforeEach(() => {
      Object.assign(config, {
        GATEWAY_PREDICT_TIMEOUT_MS: 400,
        GATEWAY_PREDICT_HEDGE_PERCENT: 10,
        GATEWAY_PREDICT_HEDGE_MIN_MS: 20,
      });
    });

    it('sends a copy when the first attempt outlasts the delay; the copy answers', async () => {
      inference.delay = (attempt, timeoutMs) =>
        attempt === 0 ? deadReplica(timeoutMs) : Promise.resolve();
      const started = performance.now();
      const answer = await client.predict(['good']);
      const elapsed = performance.now() - started;

      expect(answer.predictions[0].label).toBe('positive');
      // No answer seen yet: the delay starts at half the timeout (200 ms), far below 400 ms.
      expect(elapsed).toBeGreaterThanOrEqual(195);
      expect(elapsed).toBeLessThan(350);
      expect(inference.on(CHAMPION)).toHaveLength(2);
      // The copy gets what is left of the timeout, not a fresh one.
      expect(inference.timeouts[0]).toBe(400);
      expect(inference.timeouts[1]).toBeLessThanOrEqual(205);
      expect(await registry.metrics()).toContain('hedges{track="champion",outcome="hedge_won"} 1');
    });

    it('does not hedge an attempt that answers in time', async () => {
      for (let i = 0; i < 5; i++) await client.predict(['good']);
      expect(inference.sent).toHaveLength(5);
      expect(await registry.metrics()).not.toContain('hedges{');
    });

    it("waits for the measured p99 of the track's answers, not half the timeout", async () => {
      // 64 answers of about 5 ms set the delay to its floor (20 ms).
      inference.delay = () => new Promise((resolve) => setTimeout(resolve, 5));
      for (let i = 0; i < 64; i++) await client.predict(['good']);
      inference.delay = (attempt, timeoutMs) =>
        attempt === 64 ? deadReplica(timeoutMs) : Promise.resolve();
      const started = performance.now();
      await client.predict(['good']);
      expect(performance.now() - started).toBeLessThan(150);
      expect(inference.sent).toHaveLength(66);
    });

    it('fails with the error when both attempts time out, without a third', async () => {
      inference.delay = (_, timeoutMs) => deadReplica(timeoutMs);
      const started = performance.now();
      await expect(client.predict(['good'])).rejects.toMatchObject({
        code: ErrorCode.DeadlineExceeded,
      });
      // The copy's deadline is the first's: the request took one timeout, not two.
      expect(performance.now() - started).toBeLessThan(600);
      expect(inference.sent).toHaveLength(2);
      expect(await registry.metrics()).toContain('hedges{track="champion",outcome="failed"} 1');
    });

    it('ends the request at once on a refusal that another attempt would share', async () => {
      inference.delay = (attempt, timeoutMs) =>
        attempt === 0
          ? deadReplica(timeoutMs)
          : Promise.reject(new RemoteCallError(ErrorCode.InvalidArgument, 'texts[0] is too long'));
      const started = performance.now();
      await expect(client.predict(['good'])).rejects.toMatchObject({
        code: ErrorCode.InvalidArgument,
      });
      expect(performance.now() - started).toBeLessThan(350);
    });

    it('hedges no more than its share of requests', async () => {
      // Every attempt is slow (60 ms, above the 20 ms delay's floor once measured) but answers.
      config.GATEWAY_PREDICT_TIMEOUT_MS = 100;
      inference.delay = () => new Promise((resolve) => setTimeout(resolve, 60));
      const requests = 60;
      for (let i = 0; i < requests; i++) await client.predict(['good']);
      const hedged = inference.sent.length - requests;
      // The 20 saved at the start and one per 10 requests after: never every request.
      expect(hedged).toBeGreaterThan(0);
      expect(hedged).toBeLessThanOrEqual(20 + requests / 10);
    });

    it('turned off, waits out the timeout and retries once', async () => {
      config.GATEWAY_PREDICT_HEDGE_PERCENT = 0;
      inference.delay = (attempt, timeoutMs) =>
        attempt === 0 ? deadReplica(timeoutMs) : Promise.resolve();
      const started = performance.now();
      await client.predict(['good']);
      expect(performance.now() - started).toBeGreaterThanOrEqual(395);
      expect(inference.timeouts).toEqual([400, 400]);
    });
  });
});
