import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
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

/** gateway -> inference: which model a track serves, and whether it is ready (OIP v2 metadata). */
export class ModelStatusRequest {}

export class ModelStatusReply {
  @ValidateNested()
  @Type(() => ModelRef)
  model!: ModelRef;

  @IsBoolean()
  ready!: boolean;

  /** Tokens per text the model sees, special tokens included; longer texts are truncated. */
  @IsInt()
  @Min(1)
  maxLength!: number;

  @IsArray()
  @IsSentimentLabel({ each: true })
  labels!: SentimentLabel[];

  /** sha256 of the served ONNX file: what identifies the artifact beyond its version. */
  @IsString()
  @MaxLength(64)
  sha256!: string;
}

export const modelStatusContract = (track: Track) =>
  defineRequest(RequestSubject.inferenceModel(track), ModelStatusRequest, ModelStatusReply);
