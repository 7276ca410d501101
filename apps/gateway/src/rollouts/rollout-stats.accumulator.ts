import { Injectable } from '@nestjs/common';
import {
  ROLLOUT_LATENCY_BUCKETS_MS,
  ROLLOUT_SCORE_BINS,
  type RolloutTrackStatsDto,
  type Track,
  TRACKS,
} from '@sentimentops/contracts';

/** One rollout's measurements over one window, as `rollout.stats.v1` carries them (less ids). */
export interface RolloutWindow {
  rolloutId: string;
  windowStart: Date;
  windowEnd: Date;
  tracks: RolloutTrackStatsDto[];
  compared: number;
  agreed: number;
}

interface Counts {
  tracks: Map<Track, RolloutTrackStatsDto>;
  compared: number;
  agreed: number;
}

/** The latency histogram's bucket: the first edge the latency is `<=`, else the overflow one. */
export function latencyBucket(latencyMs: number): number {
  const i = ROLLOUT_LATENCY_BUCKETS_MS.findIndex((edge) => latencyMs <= edge);
  return i === -1 ? ROLLOUT_LATENCY_BUCKETS_MS.length : i;
}

/** The score histogram's bin of a positive-class score in [0, 1] (a score of 1 is in the last). */
export function scoreBin(positive: number): number {
  return Math.max(0, Math.min(Math.floor(positive * ROLLOUT_SCORE_BINS), ROLLOUT_SCORE_BINS - 1));
}

/**
 * The gateway's per-track statistics of each rollout, in windows: every batch sent to a track for
 * a rollout (answered to a client, or a copy) adds a request, and an error when it failed, to its
 * track; its latency to the latency histogram (failures too, so the histogram always sums to
 * `requests`); and the positive score of each answered text to the score histogram. Texts that
 * both tracks scored add to `compared`, and to `agreed` when they got the same label.
 *
 * `rollover` ends the window and returns what it held; the publisher sends it on.
 */
@Injectable()
export class RolloutStatsAccumulator {
  private counts = new Map<string, Counts>();
  private windowStart = new Date();

  recordAnswer(
    rolloutId: string,
    track: Track,
    latencyMs: number,
    positiveScores: readonly number[],
  ) {
    const stats = this.track(rolloutId, track, latencyMs);
    for (const score of positiveScores) stats.scores[scoreBin(score)]++;
  }

  recordError(rolloutId: string, track: Track, latencyMs: number) {
    this.track(rolloutId, track, latencyMs).errors++;
  }

  recordComparison(rolloutId: string, compared: number, agreed: number) {
    const counts = this.rollout(rolloutId);
    counts.compared += compared;
    counts.agreed += agreed;
  }

  /**
   * Ends the window at `now`: every rollout that saw traffic in it, both tracks listed (a track
   * without traffic as zeros), and starts the next window. A rollout without any is left out.
   */
  rollover(now = new Date()): RolloutWindow[] {
    const windows = [...this.counts].map(([rolloutId, counts]) => ({
      rolloutId,
      windowStart: this.windowStart,
      windowEnd: now,
      tracks: TRACKS.map((t) => counts.tracks.get(t) ?? emptyTrack(t)),
      compared: counts.compared,
      agreed: counts.agreed,
    }));
    this.counts = new Map();
    this.windowStart = now;
    return windows;
  }

  private track(rolloutId: string, track: Track, latencyMs: number): RolloutTrackStatsDto {
    const counts = this.rollout(rolloutId);
    let stats = counts.tracks.get(track);
    if (!stats) counts.tracks.set(track, (stats = emptyTrack(track)));
    stats.requests++;
    stats.latency[latencyBucket(latencyMs)]++;
    return stats;
  }

  private rollout(rolloutId: string): Counts {
    let counts = this.counts.get(rolloutId);
    if (!counts)
      this.counts.set(rolloutId, (counts = { tracks: new Map(), compared: 0, agreed: 0 }));
    return counts;
  }
}

function emptyTrack(track: Track): RolloutTrackStatsDto {
  return {
    track,
    requests: 0,
    errors: 0,
    latency: new Array<number>(ROLLOUT_LATENCY_BUCKETS_MS.length + 1).fill(0),
    scores: new Array<number>(ROLLOUT_SCORE_BINS).fill(0),
  };
}
