import {
  ROLLOUT_LATENCY_BUCKETS_MS,
  ROLLOUT_SCORE_BINS,
  type RolloutStatsV1,
  type RolloutVerdict,
} from '@sentimentops/contracts';
import { psiFromShares } from '@sentimentops/statistics';

/** One track's measurements over an interval, summed over gateways and windows. */
export interface TrackFigures {
  requests: number;
  errors: number;
  /** Counts per ROLLOUT_LATENCY_BUCKETS_MS edge, then the overflow bucket. */
  latency: number[];
  /** Texts per ROLLOUT_SCORE_BINS bin of the positive score. */
  scores: number[];
}

/** What the gateways measured since the previous check. */
export interface StatsWindow {
  champion: TrackFigures;
  challenger: TrackFigures;
  /** Texts scored by both tracks, and those given the same label. */
  compared: number;
  agreed: number;
  messages: number;
  gateways: number;
}

export interface VersionAccuracy {
  version: string;
  labelled: number;
  accuracy: number | null;
}

/** Live accuracy from drift's feedback, or why there is none this time. */
export type LiveAccuracy =
  { champion: VersionAccuracy; challenger: VersionAccuracy } | { unavailable: string };

export interface AnalysisPolicy {
  minRequests: number;
  maxErrorRate: number;
  maxP99Ms: number;
  maxP99Ratio: number;
  p99SlackMs: number;
  minAgreement: number;
  minCompared: number;
  maxScorePsi: number;
  /** Scored texts each track needs before PSI says anything (its noise is ~ bins / texts). */
  minScored: number;
  minLabelled: number;
  maxAccuracyDrop: number;
}

export interface Analysis {
  verdict: RolloutVerdict;
  /** Every rule, in words: `ok: ...`, `failed: ...`, `skipped: ...`, or why it is inconclusive. */
  reasons: string[];
  /** The failed rules alone (what a rollback is explained by). */
  failures: string[];
  metrics: Record<string, unknown>;
}

const LATENCY_SLOTS = ROLLOUT_LATENCY_BUCKETS_MS.length + 1;

const emptyTrack = (): TrackFigures => ({
  requests: 0,
  errors: 0,
  latency: new Array<number>(LATENCY_SLOTS).fill(0),
  scores: new Array<number>(ROLLOUT_SCORE_BINS).fill(0),
});

/**
 * Sums the gateways' messages. A histogram longer than the contract's folds its extra counts into
 * its last slot (the overflow bucket, the top score bin), so nothing measured is dropped.
 */
export function aggregateStats(messages: readonly RolloutStatsV1[]): StatsWindow {
  const window: StatsWindow = {
    champion: emptyTrack(),
    challenger: emptyTrack(),
    compared: 0,
    agreed: 0,
    messages: messages.length,
    gateways: new Set(messages.map((m) => m.gateway)).size,
  };
  for (const m of messages) {
    window.compared += m.compared;
    window.agreed += m.agreed;
    for (const t of m.tracks) {
      const into = window[t.track];
      into.requests += t.requests;
      into.errors += t.errors;
      addInto(into.latency, t.latency);
      addInto(into.scores, t.scores);
    }
  }
  return window;
}

function addInto(sum: number[], counts: readonly number[]) {
  counts.forEach((c, i) => (sum[Math.min(i, sum.length - 1)] += c));
}

/**
 * The 99th percentile of a latency histogram: the upper edge of the bucket that holds it
 * (Infinity when that is the overflow bucket), or null for an empty histogram.
 */
export function p99FromHistogram(
  counts: readonly number[],
  edges: readonly number[] = ROLLOUT_LATENCY_BUCKETS_MS,
): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil(0.99 * total);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) return i < edges.length ? edges[i] : Infinity;
  }
  return Infinity;
}

/**
 * PSI of the challenger's score histogram against the champion's. Each bin gets half a text more
 * on both sides (additive smoothing): an empty bin is common with a few hundred texts, and the
 * library's epsilon for a zero share would make one empty bin weigh like a shifted distribution.
 */
