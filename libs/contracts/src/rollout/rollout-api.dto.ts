import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsModelVersion } from '../common.dto.js';
import { defineRequest } from '../contract.js';
import { IsActor, IsModelName } from '../registry/registry.dto.js';
import { RequestSubject } from '../subjects.js';
import {
  ROLLOUT_MODES,
  ROLLOUT_STATES,
  type RolloutMode,
  type RolloutState,
} from './rollout-events.js';

/**
 * Start rolling a version out (it must be the model's `challenger`). Unset fields take the
 * controller's defaults (ROLLOUT_STEPS, ROLLOUT_INTERVAL_S, ...). Steps are percents of traffic,
 * increasing, the last 100.
 */
export class StartRolloutRequest {
  @IsOptional() @IsModelName() modelName?: string;
  @IsModelVersion() version!: string;
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(100, { each: true })
  steps?: number[];
  @IsOptional() @IsInt() @Min(1) @Max(86_400) intervalSeconds?: number;
  @IsOptional() @IsIn(ROLLOUT_MODES) mode?: RolloutMode;
  @IsOptional() @IsBoolean() sticky?: boolean;
  @IsActor() actor!: string;
  @IsOptional() @IsString() @MinLength(3) @MaxLength(1000) reason?: string;
}

export class CurrentRolloutRequest {
  @IsOptional() @IsModelName() modelName?: string;
}

export class RolloutActionRequest extends CurrentRolloutRequest {
  @IsActor() actor!: string;
  @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class ListRolloutsRequest extends CurrentRolloutRequest {
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

export const ROLLOUT_VERDICTS = ['pass', 'fail', 'inconclusive'] as const;
export type RolloutVerdict = (typeof ROLLOUT_VERDICTS)[number];

/** One analysis of one interval: the figures it judged and why it decided as it did. */
export class RolloutCheckView {
  @IsISO8601() at!: string;
  @IsInt() @Min(0) stepIndex!: number;
  @IsInt() @Min(0) @Max(100) weight!: number;
  @IsIn(ROLLOUT_VERDICTS) verdict!: RolloutVerdict;
  @IsArray() @IsString({ each: true }) reasons!: string[];
  /** Per track: requests, error rate, p99 latency; agreement, score PSI, live accuracy. */
  @IsObject() metrics!: Record<string, unknown>;
}

export class RolloutView {
  @IsUUID() id!: string;
  @IsString() modelName!: string;
  @IsModelVersion() version!: string;
  @IsOptional() @IsString() championVersion?: string | null;
  @IsIn(ROLLOUT_STATES) state!: RolloutState;
  @IsIn(ROLLOUT_MODES) mode!: RolloutMode;
  @IsArray() @IsInt({ each: true }) steps!: number[];
  /** The step now in force (index into `steps`). */
  @IsInt() @Min(0) stepIndex!: number;
  @IsInt() @Min(0) @Max(100) weight!: number;
  @IsInt() @Min(0) @Max(100) mirrorPercent!: number;
  @IsBoolean() sticky!: boolean;
  @IsInt() @Min(1) intervalSeconds!: number;
  /** Failed checks so far, and how many roll it back. */
  @IsInt() @Min(0) failedChecks!: number;
  @IsInt() @Min(1) failureThreshold!: number;
  @IsInt() @Min(0) revision!: number;
  @IsString() createdBy!: string;
  /** Why it started, and for an ended rollout why it ended (the breach that rolled it back). */
  @IsOptional() @IsString() reason?: string | null;
  @IsISO8601() createdAt!: string;
  @IsISO8601() updatedAt!: string;
  @IsOptional() @IsISO8601() nextCheckAt?: string | null;
  @IsOptional() @IsISO8601() finishedAt?: string | null;
  /**
   * The registry change an ended rollout still owes (`promote`: champion := version; `reject`:
   * clear challenger and mark it rejected), asked again every interval until the registry takes
   * it; null once it did. `registryError` is why the last attempt failed.
   */
  @IsOptional() @IsIn(['promote', 'reject']) registryPending?: 'promote' | 'reject' | null;
  @IsOptional() @IsString() registryError?: string | null;
  /** Newest first (the latest 50). */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RolloutCheckView)
  checks!: RolloutCheckView[];
}

export class CurrentRolloutReply {
  /** The active rollout, else the latest one; null when the model never had one. */
  @IsOptional() @ValidateNested() @Type(() => RolloutView) rollout!: RolloutView | null;
}

export class ListRolloutsReply {
  @IsArray() @ValidateNested({ each: true }) @Type(() => RolloutView) rollouts!: RolloutView[];
}

export const rolloutContracts = {
  start: defineRequest(RequestSubject.rollout('start'), StartRolloutRequest, RolloutView),
  current: defineRequest(
    RequestSubject.rollout('current'),
    CurrentRolloutRequest,
    CurrentRolloutReply,
  ),
  list: defineRequest(RequestSubject.rollout('list'), ListRolloutsRequest, ListRolloutsReply),
  pause: defineRequest(RequestSubject.rollout('pause'), RolloutActionRequest, RolloutView),
  resume: defineRequest(RequestSubject.rollout('resume'), RolloutActionRequest, RolloutView),
  promote: defineRequest(RequestSubject.rollout('promote'), RolloutActionRequest, RolloutView),
  rollback: defineRequest(RequestSubject.rollout('rollback'), RolloutActionRequest, RolloutView),
} as const;
