import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsNumber,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsSentimentLabel, MAX_TEXT_CHARS, ModelRef, type SentimentLabel } from '../common.dto.js';
import { defineRequest } from '../contract.js';
import { RequestSubject, type Track } from '../subjects.js';

export const MAX_BATCH_TEXTS = 256;

/** gateway -> inference, one subject per track, served in a queue group. */
export class PredictRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_TEXTS)
  @IsString({ each: true })
  @MaxLength(MAX_TEXT_CHARS, { each: true })
  texts!: string[];
}

export class Probabilities {
  @IsNumber() @Min(0) @Max(1) negative!: number;
  @IsNumber() @Min(0) @Max(1) positive!: number;
}

export class Prediction {
  @IsUUID()
  id!: string;

  @IsSentimentLabel()
  label!: SentimentLabel;

  @IsNumber()
  @Min(0)
  @Max(1)
  score!: number;

  @ValidateNested()
  @Type(() => Probabilities)
  probabilities!: Probabilities;

  @IsBoolean()
  truncated!: boolean;
}

export class PredictReply {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Prediction)
  predictions!: Prediction[];

  @ValidateNested()
  @Type(() => ModelRef)
  model!: ModelRef;
}

export const predictContract = (track: Track) =>
  defineRequest(RequestSubject.inferencePredict(track), PredictRequest, PredictReply);
