import { ROLLOUT_LATENCY_BUCKETS_MS, ROLLOUT_SCORE_BINS } from '@sentimentops/contracts';
import { latencyBucket, RolloutStatsAccumulator, scoreBin } from './rollout-stats.accumulator.js';

const A = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const B = '0b7e9a11-2c3d-4e5f-8a9b-0c1d2e3f4a5b';

const at = (s: number) => new Date(Date.UTC(2026, 0, 2, 3, 0, s));

describe('latency buckets', () => {
  it.each([
    [0, 0],
    [2.5, 0],
    [2.6, 1],
    [5, 1],
    [10, 2],
    [10.01, 3],
    [99.9, 7],
    [100, 7],
    [100.5, 8],
    [10_000, 14],
    [10_000.1, 15],
    [60_000, 15],
  ])('%f ms is in bucket %i (edges are `<=`, the last one the overflow)', (ms, bucket) => {
    expect(latencyBucket(ms)).toBe(bucket);
  });

  it('has one bucket per edge and one more', () => {
    expect(latencyBucket(Number.MAX_VALUE)).toBe(ROLLOUT_LATENCY_BUCKETS_MS.length);
  });
});

describe('score bins', () => {
  it.each([
    [0, 0],
    [0.0999, 0],
    [0.1, 1],
    [0.55, 5],
    [0.9, 9],
    [0.999, 9],
    [1, 9],
  ])('a positive score of %f is in bin %i', (score, bin) => {
    expect(scoreBin(score)).toBe(bin);
  });
});

describe('RolloutStatsAccumulator', () => {
  const zeros = (n: number) => new Array<number>(n).fill(0);

  it('adds requests, errors, latencies and scores per track, and comparisons per rollout', () => {
    const stats = new RolloutStatsAccumulator();
    stats.rollover(at(0));
    stats.recordAnswer(A, 'champion', 4, [0.05, 0.95, 1]);
    stats.recordAnswer(A, 'champion', 12, [0.5]);
    stats.recordError(A, 'champion', 20_000);
    stats.recordAnswer(A, 'challenger', 30, [0.31, 0.39]);
    stats.recordComparison(A, 3, 2);
    stats.recordComparison(A, 1, 1);

    const [window, ...others] = stats.rollover(at(5));
    expect(others).toEqual([]);
    const latency = (...buckets: number[]) => {
      const counts = zeros(ROLLOUT_LATENCY_BUCKETS_MS.length + 1);
      for (const b of buckets) counts[b]++;
      return counts;
    };
    const scores = (...bins: number[]) => {
      const counts = zeros(ROLLOUT_SCORE_BINS);
      for (const b of bins) counts[b]++;
      return counts;
    };
    expect(window).toEqual({
      rolloutId: A,
      windowStart: at(0),
      windowEnd: at(5),
      tracks: [
        {
          track: 'champion',
          requests: 3,
          errors: 1,
          latency: latency(1, 3, 15),
          scores: scores(0, 9, 9, 5),
        },
        { track: 'challenger', requests: 1, errors: 0, latency: latency(5), scores: scores(3, 3) },
      ],
      compared: 4,
      agreed: 3,
    });
  });

  it('lists a track without traffic as zeros', () => {
    const stats = new RolloutStatsAccumulator();
    stats.recordAnswer(A, 'challenger', 1, [0.7]);
    const [window] = stats.rollover(at(5));
    expect(window.tracks[0]).toEqual({
      track: 'champion',
      requests: 0,
      errors: 0,
      latency: zeros(ROLLOUT_LATENCY_BUCKETS_MS.length + 1),
      scores: zeros(ROLLOUT_SCORE_BINS),
    });
    expect(window.tracks[1]).toMatchObject({ track: 'challenger', requests: 1 });
  });

  it('starts a new, empty window at each rollover; an empty window yields nothing', () => {
    const stats = new RolloutStatsAccumulator();
    stats.rollover(at(0));
    stats.recordAnswer(A, 'champion', 1, [0.2]);
    stats.recordAnswer(B, 'challenger', 1, [0.2]);
    const first = stats.rollover(at(5));
    expect(first.map((w) => w.rolloutId)).toEqual([A, B]);

    expect(stats.rollover(at(10))).toEqual([]);

    stats.recordError(B, 'challenger', 3);
    const [third] = stats.rollover(at(15));
    expect(third).toMatchObject({ rolloutId: B, windowStart: at(10), windowEnd: at(15) });
    expect(third.tracks[1]).toMatchObject({ requests: 1, errors: 1 });
    // The first window's counts were not touched by what came after it.
    expect(first[1].tracks[1]).toMatchObject({ requests: 1, errors: 0 });
  });
});
