import { SENTIMENT_LABELS } from '@sentimentops/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

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