export function scorePsi(champion: readonly number[], challenger: readonly number[]): number {
  const shares = (counts: readonly number[]) => {
    const total = counts.reduce((a, b) => a + b, 0) + 0.5 * counts.length;
    return counts.map((c) => (c + 0.5) / total);
  };
  return psiFromShares(shares(champion), shares(challenger)).value;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const f4 = (x: number) => x.toFixed(4);
const f3 = (x: number) => x.toFixed(3);
const LAST_EDGE = ROLLOUT_LATENCY_BUCKETS_MS.at(-1)!;
const ms = (x: number) => (Number.isFinite(x) ? `${+x.toFixed(1)} ms` : `over ${LAST_EDGE} ms`);

/**
 * Judges one interval of a rollout: whether the challenger is healthy (errors, p99 latency) and
 * behaves like the champion (agreement on texts both scored, score distribution, live accuracy).
 * Too few challenger requests make it inconclusive: no data is never a pass, nor a failure.
 * A rule without enough data of its own is skipped and says so; any failed rule fails the check.
 */
export function analyse(
  window: StatsWindow,
  accuracy: LiveAccuracy,
  policy: AnalysisPolicy,
): Analysis {
  const { champion, challenger } = window;
  const championP99 = p99FromHistogram(champion.latency);
  const challengerP99 = p99FromHistogram(challenger.latency);
  const errorRate = challenger.requests > 0 ? challenger.errors / challenger.requests : 0;
  const agreement = window.compared > 0 ? window.agreed / window.compared : null;
  const enough = (t: TrackFigures) => t.requests >= policy.minRequests;
  const scored = (t: TrackFigures) => sum(t.scores);
  const psiJudged =
    enough(champion) &&
    enough(challenger) &&
    scored(champion) >= policy.minScored &&
    scored(challenger) >= policy.minScored;
  const psi = psiJudged ? scorePsi(champion.scores, challenger.scores) : null;

  const metrics: Record<string, unknown> = {
    champion: trackMetrics(champion, championP99),
    challenger: { ...trackMetrics(challenger, challengerP99), errorRate },
    compared: window.compared,
    agreed: window.agreed,
    agreement,
    scorePsi: psi,
    accuracy,
    messages: window.messages,
    gateways: window.gateways,
  };

  if (!enough(challenger)) {
    return {
      verdict: 'inconclusive',
      reasons: [
        `inconclusive: ${challenger.requests} challenger request(s) in the interval, ` +
          `${policy.minRequests} needed to judge`,
      ],
      failures: [],
      metrics,
    };
  }

  const reasons: string[] = [];
  const failures: string[] = [];
  const rule = (ok: boolean, text: string) => {
    reasons.push(`${ok ? 'ok' : 'failed'}: ${text}`);
    if (!ok) failures.push(text);
  };
  const skip = (text: string) => reasons.push(`skipped: ${text}`);

  rule(
    errorRate <= policy.maxErrorRate,
    `challenger error rate ${f4(errorRate)} (${challenger.errors} of ${challenger.requests}) ` +
      `${errorRate <= policy.maxErrorRate ? '<=' : '>'} ${f4(policy.maxErrorRate)}`,
  );

  if (challengerP99 === null) {
    skip('p99 latency: the challenger reported no latencies');
  } else {
    rule(
      challengerP99 <= policy.maxP99Ms,
      `challenger p99 ${ms(challengerP99)} ${challengerP99 <= policy.maxP99Ms ? '<=' : '>'} ` +
        `${ms(policy.maxP99Ms)}`,
    );
    if (championP99 !== null && enough(champion)) {
      const limit = championP99 * policy.maxP99Ratio + policy.p99SlackMs;
      rule(
        challengerP99 <= limit,
        `challenger p99 ${ms(challengerP99)} ${challengerP99 <= limit ? '<=' : '>'} ` +
          `champion p99 ${ms(championP99)} x ${policy.maxP99Ratio} + ${policy.p99SlackMs} ms`,
      );
    } else {
      skip(
        `p99 against the champion: ${champion.requests} champion request(s), ` +
          `${policy.minRequests} needed`,
      );
    }
  }

  if (agreement !== null && window.compared >= policy.minCompared) {
    rule(
      agreement >= policy.minAgreement,
      `agreement ${f3(agreement)} (${window.agreed} of ${window.compared} texts scored by both) ` +
        `${agreement >= policy.minAgreement ? '>=' : '<'} ${f3(policy.minAgreement)}`,
    );
  } else {
    skip(
      `agreement: ${window.compared} text(s) scored by both tracks, ${policy.minCompared} needed`,
    );
  }

  if (psi !== null) {
    rule(
      psi <= policy.maxScorePsi,
      `score PSI ${f4(psi)} against the champion ` +
        `${psi <= policy.maxScorePsi ? '<=' : '>'} ${f4(policy.maxScorePsi)}`,
    );
  } else {
    skip(
      `score PSI: needs ${policy.minRequests} requests and ${policy.minScored} scored texts per ` +
        `track (champion ${champion.requests}/${scored(champion)}, ` +
        `challenger ${challenger.requests}/${scored(challenger)})`,
    );
  }

  judgeAccuracy(accuracy, policy, rule, skip);

  return { verdict: failures.length > 0 ? 'fail' : 'pass', reasons, failures, metrics };
}

function judgeAccuracy(
  accuracy: LiveAccuracy,
  policy: AnalysisPolicy,
  rule: (ok: boolean, text: string) => void,
  skip: (text: string) => void,
) {
  if ('unavailable' in accuracy) {
    skip(`live accuracy: ${accuracy.unavailable}`);
    return;
  }
  const { champion, challenger } = accuracy;
  if (
    champion.accuracy === null ||
    challenger.accuracy === null ||
    champion.labelled < policy.minLabelled ||
    challenger.labelled < policy.minLabelled
  ) {
    skip(
      `live accuracy: labelled predictions champion ${champion.labelled}, ` +
        `challenger ${challenger.labelled}, ${policy.minLabelled} each needed`,
    );
    return;
  }
  const floor = champion.accuracy - policy.maxAccuracyDrop;
  const ok = challenger.accuracy >= floor;
  rule(
    ok,
    `live accuracy ${f3(challenger.accuracy)} (${challenger.labelled} labelled) ` +
      `${ok ? '>=' : '<'} champion ${f3(champion.accuracy)} (${champion.labelled} labelled) ` +
      `- ${f3(policy.maxAccuracyDrop)}`,
  );
}

function trackMetrics(t: TrackFigures, p99: number | null) {
  return {
    requests: t.requests,
    errors: t.errors,
    scored: sum(t.scores),
    // JSON has no Infinity: a p99 in the overflow bucket is the last edge, flagged.
    p99Ms: p99 === null ? null : Number.isFinite(p99) ? p99 : LAST_EDGE,
    ...(p99 === Infinity ? { p99Overflow: true } : {}),
  };
}
