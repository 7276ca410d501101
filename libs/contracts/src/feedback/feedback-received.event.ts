import {
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsSentimentLabel, MAX_TEXT_CHARS, type SentimentLabel } from '../common.dto.js';
import { defineEvent } from '../contract.js';
import { EventSubject } from '../subjects.js';

/**
 * The true label of a served prediction (measures live accuracy) or of a new text (new labelled
 * data for retraining). Exactly one of `predictionId` and `text` is set.
 */
export class FeedbackReceivedV1 {
  @IsUUID() feedbackId!: string;

  @ValidateIf((o: FeedbackReceivedV1) => o.text === undefined)
  @IsUUID()
  predictionId?: string;

  @ValidateIf((o: FeedbackReceivedV1) => o.predictionId === undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TEXT_CHARS)
  text?: string;

  @IsSentimentLabel() label!: SentimentLabel;
  @IsIn(['api', 'cli', 'import']) source!: 'api' | 'cli' | 'import';
  @IsOptional() @IsString() @MaxLength(64) actor?: string;
  @IsISO8601() occurredAt!: string;
}

export const FeedbackReceived = defineEvent(EventSubject.FeedbackReceived, FeedbackReceivedV1);
