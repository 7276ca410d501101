import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { defineEvent } from '../contract.js';
import { EventSubject } from '../subjects.js';

export const PIPELINE_TRIGGERS = ['drift', 'schedule', 'manual'] as const;
export type PipelineTrigger = (typeof PIPELINE_TRIGGERS)[number];

export const PIPELINE_STATES = [
  'pending',
  'collecting',
  'building-dataset',
  'validating',
  'training',
  'evaluating',
  'registering',
  'rolling-out',
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
  /** The candidate did not beat the champion on the new data, or fell behind it on the old. */
  'rejected',
] as const;
export type PipelineState = (typeof PIPELINE_STATES)[number];

/** Somebody or something asks for a retraining run; the controller de-duplicates. */
export class PipelineRunRequestedV1 {
  @IsUUID() requestId!: string;
  @IsIn(PIPELINE_TRIGGERS) trigger!: PipelineTrigger;
  @IsString() @MaxLength(1000) reason!: string;
  @IsString() @MaxLength(64) requestedBy!: string;
  @IsISO8601() occurredAt!: string;
}

/** A pipeline run moved from one state to the next. */
export class PipelineStateChangedV1 {
  @IsUUID() runId!: string;
  @IsIn(PIPELINE_STATES) state!: PipelineState;
  @IsOptional() @IsIn(PIPELINE_STATES) previousState?: PipelineState;
  @IsOptional() @IsString() @MaxLength(2000) error?: string;
  @IsISO8601() occurredAt!: string;
}

export const PipelineRunRequested = defineEvent(
  EventSubject.PipelineRunRequested,
  PipelineRunRequestedV1,
);
export const PipelineStateChanged = defineEvent(
  EventSubject.PipelineStateChanged,
  PipelineStateChangedV1,
);
