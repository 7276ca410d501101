import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  IsModelVersion,
  IsSentimentLabel,
  MAX_TEXT_CHARS,
  type SentimentLabel,
} from '../common.dto.js';
import { defineEvent } from '../contract.js';
import { EventSubject, TRACKS, type Track } from '../subjects.js';

/**
 * One served prediction, sampled, with the features drift compares against the reference profile.
 * The raw text travels only when data capture is explicitly enabled.
 */
export class PredictionLoggedV1 {
  @IsUUID() predictionId!: string;
  @IsString() @MaxLength(64) modelName!: string;
  @IsModelVersion() modelVersion!: string;
  @IsIn(TRACKS) track!: Track;
  @IsSentimentLabel() label!: SentimentLabel;
  /** Probability of the positive class. */
  @IsNumber() @Min(0) @Max(1) score!: number;
  @IsInt() @Min(0) tokenCount!: number;
  @IsNumber() @Min(0) @Max(1) unknownTokenRate!: number;
  @IsBoolean() truncated!: boolean;
  @IsNumber() @Min(0) latencyMs!: number;
  @IsISO8601() occurredAt!: string;
  @IsOptional() @IsString() @MaxLength(MAX_TEXT_CHARS) text?: string;
}

export const PredictionLogged = defineEvent(EventSubject.PredictionLogged, PredictionLoggedV1);
