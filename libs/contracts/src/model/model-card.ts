import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsBoolean,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { SENTIMENT_LABELS } from '../common.dto.js';

/** A file of the model directory as the card lists it. */
export class CardFile {
  @Matches(/^[0-9a-f]{64}$/, { message: 'must be a lowercase hex sha256' })
  sha256!: string;

  @IsInt() @Min(0) bytes!: number;
}

class CardOnnxInt8 {
  @IsString() file!: string;
}

class CardOnnx {
  @IsString() file!: string;
  @IsOptional() @ValidateNested() @Type(() => CardOnnxInt8) int8?: CardOnnxInt8;
}

class CardTokenizer {
  @IsString() file!: string;
  @IsInt() @Min(0) pad_token_id!: number;
  @IsOptional() @IsInt() @Min(0) unk_token_id?: number;
}

/**
 * The fields of model-card.json that serving depends on (the training code writes more: metrics,
 * lineage, parity). Checked when a model is loaded, so a wrong card fails there, not mid-request.
 */
export class ModelCard {
  @IsInt() @Min(1) @Max(1) schema_version!: number;
  @IsString() name!: string;

  /** Label order = logit order; the platform's model is binary. */
  @IsArray()
  @IsIn(SENTIMENT_LABELS, { each: true })
  @ArrayMinSize(2)
  labels!: string[];

  @IsInt() @Min(2) @Max(8192) max_length!: number;
  @ValidateNested() @Type(() => CardOnnx) onnx!: CardOnnx;
  @ValidateNested() @Type(() => CardTokenizer) tokenizer!: CardTokenizer;

  /** sha256 and size of every file of the directory but the card itself. */
  @IsObject() files!: Record<string, CardFile>;
}

export const CARD_FILE = 'model-card.json';

/** The dataset a model was trained on, as the card records it (the training manifest's identity). */
export class CardDataset {
  @Matches(/^[0-9a-f]{64}$/, { message: 'must be a lowercase hex sha256' })
  content_sha256!: string;

  @IsInt() @Min(0) rows!: number;
  @IsObject() splits!: Record<string, { rows: number; labels: Record<string, number> }>;
  @IsObject() source!: Record<string, unknown>;
}

export class CardTraining {
  @IsString() @Matches(/^[A-Za-z0-9_.-]{1,128}$/) run_id!: string;
  @IsOptional() @IsString() mlflow_run_id?: string | null;
  @IsObject() model!: Record<string, unknown>;
  @IsObject() train!: Record<string, unknown>;
  @IsNumber() @Min(0) elapsed_s!: number;
  @IsOptional() @IsString() device?: string;
  @IsOptional() @IsString() precision?: string;
}

/** One model's scores on a test set: the fields the registry's promotion gate reads. */
export class CardModelScores {
  @IsInt() @Min(1) n!: number;
  @IsNumber() @Min(0) @Max(1) accuracy!: number;
  @IsNumber() @Min(0) @Max(1) macro_f1!: number;
}

export class CardTestSetMetrics {
  @ValidateNested() @Type(() => CardModelScores) model!: CardModelScores;
  /** The scores of the lexicon baseline on the same texts, when it was run. */
  @IsOptional() @ValidateNested() @Type(() => CardModelScores) lexicon_baseline?: CardModelScores;
  /** A named file's test set (hand-written reviews) carries its file's sha256. */
  @IsOptional() @Matches(/^[0-9a-f]{64}$/) sha256?: string;
}

/**
 * A card the registry accepts: what serving needs plus the lineage (data, code, run, metrics).
 * The registry names the first field that is wrong when it refuses one.
 */
export class RegistrableModelCard extends ModelCard {
  @IsISO8601() created_at!: string;
  @ValidateNested() @Type(() => CardDataset) dataset!: CardDataset;
  @IsString() @Matches(/^([0-9a-f]{7,40}|unknown)$/) code_commit!: string;
  @IsBoolean() code_dirty!: boolean;
  @ValidateNested() @Type(() => CardTraining) training!: CardTraining;

  /** Metrics per named test set (`validation`, `test`, `handwritten`, ...). */
  @IsObject() metrics!: Record<string, CardTestSetMetrics>;
}
