import {
  ROLLOUT_LATENCY_BUCKETS_MS,
  ROLLOUT_SCORE_BINS,
  type RolloutStatsV1,
} from '@sentimentops/contracts';
import {
  aggregateStats,
  analyse,
  type AnalysisPolicy,
  type LiveAccuracy,
  p99FromHistogram,
  scorePsi,
  type StatsWindow,
  type TrackFigures,
} from './rollout-analysis.js';

const policy: AnalysisPolicy = {
  minRequests: 20,
  maxErrorRate: 0.01,
  maxP99Ms: 1000,
  maxP99Ratio: 1.5,
  p99SlackMs: 20,
  minAgreement: 0.9,
  minCompared: 20,
  maxScorePsi: 0.25,
  minScored: 200,
  minLabelled: 30,
  maxAccuracyDrop: 0.05,
};

/** A latency histogram with `n` requests in the bucket whose upper edge is `edgeMs` (Infinity: overflow). */
function latencyAt(edgeMs: number, n: number): number[] {
  const counts = new Array<number>(ROLLOUT_LATENCY_BUCKETS_MS.length + 1).fill(0);
  const i = (ROLLOUT_LATENCY_BUCKETS_MS as readonly number[]).indexOf(edgeMs);
  counts[i === -1 ? counts.length - 1 : i] = n;
  return counts;
}

/** Scores spread like a confident classifier: mostly near 0 and 1. */
const SCORES = [40, 10, 5, 3, 2, 2, 3, 5, 10, 40];
const scaled = (k: number, shape = SCORES) => shape.map((c) => c * k);

function track(over: Partial<TrackFigures> = {}): TrackFigures {
  return { requests: 100, errors: 0, latency: latencyAt(50, 100), scores: scaled(3), ...over };
}

function window(over: Partial<StatsWindow> = {}): StatsWindow {
  return {
    champion: track(),
    challenger: track(),
    compared: 100,
    agreed: 98,
    messages: 2,
    gateways: 1,
    ...over,
  };
}

const noFeedback: LiveAccuracy = {
  champion: { version: '1', labelled: 0, accuracy: null },
  challenger: { version: '2', labelled: 0, accuracy: null },
};

const accuracy = (champion: number, challenger: number, labelled = 40): LiveAccuracy => ({
  champion: { version: '1', labelled, accuracy: champion },
  challenger: { version: '2', labelled, accuracy: challenger },
});

describe('p99FromHistogram', () => {
  it('is the upper edge of the bucket holding the 99th percentile', () => {
    const counts = latencyAt(50, 990);
    counts[ROLLOUT_LATENCY_BUCKETS_MS.indexOf(500)] = 10;
    expect(p99FromHistogram(counts)).toBe(50); // rank 990 of 1000 is still in the 50 ms bucket
    counts[ROLLOUT_LATENCY_BUCKETS_MS.indexOf(500)] = 11;
    expect(p99FromHistogram(counts)).toBe(500);
  });

  it('is Infinity in the overflow bucket, null without data', () => {
    expect(p99FromHistogram(latencyAt(Infinity, 5))).toBe(Infinity);
    expect(p99FromHistogram(latencyAt(50, 0))).toBeNull();
  });
});

describe('scorePsi', () => {
  it('is near 0 for the same shape and large for a mirrored one', () => {
    expect(scorePsi(scaled(3), scaled(5))).toBeLessThan(0.01);
    const skewed = [60, 30, 10, 5, 5, 5, 5, 5, 5, 0];
    expect(scorePsi(skewed, [...skewed].reverse())).toBeGreaterThan(1);
  });

  it('stays finite and modest when a bin is empty on one side only by chance', () => {
    const champion = scaled(3);
    const challenger = [...champion];
    challenger[5] = 0; // the 6 of 360 texts of one middle bin land in the next
    challenger[4] += 6;
    expect(scorePsi(champion, challenger)).toBeLessThan(0.1);
  });
});

