import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsModelVersion } from '../common.dto.js';
import { defineEvent } from '../contract.js';
import { EventSubject, TRACKS, type Track } from '../subjects.js';

/**
 * A rollout moves the `challenger` version to `champion` through traffic steps. `progressing`
 * and `paused` are active (at most one per model); the others are how it ended.
 */
export const ROLLOUT_STATES = ['progressing', 'paused', 'promoted', 'rolled-back'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];
export const ACTIVE_ROLLOUT_STATES: readonly RolloutState[] = ['progressing', 'paused'];

/**
 * `canary`: a weighted share of batches goes to the challenger, whose answers clients see.
 * `shadow`: clients see only the champion; the challenger scores a copy (weight stays 0).
 */
export const ROLLOUT_MODES = ['canary', 'shadow'] as const;
export type RolloutMode = (typeof ROLLOUT_MODES)[number];

/** Latency histogram edges of the gateway's per-track rollout statistics, in milliseconds. */
export const ROLLOUT_LATENCY_BUCKETS_MS = [
  2.5, 5, 10, 15, 25, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10000,
] as const;
/** Bins of the positive-class score over [0, 1] in the per-track statistics (for PSI). */
export const ROLLOUT_SCORE_BINS = 10;

/**
 * What the gateways route by: every replica hears every change (an instance-scoped consumer) and
 * applies the one with the highest `revision` of its rollout.
 */
export class RolloutChangedV1 {
  @IsUUID() rolloutId!: string;
  @IsString() modelName!: string;
  /** The challenger version under test. */
  @IsModelVersion() version!: string;
  @IsOptional() @IsModelVersion() championVersion?: string | null;
  @IsIn(ROLLOUT_STATES) state!: RolloutState;
  @IsIn(ROLLOUT_MODES) mode!: RolloutMode;
  /** Percent of batches the challenger answers (0 in shadow mode and once the rollout ended). */
  @IsInt() @Min(0) @Max(100) weight!: number;
  /** Percent of the batches the champion answers that are also sent to the challenger, to compare. */
  @IsInt() @Min(0) @Max(100) mirrorPercent!: number;
  /** Route by a hash of the client's routing key, so one client stays on one track. */
  @IsBoolean() sticky!: boolean;
  /** Increases with every change of this rollout: a late event never moves a gateway back. */
  @IsInt() @Min(0) revision!: number;
  @IsString() @MaxLength(64) actor!: string;
  @IsOptional() @IsString() @MaxLength(2000) reason?: string;
  @IsISO8601() occurredAt!: string;
}

/** One track's requests as one gateway saw them in one window. */
export class RolloutTrackStatsDto {
  @IsIn(TRACKS) track!: Track;
  /** Batches sent to the track (answered to clients, or mirrored copies), and those that failed. */
  @IsInt() @Min(0) requests!: number;
  @IsInt() @Min(0) errors!: number;
  /**
   * Request counts per ROLLOUT_LATENCY_BUCKETS_MS edge (`<=` each edge), then one more for the
   * slower ones: length ROLLOUT_LATENCY_BUCKETS_MS.length + 1.
   */
  @IsArray() @ArrayMaxSize(64) @IsInt({ each: true }) @Min(0, { each: true }) latency!: number[];
  /** Texts per ROLLOUT_SCORE_BINS bin of the positive score (answered texts only). */
  @IsArray() @ArrayMaxSize(64) @IsInt({ each: true }) @Min(0, { each: true }) scores!: number[];
}

/**
 * The gateway's own measurements for a rollout, one message per gateway per window: what the
 * analysis judges the challenger by. `compared`/`agreed` count texts scored by both tracks (a
 * mirrored or shadowed batch) and the ones given the same label.
 */
export class RolloutStatsV1 {
  @IsUUID() statsId!: string;
  @IsUUID() rolloutId!: string;
  @IsString() @MaxLength(128) gateway!: string;
  @IsISO8601() windowStart!: string;
  @IsISO8601() windowEnd!: string;
  @IsArray()
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  @Type(() => RolloutTrackStatsDto)
  tracks!: RolloutTrackStatsDto[];
  @IsInt() @Min(0) compared!: number;
  @IsInt() @Min(0) agreed!: number;
}

export const RolloutChanged = defineEvent(EventSubject.RolloutChanged, RolloutChangedV1);
export const RolloutStats = defineEvent(EventSubject.RolloutStats, RolloutStatsV1);
