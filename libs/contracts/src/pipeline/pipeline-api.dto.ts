import { Type } from 'class-transformer';
import {
  IsArray,
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
import { defineRequest } from '../contract.js';
import { IsActor } from '../registry/registry.dto.js';
import { RequestSubject } from '../subjects.js';
import {
  PIPELINE_STATES,
  PIPELINE_TRIGGERS,
  type PipelineState,
  type PipelineTrigger,
} from './pipeline-events.js';

/** Start a retraining run (or join the active one: a second trigger is recorded, not run). */
export class StartPipelineRequest {
  @IsIn(PIPELINE_TRIGGERS) trigger!: PipelineTrigger;
  @IsString() @MinLength(3) @MaxLength(1000) reason!: string;
  @IsActor() actor!: string;
}

export class PipelineRunRequest {
  @IsUUID() id!: string;
}

export class PipelineActionRequest extends PipelineRunRequest {
  @IsActor() actor!: string;
  @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class ListPipelinesRequest {
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

/** Training progress of the run's current job. */
export class PipelineProgressView {
  @IsOptional() @IsInt() epoch?: number;
  @IsOptional() @IsInt() epochs?: number;
  @IsOptional() @IsInt() step?: number;
  @IsOptional() @IsInt() totalSteps?: number;
  @IsOptional() stepsPerSecond?: number;
  @IsOptional() etaSeconds?: number;
  @IsOptional() @IsString() message?: string;
  @IsOptional() @IsString() job?: string;
}

export class PipelineRunView {
  @IsUUID() id!: string;
  @IsIn(PIPELINE_STATES) state!: PipelineState;
  @IsIn(PIPELINE_TRIGGERS) trigger!: PipelineTrigger;
  @IsString() reason!: string;
  @IsString() requestedBy!: string;
  /** The step that failed, and why (a validation failure links its report). */
  @IsOptional() @IsString() failedStep?: string | null;
  @IsOptional() @IsString() error?: string | null;
  @IsOptional()
  @ValidateNested()
  @Type(() => PipelineProgressView)
  progress?: PipelineProgressView | null;
  /** What the steps produced: new data, dataset hashes, reports, the model, evaluations, version. */
  @IsObject() outputs!: Record<string, unknown>;
  /** Triggers that arrived while the run was active and were folded into it. */
  @IsInt() @Min(0) joinedTriggers!: number;
  @IsISO8601() createdAt!: string;
  @IsISO8601() updatedAt!: string;
  @IsOptional() @IsISO8601() finishedAt?: string | null;
}

export class StartPipelineReply {
  @ValidateNested() @Type(() => PipelineRunView) run!: PipelineRunView;
  /** false: a run was already active; this trigger joined it. */
  @IsIn([true, false]) created!: boolean;
}

export class ListPipelinesReply {
  @IsArray() @ValidateNested({ each: true }) @Type(() => PipelineRunView) runs!: PipelineRunView[];
}

export const pipelineContracts = {
  start: defineRequest(RequestSubject.pipeline('start'), StartPipelineRequest, StartPipelineReply),
  list: defineRequest(RequestSubject.pipeline('list'), ListPipelinesRequest, ListPipelinesReply),
  get: defineRequest(RequestSubject.pipeline('get'), PipelineRunRequest, PipelineRunView),
  cancel: defineRequest(RequestSubject.pipeline('cancel'), PipelineActionRequest, PipelineRunView),
  retry: defineRequest(RequestSubject.pipeline('retry'), PipelineActionRequest, PipelineRunView),
} as const;