describe('aggregateStats', () => {
  const message = (gateway: string, requests: number): RolloutStatsV1 => ({
    statsId: '00000000-0000-4000-8000-000000000001',
    rolloutId: '00000000-0000-4000-8000-000000000002',
    gateway,
    windowStart: '2025-01-01T00:00:00Z',
    windowEnd: '2025-01-01T00:00:05Z',
    tracks: [
      {
        track: 'challenger',
        requests,
        errors: 1,
        latency: latencyAt(50, requests),
        scores: scaled(1),
      },
    ],
    compared: 10,
    agreed: 9,
  });

  it('sums the tracks of every gateway and window', () => {
    const w = aggregateStats([message('g1', 10), message('g2', 15), message('g1', 5)]);
    expect(w).toMatchObject({ messages: 3, gateways: 2, compared: 30, agreed: 27 });
    expect(w.challenger).toMatchObject({ requests: 30, errors: 3 });
    expect(w.challenger.latency[ROLLOUT_LATENCY_BUCKETS_MS.indexOf(50)]).toBe(30);
    expect(w.challenger.scores).toEqual(scaled(3));
    expect(w.champion.requests).toBe(0);
  });

  it('folds counts past the contract length into the last slot', () => {
    const long = message('g1', 1);
    long.tracks[0].scores = [...new Array<number>(ROLLOUT_SCORE_BINS).fill(1), 5];
    expect(aggregateStats([long]).challenger.scores.at(-1)).toBe(6);
  });
});

