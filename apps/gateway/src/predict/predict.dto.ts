import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_TEXT_CHARS, SENTIMENT_LABELS } from '@sentimentops/contracts';
import {
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** `{"text": "..."}` for one prediction, `{"texts": [...]}` for a batch; exactly one of them. */
export class PredictBody {
  @ApiPropertyOptional({ maxLength: MAX_TEXT_CHARS, example: 'Not bad at all, I loved it.' })
  @ValidateIf((b: PredictBody) => b.texts === undefined)
  @IsDefined({ message: 'text or texts is required' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TEXT_CHARS)
  text?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'A batch (at most GATEWAY_MAX_BATCH texts); it goes to one model as a unit.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(MAX_TEXT_CHARS, { each: true })
  texts?: string[];
}

export class ModelRefDto {
  @ApiProperty({ example: 'sentiment' }) name!: string;
  @ApiProperty({ example: '3' }) version!: string;
}

export class ProbabilitiesDto {
  @ApiProperty() negative!: number;
  @ApiProperty() positive!: number;
}

export class PredictionDto {
  @ApiProperty({ format: 'uuid', description: 'Give it back with POST /feedback.' }) id!: string;
  @ApiProperty({ enum: SENTIMENT_LABELS }) label!: string;
  @ApiProperty({ description: 'Probability of the label.' }) score!: number;
  @ApiProperty({ type: ProbabilitiesDto }) probabilities!: ProbabilitiesDto;
  @ApiProperty({ description: "The text was longer than the model's max length." })
  truncated!: boolean;
}

export class SinglePredictionDto extends PredictionDto {
  @ApiProperty({ type: ModelRefDto }) model!: ModelRefDto;
}

export class BatchPredictionDto {
  @ApiProperty({ type: [PredictionDto] }) predictions!: PredictionDto[];
  @ApiProperty({ type: ModelRefDto }) model!: ModelRefDto;
}
