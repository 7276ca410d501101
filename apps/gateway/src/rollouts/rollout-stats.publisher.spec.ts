import { Logger } from '@nestjs/common';
import {
  type EventContract,
  RolloutStats,
  type RolloutStatsV1,
  validateMessage,
} from '@sentimentops/contracts';
import { type EventPublisher } from '@sentimentops/messaging';
import { GatewayConfig } from '../gateway.config.js';
import { type ChallengerCopies } from './challenger-copies.js';
import { RolloutStatsAccumulator } from './rollout-stats.accumulator.js';
import { MAX_UNSENT_WINDOWS, RolloutStatsPublisher } from './rollout-stats.publisher.js';

// What these classes log is not what is tested here.
beforeAll(() => {
  Logger.overrideLogger(false);
});

const A = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const B = '0b7e9a11-2c3d-4e5f-8a9b-0c1d2e3f4a5b';
const at = (s: number) => new Date(Date.UTC(2026, 0, 2, 3, 0, s));

interface Published {
  subject: string;
  payload: RolloutStatsV1;
  messageId: string;
}

/** Publishes into a list, checking the payload against its contract as the real one does. */
class FakePublisher {
  published: Published[] = [];
  fail?: Error;

  publish<T extends object>(
    contract: EventContract<T>,
    payload: T,
    options: { messageId: string },
  ) {
    if (this.fail) return Promise.reject(this.fail);
    const checked = validateMessage(contract.payload, payload) as unknown as RolloutStatsV1;
    this.published.push({
      subject: contract.subject,
      payload: checked,
      messageId: options.messageId,
    });
    return Promise.resolve({});
  }
}

describe('RolloutStatsPublisher', () => {
  let stats: RolloutStatsAccumulator;
  let publisher: FakePublisher;
  let copies: { settle: jest.Mock };
  let config: GatewayConfig;
  let statsPublisher: RolloutStatsPublisher;

  beforeEach(() => {
    stats = new RolloutStatsAccumulator();
    stats.rollover(at(0));
    publisher = new FakePublisher();
    copies = { settle: jest.fn().mockResolvedValue(undefined) };
    config = Object.assign(new GatewayConfig(), {
      INSTANCE_ID: 'gw-1',
      GATEWAY_ROLLOUT_STATS_S: 5,
      SHUTDOWN_TIMEOUT_MS: 1234,
    });
    statsPublisher = new RolloutStatsPublisher(
      config,
      publisher as unknown as EventPublisher,
      stats,
      copies as unknown as ChallengerCopies,
    );
  });

  it('publishes one rollout.stats.v1 per rollout with traffic, its statsId the message id', async () => {
    stats.recordAnswer(A, 'champion', 3, [0.9]);
    stats.recordAnswer(A, 'challenger', 7, [0.8]);
    stats.recordComparison(A, 1, 1);
    stats.recordError(B, 'challenger', 9);
    await statsPublisher.flush(at(5));

    expect(publisher.published).toHaveLength(2);
    const [a, b] = publisher.published;
    expect(a.subject).toBe(RolloutStats.subject);
    expect(a.messageId).toBe(a.payload.statsId);
    expect(a.payload).toMatchObject({
      rolloutId: A,
      gateway: 'gw-1',
      windowStart: at(0).toISOString(),
      windowEnd: at(5).toISOString(),
      compared: 1,
      agreed: 1,
    });
    expect(a.payload.tracks.map((t) => [t.track, t.requests])).toEqual([
      ['champion', 1],
      ['challenger', 1],
    ]);
    expect(b.payload).toMatchObject({ rolloutId: B, compared: 0 });
    expect(a.payload.statsId).not.toBe(b.payload.statsId);
  });

  it('publishes nothing for an empty window', async () => {
    await statsPublisher.flush(at(5));
    expect(publisher.published).toEqual([]);
  });

  it('sends a window JetStream did not take again, with the same statsId, in order', async () => {
    stats.recordAnswer(A, 'champion', 3, [0.9]);
    publisher.fail = new Error('timeout');
    await statsPublisher.flush(at(5));
    expect(publisher.published).toEqual([]);

    publisher.fail = undefined;
    stats.recordAnswer(A, 'champion', 3, [0.9]);
    await statsPublisher.flush(at(10));
    expect(publisher.published.map((p) => p.payload.windowEnd)).toEqual([
      at(5).toISOString(),
      at(10).toISOString(),
    ]);
    await statsPublisher.flush(at(15));
    expect(publisher.published).toHaveLength(2);
  });

  it(`keeps at most ${MAX_UNSENT_WINDOWS} unsent windows, dropping the oldest`, async () => {
    publisher.fail = new Error('no stream');
    for (let i = 1; i <= MAX_UNSENT_WINDOWS + 5; i++) {
      stats.recordAnswer(A, 'champion', 3, [0.9]);
      await statsPublisher.flush(at(i));
    }
    publisher.fail = undefined;
    await statsPublisher.flush(at(MAX_UNSENT_WINDOWS + 6));
    expect(publisher.published).toHaveLength(MAX_UNSENT_WINDOWS);
    expect(publisher.published[0].payload.windowEnd).toBe(at(6).toISOString());
  });

  it('ends a window every GATEWAY_ROLLOUT_STATS_S seconds', async () => {
    jest.useFakeTimers({ now: at(0) });
    try {
      statsPublisher.onApplicationBootstrap();
      stats.recordAnswer(A, 'champion', 3, [0.9]);
      await jest.advanceTimersByTimeAsync(4_999);
      expect(publisher.published).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(publisher.published).toHaveLength(1);
      stats.recordAnswer(A, 'champion', 3, [0.9]);
      await jest.advanceTimersByTimeAsync(5_000);
      expect(publisher.published).toHaveLength(2);
      expect(publisher.published[1].payload.windowStart).toBe(at(5).toISOString());
    } finally {
      await statsPublisher.onApplicationShutdown();
      jest.useRealTimers();
    }
  });

  it('flushes the last window on shutdown, once the copies in flight have been answered', async () => {
    copies.settle.mockImplementation(() => {
      stats.recordAnswer(A, 'challenger', 3, [0.9]);
      return Promise.resolve();
    });
    await statsPublisher.onApplicationShutdown();
    expect(copies.settle).toHaveBeenCalledWith(1234);
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0].payload.tracks[1].requests).toBe(1);
  });
});