describe('analyse', () => {
  it('passes a healthy challenger that behaves like the champion, every rule said', () => {
    const a = analyse(window(), accuracy(0.9, 0.89), policy);
    expect(a.verdict).toBe('pass');
    expect(a.failures).toEqual([]);
    expect(a.reasons).toEqual([
      'ok: challenger error rate 0.0000 (0 of 100) <= 0.0100',
      'ok: challenger p99 50 ms <= 1000 ms',
      'ok: challenger p99 50 ms <= champion p99 50 ms x 1.5 + 20 ms',
      'ok: agreement 0.980 (98 of 100 texts scored by both) >= 0.900',
      expect.stringMatching(/^ok: score PSI 0\.0000 against the champion <= 0\.2500$/),
      'ok: live accuracy 0.890 (40 labelled) >= champion 0.900 (40 labelled) - 0.050',
    ]);
    expect(a.metrics).toMatchObject({
      challenger: { requests: 100, errors: 0, errorRate: 0, p99Ms: 50, scored: 360 },
      champion: { requests: 100, p99Ms: 50 },
      agreement: 0.98,
    });
  });

  it('is inconclusive with fewer challenger requests than the minimum, whatever they show', () => {
    const few = track({ requests: 19, errors: 19, latency: latencyAt(Infinity, 19) });
    const a = analyse(window({ challenger: few, agreed: 0 }), noFeedback, policy);
    expect(a.verdict).toBe('inconclusive');
    expect(a.failures).toEqual([]);
    expect(a.reasons).toEqual([
      'inconclusive: 19 challenger request(s) in the interval, 20 needed to judge',
    ]);
    // The figures are still kept with the check.
    expect(a.metrics).toMatchObject({ challenger: { requests: 19, errors: 19 } });
  });

  it('is inconclusive without any data (no data holds the rollout)', () => {
    const none = track({ requests: 0, latency: latencyAt(50, 0), scores: scaled(0) });
    const a = analyse(
      window({ champion: none, challenger: none, compared: 0, agreed: 0 }),
      { unavailable: 'drift did not answer' },
      policy,
    );
    expect(a.verdict).toBe('inconclusive');
  });

  it('judges at exactly the minimum of requests', () => {
    const a = analyse(window({ challenger: track({ requests: 20 }) }), noFeedback, policy);
    expect(a.verdict).toBe('pass');
  });

  it('fails an error rate above the maximum, not one at it', () => {
    const at = analyse(window({ challenger: track({ errors: 1 }) }), noFeedback, policy);
    expect(at.verdict).toBe('pass');
    const above = analyse(window({ challenger: track({ errors: 2 }) }), noFeedback, policy);
    expect(above.verdict).toBe('fail');
    expect(above.failures).toEqual(['challenger error rate 0.0200 (2 of 100) > 0.0100']);
  });

  it('fails a p99 above the absolute maximum even when the champion is as slow', () => {
    const slow = track({ latency: latencyAt(2500, 100) });
    const a = analyse(window({ champion: slow, challenger: slow }), noFeedback, policy);
    expect(a.verdict).toBe('fail');
    expect(a.failures).toEqual(['challenger p99 2500 ms > 1000 ms']);
  });

  it('fails a p99 in the overflow bucket, naming it as over the last edge', () => {
    const a = analyse(
      window({ challenger: track({ latency: latencyAt(Infinity, 100) }) }),
      noFeedback,
      policy,
    );
    expect(a.failures[0]).toBe('challenger p99 over 10000 ms > 1000 ms');
    expect(a.metrics).toMatchObject({ challenger: { p99Ms: 10000, p99Overflow: true } });
  });

  it('fails a p99 beyond the champion p99 times the ratio plus the slack', () => {
    // champion 50 ms: limit 95 ms; 75 ms passes, 100 ms fails
    const ok = analyse(
      window({ challenger: track({ latency: latencyAt(75, 100) }) }),
      noFeedback,
      policy,
    );
    expect(ok.verdict).toBe('pass');
    const slow = analyse(
      window({ challenger: track({ latency: latencyAt(100, 100) }) }),
      noFeedback,
      policy,
    );
    expect(slow.failures).toEqual(['challenger p99 100 ms > champion p99 50 ms x 1.5 + 20 ms']);
  });

  it('skips the comparison with the champion p99 when the champion has too few requests', () => {
    const a = analyse(
      window({
        champion: track({ requests: 5, latency: latencyAt(5, 5) }),
        challenger: track({ latency: latencyAt(100, 100) }),
      }),
      noFeedback,
      policy,
    );
    expect(a.verdict).toBe('pass');
    expect(a.reasons).toContain(
      'skipped: p99 against the champion: 5 champion request(s), 20 needed',
    );
  });

  it('fails an agreement below the minimum once enough texts were compared', () => {
    const low = analyse(window({ compared: 100, agreed: 45 }), noFeedback, policy);
    expect(low.verdict).toBe('fail');
    expect(low.failures).toEqual(['agreement 0.450 (45 of 100 texts scored by both) < 0.900']);
    const exact = analyse(window({ compared: 100, agreed: 90 }), noFeedback, policy);
    expect(exact.verdict).toBe('pass');
  });

  it('skips agreement with fewer compared texts than the minimum', () => {
    const a = analyse(window({ compared: 19, agreed: 0 }), noFeedback, policy);
    expect(a.verdict).toBe('pass');
    expect(a.reasons).toContain('skipped: agreement: 19 text(s) scored by both tracks, 20 needed');
  });

  it('fails a score distribution that moved away from the champion', () => {
    const flipped = [...SCORES].map((_, i) => (i < 5 ? 30 : 3));
    const a = analyse(
      window({ challenger: track({ scores: scaled(3, flipped) }) }),
      noFeedback,
      policy,
    );
    expect(a.verdict).toBe('fail');
    expect(a.failures).toEqual([
      expect.stringMatching(/^score PSI \d+\.\d{4} against the champion > 0\.2500$/),
    ]);
    expect(a.metrics.scorePsi).toBeGreaterThan(0.25);
  });

  it('skips PSI when either track has too few requests or scored texts', () => {
    const fewTexts = analyse(
      window({ challenger: track({ scores: scaled(1, [1, 0, 0, 0, 0, 0, 0, 0, 0, 99]) }) }),
      noFeedback,
      { ...policy, minScored: 101 },
    );
    expect(fewTexts.verdict).toBe('pass');
    expect(fewTexts.reasons).toContainEqual(expect.stringMatching(/^skipped: score PSI: needs/));
    const fewChampion = analyse(
      window({ champion: track({ requests: 3 }), challenger: track({ scores: [300] }) }),
      noFeedback,
      policy,
    );
    expect(fewChampion.metrics.scorePsi).toBeNull();
  });

  it('fails live accuracy below the champion by more than the allowed drop', () => {
    const a = analyse(window(), accuracy(0.9, 0.84), policy);
    expect(a.verdict).toBe('fail');
    expect(a.failures).toEqual([
      'live accuracy 0.840 (40 labelled) < champion 0.900 (40 labelled) - 0.050',
    ]);
    expect(analyse(window(), accuracy(0.9, 0.86), policy).verdict).toBe('pass');
  });

  it('skips live accuracy with too few labels on either side, or without drift', () => {
    const few = analyse(window(), accuracy(0.9, 0.2, 29), policy);
    expect(few.verdict).toBe('pass');
    expect(few.reasons).toContain(
      'skipped: live accuracy: labelled predictions champion 29, challenger 29, 30 each needed',
    );
    const away = analyse(window(), { unavailable: 'drift did not answer (timeout)' }, policy);
    expect(away.verdict).toBe('pass');
    expect(away.reasons).toContain('skipped: live accuracy: drift did not answer (timeout)');
  });

  it('lists every failed rule', () => {
    const a = analyse(
      window({
        challenger: track({ errors: 10, latency: latencyAt(5000, 100) }),
        compared: 50,
        agreed: 10,
      }),
      accuracy(0.9, 0.5),
      policy,
    );
    expect(a.failures.map((f) => f.split(' ').slice(0, 2).join(' '))).toEqual([
      'challenger error',
      'challenger p99',
      'challenger p99',
      'agreement 0.200',
      'live accuracy',
    ]);
  });
});
